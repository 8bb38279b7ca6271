"""The composite index on the synthetic sample (known latent truth) and on small hand-made panels."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest

from digital_resilience.core.errors import InputError
from digital_resilience.core.indices.composite import IndexOptions, build_indices
from digital_resilience.core.indices.system import read_system, system_from_matrix, system_from_rows
from digital_resilience.core.indices.templates import TEMPLATES, template_path


@pytest.fixture(scope="module")
def sample(sample_dir):
    panel = pd.read_csv(sample_dir / "synthetic_panel.csv")
    latent = pd.read_csv(sample_dir / "synthetic_latent.csv")
    return panel, latent


def test_templates_are_the_sample_system(sample_dir):
    with open(sample_dir / "indicator_system.csv", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    for key, _ in TEMPLATES:
        with open(template_path(key), encoding="utf-8") as handle:
            template = list(csv.reader(handle))
        assert template[0] == rows[0]
        assert all(row in rows[1:] for row in template[1:])
    systems = {key: read_system(template_path(key)) for key, _ in TEMPLATES}
    assert [i.stem for i in systems["digital_resilience"].indices] == ["DEI", "URI"]
    assert [d.stem for d in systems["urban_resilience"].indices[0].dimensions] == ["URSOC", "URECO", "URINF", "URENV"]
    assert systems["digital_economy"].indices[0].dimensions[0].stem == "DEI"  # one dimension: no sub-index
    full = read_system(sample_dir / "indicator_system.csv")
    assert full.ignored == ["POP", "GDP", "PATNT", "OPEN", "GOV", "HUM", "URB"]  # auxiliary rows


def test_entropy_index_recovers_the_latent_truth(sample):
    """SYNTHETIC_PANEL.md: the pooled entropy index correlates r = 0.99 / 0.99 with D and 0.97 / 0.99
    with R in 2011 / 2019; each dimension 0.88–0.97 with its latent (pooled)."""
    panel, latent = sample
    result = build_indices(panel, read_system(template_path("digital_resilience")), IndexOptions(),
                           "adcode", "year")
    frame = pd.concat([panel[["adcode", "year"]], result.scores], axis=1).merge(latent, on=["adcode", "year"])
    for year, rows in frame.groupby("year"):
        assert np.corrcoef(rows.DEI, rows.digital_economy)[0, 1] > 0.98, year
        assert np.corrcoef(rows.URI, rows.resilience)[0, 1] > 0.96, year
    for stem, truth in (("URSOC", "res_social"), ("URECO", "res_economic"), ("URINF", "res_infrastructure"),
                        ("URENV", "res_ecological")):
        assert np.corrcoef(frame[stem], frame[truth])[0, 1] > 0.87, stem
    # The dimension sub-indices add up to the index; min–max indices lie on [0, 1].
    parts = frame[["URSOC", "URECO", "URINF", "URENV"]].sum(axis=1)
    assert np.allclose(parts, frame.URI, atol=1e-12)
    assert frame.DEI.between(0, 1).all() and frame.URI.between(0, 1).all()
    # SYNTHETIC_PANEL.md: TELEC and BBAND lead the digital weights, SAVPC and GDPPC the resilience ones,
    # and the (-) indicators, bunched near their best values after min-max, come last.
    weights = result.weights
    top = weights[weights["index"] == "digital_economy"].sort_values("rank")["indicator"].tolist()[:2]
    assert top == ["TELEC", "BBAND"]
    resilience = weights[weights["index"] == "resilience"].sort_values("rank")["indicator"].tolist()
    assert resilience[:2] == ["SAVPC", "GDPPC"] and set(resilience[-4:]) == {"UNEMP", "SO2", "WWATR", "PM25"}
    assert weights.groupby("index")["weight"].sum().tolist() == pytest.approx([1.0, 1.0])
    assert set(weights["year"].isna()) == {True}  # pooled: one set of weights


def test_pooled_weights_are_pymcdm_entropy_of_the_pooled_matrix(sample):
    pymcdm = pytest.importorskip("pymcdm")
    panel, _ = sample
    system = read_system(template_path("digital_economy"))
    result = build_indices(panel, system, IndexOptions(), "adcode", "year")
    raw = panel[["BBAND", "MOBIL", "TELEC", "ITEMP", "DIFI"]]
    standardised = (raw - raw.min()) / (raw.max() - raw.min())  # pandas, pooled over city-years
    expected = pymcdm.weights.entropy_weights(standardised.to_numpy() + 1e-4)
    assert result.weights["weight"].to_numpy() == pytest.approx(expected, abs=1e-12)
    assert result.scores["DEI"].to_numpy() == pytest.approx(standardised.to_numpy() @ expected, abs=1e-12)


def test_per_year_weights_and_standardisation(sample):
    panel, _ = sample
    system = read_system(template_path("digital_economy"))
    result = build_indices(panel, system, IndexOptions(pooling="per_year"), "adcode", "year")
    assert sorted(result.weights["year"].unique()) == list(range(2011, 2020))
    per_year = result.scores["DEI"].groupby(panel["year"])
    assert per_year.max().max() <= 1.0 and per_year.min().min() >= 0.0
    one = panel[panel.year == 2015].reset_index(drop=True)
    alone = build_indices(one, system, IndexOptions(), "adcode", "year")
    assert result.scores["DEI"][panel.year == 2015].to_numpy() == pytest.approx(alone.scores["DEI"].to_numpy())


def test_methods_zscore_and_topsis(sample):
    panel, _ = sample
    system = read_system(template_path("urban_resilience"))
    for method in ("critic", "cv", "equal"):
        result = build_indices(panel, system, IndexOptions(method=method), "adcode", "year")
        assert result.weights["weight"].sum() == pytest.approx(1.0)
        assert result.weights["method"].unique().tolist() == [method]
    equal = build_indices(panel, system, IndexOptions(method="equal", standardisation="zscore", topsis=True),
                          "adcode", "year")
    assert equal.scores["URI"].mean() == pytest.approx(0.0, abs=1e-12)  # z-scores average 0
    assert "URIT" in equal.scores and equal.scores["URIT"].between(0, 1).all()
    assert equal.labels["URIT"].startswith("Urban resilience index (城市韧性指数), TOPSIS")


def _small(values_a, values_b, years=(2019,)):
    rows = []
    for year in years:
        for unit, (a, b) in enumerate(zip(values_a, values_b)):
            rows.append({"unit": unit, "year": year, "A": a, "B": b})
    return pd.DataFrame(rows)


SYSTEM = system_from_matrix(["A", "X", "d1", "+", "1", "B", "X", "d2", "-", "3"])


def test_user_weights_by_hand():
    panel = _small([1.0, 2.0, 3.0], [10.0, 30.0, 20.0])
    result = build_indices(panel, SYSTEM, IndexOptions(method="user"), "unit", "year")
    # A: 0, .5, 1 ; B (negative): 1, 0, .5 ; weights .25/.75
    assert result.scores["X"].tolist() == pytest.approx([0.75, 0.125, 0.625])
    assert result.scores["XD1"].tolist() == pytest.approx([0.0, 0.125, 0.25])


def test_missing_value_policies():
    panel = _small([1.0, np.nan, 3.0, 4.0], [10.0, 30.0, 20.0, 15.0])
    with pytest.raises(InputError, match=r"Index X: 1 indicator values are missing \(1 2019 A\)"):
        build_indices(panel, SYSTEM, IndexOptions(), "unit", "year")
    dropped = build_indices(panel, SYSTEM, IndexOptions(missing="drop"), "unit", "year")
    assert np.isnan(dropped.scores["X"].iloc[1]) and dropped.scores["X"].notna().sum() == 3
    assert dropped.missing[["unit", "indicator", "action"]].values.tolist() == [[1, "A", "city-year dropped"]]
    filled = build_indices(panel, SYSTEM, IndexOptions(missing="fill_year_mean"), "unit", "year")
    assert filled.missing["action"].iloc[0] == "filled with the year mean 2.66667"
    complete = _small([1.0, 8 / 3, 3.0, 4.0], [10.0, 30.0, 20.0, 15.0])
    expected = build_indices(complete, SYSTEM, IndexOptions(), "unit", "year")
    assert filled.scores["X"].to_numpy() == pytest.approx(expected.scores["X"].to_numpy())


def test_non_finite_values_follow_the_missing_value_policy():
    """±inf is a missing value (it stopped the run with a pandas traceback): the same policy, and
    the report says the value was not finite. Expected values: the same panel with NaN there."""
    panel = _small([1.0, np.inf, 3.0, 4.0], [10.0, 30.0, 20.0, 15.0])
    with pytest.raises(InputError, match=r"1 indicator values are missing, 1 of them because they are not finite "
                                         r"numbers \(±inf\) \(1 2019 A \(inf\)\)"):
        build_indices(panel, SYSTEM, IndexOptions(), "unit", "year")
    as_nan = _small([1.0, np.nan, 3.0, 4.0], [10.0, 30.0, 20.0, 15.0])
    for policy in ("drop", "fill_year_mean"):
        found = build_indices(panel, SYSTEM, IndexOptions(missing=policy), "unit", "year")
        expected = build_indices(as_nan, SYSTEM, IndexOptions(missing=policy), "unit", "year")
        np.testing.assert_allclose(found.scores["X"].to_numpy(), expected.scores["X"].to_numpy())
        assert found.missing["action"].iloc[0].startswith("not a finite number (±inf): ")
    panel.loc[0, "B"] = -np.inf
    found = build_indices(panel, SYSTEM, IndexOptions(method="cv", missing="drop"), "unit", "year")
    assert found.scores["X"].notna().sum() == 2


def test_constant_indicators_are_dropped_with_a_warning():
    panel = _small([1.0, 2.0, 3.0], [5.0, 5.0, 5.0])
    system = system_from_matrix(["A", "X", "", "+", "", "B", "X", "", "+", "", "C", "X", "", "+", ""])
    panel["C"] = [3.0, 1.0, 2.0]
    result = build_indices(panel, system, IndexOptions(), "unit", "year")
    assert result.warnings == ["Index X: indicators with the same value for every unit were dropped: B."]
    assert result.weights["indicator"].tolist() == ["A", "C"]
    with pytest.raises(InputError, match="dimension d2 has no usable indicator"):
        build_indices(panel, SYSTEM, IndexOptions(), "unit", "year")


def test_bad_input_is_explained():
    panel = _small([1.0, 2.0], [3.0, 4.0])
    with pytest.raises(InputError, match=r"The layer has no indicator Q; .* Indicators found: A, B"):
        build_indices(panel, system_from_matrix(["A", "X", "", "+", "", "Q", "X", "", "+", ""]),
                      IndexOptions(), "unit", "year")
    text = panel.assign(B=["x", "y"])
    with pytest.raises(InputError, match="Indicators B are not numeric fields"):
        build_indices(text, SYSTEM, IndexOptions(), "unit", "year")
    with pytest.raises(InputError, match="needs at least two; the layer has 1"):
        build_indices(panel.iloc[:1], SYSTEM, IndexOptions(), "unit", "year")
    with pytest.raises(InputError, match="direction “up”"):
        system_from_rows([{"code": "A", "direction": "up"}])
    with pytest.raises(InputError, match="lists an indicator twice in one index: A \\(X\\)"):
        system_from_matrix(["A", "X", "", "+", "", "A", "X", "", "-", ""])
    with pytest.raises(InputError, match="5 cells per row"):
        system_from_matrix(["A", "X", "", "+"])
    with pytest.raises(InputError, match="User weights need a weight for every indicator"):
        build_indices(panel, system_from_matrix(["A", "X", "", "+", "1", "B", "X", "", "+", ""]),
                      IndexOptions(method="user"), "unit", "year")


def test_indices_on_a_wide_layer_equal_the_long_panel(sample):
    from digital_resilience.core.indices.panel_layers import indices_on_layer
    from digital_resilience.core.panel import long_to_wide

    panel, _ = sample
    system = read_system(template_path("digital_economy"))
    wide = long_to_wide(panel, "adcode", "year", system.codes).reset_index()
    found = indices_on_layer(wide, system, IndexOptions(), id_field="adcode")
    long = build_indices(panel, system, IndexOptions(), "adcode", "year")
    expected = pd.concat([panel[["adcode", "year"]], long.scores], axis=1).set_index(["adcode", "year"])["DEI"]
    assert found.years == list(range(2011, 2020)) and found.wide
    for year in (2011, 2019):
        got = pd.Series(found.frame[f"DEI_{year}"].to_numpy(), index=found.frame["adcode"])
        assert got.to_numpy() == pytest.approx(expected.xs(year, level="year").loc[got.index].to_numpy(), abs=1e-12)
    assert found.aliases["DEI_2019"] == "Digital economy index (数字经济指数) 2019"
    with pytest.raises(InputError, match=r"neither yearly fields \(e\.g\. BBAND_2019\)"):
        indices_on_layer(wide.drop(columns=[c for c in wide.columns if c.startswith("BBAND")]), system)


def test_text_fields_of_a_wide_layer_are_named():
    from digital_resilience.core.indices.panel_layers import indices_on_layer

    wide = pd.DataFrame({"unit": [1, 2, 3], "A_2018": [1.0, 2.0, 3.0], "A_2019": [2.0, 3.0, 1.0],
                         "TXT_2018": ["abc", "d", "e"], "TXT_2019": ["x", "y", "z"]})
    system = system_from_matrix(["A", "X", "", "+", "", "TXT", "X", "", "+", ""])
    with pytest.raises(InputError, match="Indicators TXT_2018, TXT_2019 are not numeric fields"):
        indices_on_layer(wide, system, IndexOptions())


def test_units_of_a_long_panel_without_ids_are_counted_per_year():
    one_city = _small([1.0], [2.0], years=range(2011, 2020))  # one unit, nine years
    assert len(one_city) == 9
    with pytest.raises(InputError, match="needs at least two; the layer has 1"):
        build_indices(one_city.drop(columns="unit"), SYSTEM, IndexOptions(), None, "year")
    two = _small([1.0, 2.0], [3.0, 5.0], years=(2018, 2019)).drop(columns="unit")
    assert build_indices(two, SYSTEM, IndexOptions(), None, "year").scores["X"].notna().all()
    repeated = _small([1.0, 2.0], [3.0, 5.0], years=(2018, 2019)).assign(unit=[1, 1, 2, 2])  # 2018: 1, 1; 2019: 2, 2
    with pytest.raises(InputError, match=r"these unit-years repeat: 1 2018, 2 2019"):
        build_indices(repeated, SYSTEM, IndexOptions(), "unit", "year")


def test_a_long_layer_read_as_a_cross_section_is_flagged():
    from digital_resilience.core.indices.panel_layers import indices_on_layer

    long = _small([1.0, 2.0, 4.0], [3.0, 5.0, 4.0], years=(2018, 2019))  # unit, year, A, B
    found = indices_on_layer(long, SYSTEM, IndexOptions())
    assert found.years == [None]
    assert found.result.warnings[0].startswith(
        "No year field was chosen, so every feature is a unit of one cross-section, but the field year holds 2 "
        "different years")
    with pytest.raises(InputError, match=r"The unit id field unit repeats values \(0, 1, 2\)"):
        indices_on_layer(long, SYSTEM, IndexOptions(), id_field="unit")
    cross_section = long[long.year == 2019]
    assert indices_on_layer(cross_section, SYSTEM, IndexOptions(), id_field="unit").result.warnings == []
