"""Panels, NULL handling, bad input and output columns of the four analyses (QGIS-free).

Expected values are computed independently here: the statistic on the subset of units
written out by hand (NULL units removed, weights re-standardised), messages by content.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from digital_resilience.core.autocorrelation.analyses import (
    global_autocorrelation,
    hotspot_analysis,
    local_geary_analysis,
    local_moran_analysis,
)
from digital_resilience.core.autocorrelation.local_moran import LocalMoran
from digital_resilience.core.autocorrelation.moran import Moran
from digital_resilience.core.autocorrelation.options import ANALYTICAL_INFERENCE, InferenceSpec
from digital_resilience.core.autocorrelation.runs import LayerUnits
from digital_resilience.core.errors import InputError
from digital_resilience.core.weights.model import SpatialWeights


def lattice(side: int) -> SpatialWeights:
    """Rook contiguity of a side × side grid, ids 100, 101, ..."""
    n = side * side
    rows, cols = [], []
    for i in range(n):
        r, c = divmod(i, side)
        for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            if 0 <= r + dr < side and 0 <= c + dc < side:
                rows.append(i)
                cols.append((r + dr) * side + c + dc)
    return SpatialWeights(np.arange(100, 100 + n), sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n)),
                          kind="rook")


@pytest.fixture()
def wide():
    rng = np.random.default_rng(3)
    n = 36
    gradient = np.arange(n) % 6 + np.arange(n) // 6
    frame = pd.DataFrame({"code": np.arange(100, 100 + n)})
    for year in (2011, 2012, 2013):
        frame[f"DEI_{year}"] = gradient + rng.normal(scale=1.0, size=n) + (year - 2011)
        frame[f"RES_{year}"] = 0.5 * gradient + rng.normal(scale=1.0, size=n)
    frame["GDP"] = rng.gamma(2.0, size=n)
    return frame


def test_every_year_of_a_stem_in_one_run(wide):
    panel = LayerUnits.wide(wide, lattice(6))
    table = global_autocorrelation(panel, ["DEI_2013", "GDP"], all_years=True,
                                   inference=InferenceSpec(permutations=99, seed=1)).table
    assert table["column"].unique().tolist() == ["DEI_2011", "DEI_2012", "DEI_2013", "GDP"]
    assert table.loc[table["column"] == "GDP", "year"].isna().all()
    moran = table[(table["statistic"] == "Moran's I") & (table["inference"] == "randomisation")]
    expected = [Moran(wide[c], lattice(6), permutations=0).I for c in ("DEI_2011", "DEI_2012", "DEI_2013", "GDP")]
    np.testing.assert_allclose(moran["value"], expected, rtol=1e-12)
    assert set(table["inference"]) == {"normality", "randomisation", "permutation"}
    assert (table.loc[table["inference"] == "permutation", "perms"] == 99).all()


def test_null_units_are_dropped_and_the_weights_re_made(wide):
    wide.loc[[4, 17], "DEI_2012"] = np.nan
    panel = LayerUnits.wide(wide, lattice(6))
    result = global_autocorrelation(panel, ["DEI_2012"], statistics=("moran",), inference=ANALYTICAL_INFERENCE)
    keep = np.setdiff1d(np.arange(36), [4, 17])
    by_hand = Moran(wide["DEI_2012"].to_numpy()[keep], lattice(6).subset(keep), permutations=0)
    assert result.table["value"].iloc[0] == pytest.approx(by_hand.I, rel=1e-12)
    assert result.table["units"].iloc[0] == 34
    assert any("2 unit(s) with NULL values left out: 104, 117" in note for note in result.notes)
    with pytest.raises(InputError, match=r"DEI_2012 is NULL for 2 unit\(s\): 104, 117"):
        global_autocorrelation(panel, ["DEI_2012"], nulls="error", inference=ANALYTICAL_INFERENCE)


def test_local_outputs_mark_dropped_units_no_data(wide):
    wide.loc[5, "DEI_2013"] = np.nan
    analysis = local_moran_analysis(LayerUnits.wide(wide, lattice(6)), "DEI_2013",
                                    inference=InferenceSpec(permutations=99, seed=2))
    columns, aliases = analysis.columns()
    assert list(columns.columns) == ["LISA_I", "LISA_Z", "LISA_P", "LISA_Q", "LISA_CL", "LISA_LAB", "LISA_LAG"]
    assert columns.loc[5, "LISA_LAB"] == "No data" and columns.loc[5, "LISA_CL"] == 5
    assert pd.isna(columns.loc[5, "LISA_I"]) and pd.isna(columns.loc[5, "LISA_Q"])
    keep = np.setdiff1d(np.arange(36), [5])
    by_hand = LocalMoran(wide["DEI_2013"].to_numpy()[keep], lattice(6).subset(keep), permutations=0)
    np.testing.assert_allclose(columns["LISA_I"].to_numpy()[keep], by_hand.Is, rtol=1e-12)
    assert aliases["LISA_I"] == ("Local Moran's I", "DEI_2013")


def test_per_year_fields_are_stem_yyyy(wide):
    analysis = local_moran_analysis(LayerUnits.wide(wide, lattice(6)), "DEI_2011", all_years=True,
                                    inference=InferenceSpec(permutations=49, seed=1, correction="fdr"))
    columns, aliases = analysis.columns()
    assert "LI_2011" in columns and "LPADJ_2013" in columns and "LLAB_2012" in columns
    assert all(len(name) <= 10 for name in columns.columns)
    assert aliases["LP_2012"][1] == "DEI_2012"


def test_bivariate_pairs_years_and_refuses_a_missing_partner(wide):
    panel = LayerUnits.wide(wide, lattice(6))
    analysis = local_moran_analysis(panel, "DEI_2011", kind="bivariate", second="RES_2011", all_years=True,
                                    inference=ANALYTICAL_INFERENCE)
    assert [r.run.columns for r in analysis.runs] == [("DEI_2011", "RES_2011"), ("DEI_2012", "RES_2012"),
                                                      ("DEI_2013", "RES_2013")]
    # A second field without a year stays the same in every year.
    fixed = local_moran_analysis(panel, "DEI_2011", kind="bivariate", second="GDP", all_years=True,
                                 inference=ANALYTICAL_INFERENCE)
    assert {r.run.columns[1] for r in fixed.runs} == {"GDP"}
    with pytest.raises(InputError, match="DEI_2011 has no partner RES_2011 for 2011"):
        local_moran_analysis(LayerUnits.wide(wide.drop(columns="RES_2011"), lattice(6)), "DEI_2012", kind="bivariate",
                             second="RES_2012", all_years=True, inference=ANALYTICAL_INFERENCE)


def test_differential_is_the_lisa_of_the_change(wide):
    analysis = local_moran_analysis(LayerUnits.wide(wide, lattice(6)), "DEI_2013", kind="differential",
                                    second="DEI_2011", inference=ANALYTICAL_INFERENCE)
    change = wide["DEI_2013"] - wide["DEI_2011"]
    np.testing.assert_allclose(analysis.runs[0].result.Is, LocalMoran(change, lattice(6), permutations=0).Is)
    assert analysis.runs[0].run.title == "DEI_2013 − DEI_2011"


def test_a_change_that_is_rounding_noise_is_constant(wide):
    # (x + 1) − x is 1 ± 2.2e-16 in float64: before, the LISA ran on rounding noise (I ≈ 0.17).
    wide["SHIFT"] = wide["DEI_2011"] + 1.0
    change = (wide["SHIFT"] - wide["DEI_2011"]).to_numpy()
    assert np.ptp(change) > 0 and np.ptp(change) < 1e-14  # not exactly constant
    panel = LayerUnits.wide(wide, lattice(6))
    with pytest.raises(InputError, match=r"SHIFT − DEI_2011 has the same value \(1\) at every unit.*undefined"):
        local_moran_analysis(panel, "SHIFT", kind="differential", second="DEI_2011", inference=ANALYTICAL_INFERENCE)
    with pytest.raises(InputError, match=r"has the same value \(1\) at every unit"):
        Moran(change, lattice(6), permutations=0)
    with pytest.raises(InputError, match=r"has the same value \(1\) at every unit"):
        LocalMoran(change, lattice(6), permutations=0)
    # Two fields equal up to rounding: the change is ~1e-16 of the fields' size, reported as 0.
    wide["SAME"] = wide["DEI_2011"] / 3.0 * 3.0
    wide["SAME"] = np.where(np.arange(36) % 2 == 0, np.nextafter(wide["DEI_2011"], np.inf), wide["SAME"])
    assert (wide["SAME"] != wide["DEI_2011"]).any()
    with pytest.raises(InputError, match=r"SAME − DEI_2011 has the same value \(0\) at every unit"):
        local_moran_analysis(LayerUnits.wide(wide, lattice(6)), "SAME", kind="differential", second="DEI_2011",
                             inference=ANALYTICAL_INFERENCE)


def test_small_or_large_variables_that_really_vary_still_run(wide):
    # The test is relative: micro-scale values and values on a large offset are fine.
    base = wide["DEI_2011"].to_numpy()
    for values in (base * 1e-12, 1e6 + base * 1e-3):
        expected = Moran(base, lattice(6), permutations=0).I
        assert Moran(values, lattice(6), permutations=0).I == pytest.approx(expected, rel=1e-6)
    small = wide.assign(DEI_2011=wide["DEI_2013"] - base * 1e-3)  # a change 1e-3 of the fields' size
    analysis = local_moran_analysis(LayerUnits.wide(small, lattice(6)), "DEI_2013", kind="differential",
                                    second="DEI_2011", inference=ANALYTICAL_INFERENCE)
    np.testing.assert_allclose(analysis.runs[0].result.Is,
                               LocalMoran(base, lattice(6), permutations=0).Is, rtol=1e-6)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.assign(DEI_2011=4.2), r"DEI_2011 has the same value \(4.2\) at every unit.*undefined"),
        (lambda f: f.assign(DEI_2011=np.where(f.index < 2, 1.0, np.nan)),
         r"DEI_2011 has values for only 2 unit\(s\); spatial autocorrelation needs at least 3"),
        (lambda f: f.assign(DEI_2011=-f.DEI_2011), None),
    ],
)
def test_bad_values_give_clear_messages(wide, change, message):
    panel = LayerUnits.wide(change(wide), lattice(6))
    if message is None:  # negative values: General G is skipped with a note, the rest runs
        result = global_autocorrelation(panel, ["DEI_2011"], inference=ANALYTICAL_INFERENCE)
        assert "Getis-Ord General G" not in set(result.table["statistic"])
        assert any("General G skipped" in note for note in result.notes)
        return
    with pytest.raises(InputError, match=message):
        global_autocorrelation(panel, ["DEI_2011"], inference=ANALYTICAL_INFERENCE)
    with pytest.raises(InputError, match=message):
        local_moran_analysis(panel, "DEI_2011", inference=ANALYTICAL_INFERENCE)


def test_general_g_alone_on_negative_values_is_refused(wide):
    panel = LayerUnits.wide(wide.assign(DEI_2011=wide.DEI_2011 - 100), lattice(6))
    with pytest.raises(InputError, match="Nothing could be computed: General G needs values of zero or more"):
        global_autocorrelation(panel, ["DEI_2011"], statistics=("getis_ord",), inference=ANALYTICAL_INFERENCE)


def test_islands_are_labelled_and_not_tested(wide):
    weights = lattice(6)
    matrix = weights.matrix.tolil()
    matrix[0, :] = 0
    matrix[:, 0] = 0
    panel = LayerUnits.wide(wide, SpatialWeights(weights.ids, matrix.tocsr()))
    lisa = local_moran_analysis(panel, "DEI_2011", inference=InferenceSpec(permutations=99, seed=1))
    columns, _ = lisa.columns()
    assert columns.loc[0, "LISA_LAB"] == "No neighbours" and columns.loc[0, "LISA_CL"] == 6
    assert pd.isna(columns.loc[0, "LISA_P"])
    assert any("1 unit(s) without neighbours" in note for note in lisa.notes)
    geary = local_geary_analysis(panel, "DEI_2011", inference=InferenceSpec(permutations=99, seed=1)).columns()[0]
    assert geary.loc[0, "LG_LAB"] == "No neighbours"
    hot = hotspot_analysis(panel, "DEI_2011").columns()[0]
    assert hot.loc[0, "GI_LAB"] == "No neighbours" and pd.isna(hot.loc[0, "GI_BIN"])


def test_no_neighbours_at_all_is_refused(wide):
    empty = SpatialWeights(np.arange(36), sp.csr_matrix((36, 36)))
    with pytest.raises(InputError, match="No unit has a neighbour under these weights"):
        local_moran_analysis(LayerUnits.wide(wide, empty), "DEI_2011", inference=ANALYTICAL_INFERENCE)


def test_long_layer_runs_per_year(wide):
    long = pd.concat([pd.DataFrame({"code": wide["code"], "year": year, "DEI": wide[f"DEI_{year}"]})
                      for year in (2011, 2012, 2013)], ignore_index=True).sample(frac=1.0, random_state=1)
    first, ids, unit_of_row = LayerUnits.long_units(long["code"], long["year"])
    order = np.argsort(ids)
    weights = lattice(6).subset(np.searchsorted(lattice(6).ids, ids))
    panel = LayerUnits(long.reset_index(drop=True), weights, unit_of_row, long["year"].to_numpy())
    assert len(first) == 36 and (ids[order] == np.arange(100, 136)).all()
    analysis = local_moran_analysis(panel, "DEI", all_years=True, inference=ANALYTICAL_INFERENCE)
    assert [r.run.year for r in analysis.runs] == [2011, 2012, 2013]
    columns, _ = analysis.columns()
    rows_2012 = np.flatnonzero(panel.years == 2012)
    expected = LocalMoran(wide["DEI_2012"], lattice(6), permutations=0).Is
    by_code = dict(zip(wide["code"], expected))
    np.testing.assert_allclose(columns["LISA_I"].to_numpy()[rows_2012],
                               [by_code[c] for c in panel.frame["code"].to_numpy()[rows_2012]], rtol=1e-12)
    last_only = local_moran_analysis(panel, "DEI", all_years=False, inference=ANALYTICAL_INFERENCE)
    assert [r.run.year for r in last_only.runs] == [2013]
    with pytest.raises(InputError, match=r"a long layer .* has them on different rows"):
        local_moran_analysis(panel, "DEI", kind="differential", second="DEI", inference=ANALYTICAL_INFERENCE)


def test_options_are_checked(wide):
    panel = LayerUnits.wide(wide, lattice(6))
    with pytest.raises(InputError, match="significance level must be between 0 and 1"):
        local_moran_analysis(panel, "DEI_2011", inference=InferenceSpec(alpha=5))
    with pytest.raises(InputError, match="needs a second field"):
        local_moran_analysis(panel, "DEI_2011", kind="bivariate")
    with pytest.raises(InputError, match=r"The layer has no field NOPE"):
        local_moran_analysis(panel, "NOPE")
    with pytest.raises(InputError, match="Local Geary's p-values come from permutations"):
        local_geary_analysis(panel, "DEI_2011", inference=ANALYTICAL_INFERENCE)
    with pytest.raises(InputError, match="number of permutations must be 0"):
        local_moran_analysis(panel, "DEI_2011", inference=InferenceSpec(permutations=-5))


def test_inference_spec_is_a_checked_value():
    """The inference options travel as one frozen value, checked once, where they are made."""
    import dataclasses

    spec = InferenceSpec(permutations=99, seed=3, alternative="greater", alpha=0.1, correction="fdr")
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.permutations = 0
    for bad, words in (({"correction": "holm"}, "holm"), ({"alternative": "up"}, "up"), ({"alpha": 0.0}, "0.0")):
        with pytest.raises(InputError, match=words):
            InferenceSpec(**bad)
    assert ANALYTICAL_INFERENCE.permutations == 0 and InferenceSpec().permutations == 999


def test_permutation_rows_are_each_statistic_alone_with_the_seed(wide):
    """The table's permutation rows (every statistic and year on one stream of permutations, drawn
    once) equal each statistic computed alone with the same seed, NULL-dropped years included."""
    from digital_resilience.core.autocorrelation.geary import Geary
    from digital_resilience.core.autocorrelation.getis_ord import GeneralG

    wide.loc[[4, 9], "DEI_2012"] = np.nan  # another set of units: its own stream, the same seed
    weights = lattice(6)
    panel = LayerUnits.wide(wide, weights)
    table = global_autocorrelation(panel, ["DEI_2013", "GDP"], all_years=True, statistics=("moran", "geary",
                                   "getis_ord"), inference=InferenceSpec(permutations=199, seed=4)).table
    rows = table[table["inference"] == "permutation"]
    assert (rows["statistic"] != "Getis-Ord General G").sum() == 4 * 2  # (G skips years with negative values)
    for _, row in rows.iterrows():
        values = wide[row["column"]].to_numpy()
        keep = np.isfinite(values)
        cls = {"Moran's I": Moran, "Geary's C": Geary, "Getis-Ord General G": GeneralG}[row["statistic"]]
        alone = cls(values[keep], weights.subset(np.flatnonzero(keep)), permutations=199, seed=4)
        assert row["p_value"] == alone.p_sim
        assert row["expected"] == pytest.approx(alone.EI_sim, rel=1e-12, abs=1e-15)
        assert row["variance"] == pytest.approx(alone.VI_sim, rel=1e-10)
