"""Tests of the SYNTHETIC indicator panel in resources/sample (no QGIS needed).

The generator is imported by file path: the repository root is a package with a
``processing/`` folder and must never be put on sys.path (it would shadow QGIS's).
Every statistic below is computed here with plain numpy/pandas, independently of
the generator's own helpers, so the tests check the shipped data, not the code
against itself.
"""

import ast
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "resources" / "sample"
SCRIPT = SAMPLE / "make_synthetic_panel.py"
PANEL_CSV = SAMPLE / "synthetic_panel.csv"
SYSTEM_CSV = SAMPLE / "indicator_system.csv"
LATENT_CSV = SAMPLE / "synthetic_latent.csv"
OUTPUT_FILES = ("synthetic_panel.csv", "indicator_system.csv", "synthetic_latent.csv")
GPKG_CANDIDATES = (
    SAMPLE / "china_cities.gpkg",
    REPO.parent / "shared" / "data" / "china_cities.gpkg",
)

YEARS = list(range(2011, 2020))
N_CITIES = 367
DIMENSION_LATENT = {
    "digital": "digital_economy",
    "social": "res_social",
    "economic": "res_economic",
    "infrastructure": "res_infrastructure",
    "ecological": "res_ecological",
}
# Plausible bounds (all city-years) for yearbook-like magnitudes and units.
PLAUSIBLE = {
    "BBAND": (1, 150), "MOBIL": (20, 320), "TELEC": (50, 15000), "ITEMP": (0.1, 15),
    "DIFI": (15, 350), "DOCT": (2, 100), "BEDS": (5, 200), "PENS": (1, 80), "EDUSH": (5, 35),
    "UNEMP": (0.8, 6), "GDPPC": (5000, 250000), "TERT": (20, 85), "FISPC": (200, 40000),
    "SAVPC": (2000, 250000), "FDI": (0.01, 30), "ROAD": (2, 45), "WATPD": (2, 50),
    "DRAIN": (2, 45), "BUS": (1, 60), "GAS": (20, 100), "GREEN": (25, 52), "SO2": (0.1, 1000),
    "WWATR": (0.05, 50), "WASTE": (30, 100), "PM25": (5, 200), "POP": (1, 5000),
    "GDP": (1, 60000), "PATNT": (0.001, 40), "OPEN": (0.1, 400), "GOV": (3, 250),
    "HUM": (1, 3000), "URB": (10, 100),
}


# ------------------------------------------------------------------------------------------
# Fixtures
# ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def gen():
    """The generator module, imported by file path."""
    spec = importlib.util.spec_from_file_location("drt_make_synthetic_panel", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gpkg_path():
    """The city GeoPackage shipped beside the script (or the shared source copy)."""
    for path in GPKG_CANDIDATES:
        if path.is_file():
            return path
    pytest.fail("china_cities.gpkg not found in " + ", ".join(map(str, GPKG_CANDIDATES)))


@pytest.fixture(scope="module")
def cities(gen, gpkg_path):
    return gen.read_cities(gpkg_path)


@pytest.fixture(scope="module")
def panel():
    return pd.read_csv(PANEL_CSV, encoding="utf-8")


@pytest.fixture(scope="module")
def system():
    return pd.read_csv(SYSTEM_CSV, encoding="utf-8", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def latent():
    return pd.read_csv(LATENT_CSV, encoding="utf-8")


@pytest.fixture(scope="module")
def data(panel, latent, cities):
    """Panel and latent values side by side, with the region of each city."""
    merged = panel.merge(latent, on=["adcode", "year"], validate="one_to_one")
    merged["region"] = merged["adcode"].map(cities.set_index("adcode")["region"])
    return merged


@pytest.fixture(scope="module")
def knn6(cities):
    """Row-standardised 6-nearest-neighbour weights (great-circle), in adcode order."""
    lon = np.radians(cities["lon"].to_numpy())
    lat = np.radians(cities["lat"].to_numpy())
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
    dist = 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
    np.fill_diagonal(dist, np.inf)
    w = np.zeros_like(dist)
    for i, row in enumerate(dist):
        w[i, np.argsort(row, kind="stable")[:6]] = 1 / 6
    return w


# ------------------------------------------------------------------------------------------
# Small statistics helpers
# ------------------------------------------------------------------------------------------

def year_slice(frame, year, column):
    """Values of one column for one year, in adcode order."""
    part = frame[frame["year"] == year].sort_values("adcode")
    return part[column].to_numpy(dtype=float)


def morans_i(x, w):
    """Global Moran's I with a row-standardised weight matrix."""
    z = x - x.mean()
    return len(x) / w.sum() * (z @ w @ z) / (z @ z)


def coefficient_of_variation(x):
    return x.std(ddof=1) / x.mean()


def ols(y, columns):
    """Least squares with an intercept; returns (coefficients, t statistics), intercept first."""
    x = np.column_stack([np.ones(len(y)), *columns])
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ coef
    sigma2 = resid @ resid / (len(y) - x.shape[1])
    se = np.sqrt(np.diag(sigma2 * np.linalg.inv(x.T @ x)))
    return coef, coef / se


def year_dummies(frame):
    years = sorted(frame["year"].unique())
    return [(frame["year"] == year).to_numpy(dtype=float) for year in years[1:]]


def two_way_within(frame, columns):
    """Two-way fixed-effects (city and year) demeaning of a balanced panel."""
    values = frame[columns]
    return (values - frame.groupby("adcode")[columns].transform("mean")
            - frame.groupby("year")[columns].transform("mean") + values.mean())


def fe_regression(frame, y, xs):
    """Two-way fixed-effects slopes of y on xs (no intercept after demeaning)."""
    demeaned = two_way_within(frame, [y, *xs])
    coef, *_ = np.linalg.lstsq(demeaned[xs].to_numpy(), demeaned[y].to_numpy(), rcond=None)
    return dict(zip(xs, coef))


def with_period_slopes(frame):
    """Add D x pre-2016 and D x post-2016 columns."""
    out = frame.copy()
    post = out["year"] >= 2016
    out["d_pre"] = out["digital_economy"] * ~post
    out["d_post"] = out["digital_economy"] * post
    return out


def spearman(a, b):
    return np.corrcoef(pd.Series(a).rank(), pd.Series(b).rank())[0, 1]


def entropy_index(frame, rows):
    """A pooled min-max entropy index of the indicators in ``rows`` (code, direction), written out
    here: p = (y + 0.0001) / sum, e_j = -sum p ln p / ln n, w_j = (1 - e_j) / sum (1 - e_k)."""
    values = frame[list(rows["code"])].to_numpy(dtype=float)
    scaled = (values - values.min(axis=0)) / (values.max(axis=0) - values.min(axis=0))
    negative = (rows["direction"] == "-").to_numpy()
    scaled[:, negative] = 1.0 - scaled[:, negative]
    shares = (scaled + 1e-4) / (scaled + 1e-4).sum(axis=0)
    entropy = -(shares * np.log(shares)).sum(axis=0) / np.log(len(scaled))
    return scaled @ ((1.0 - entropy) / (1.0 - entropy).sum())


def slope_by_period(frame, y, x):
    """Two-way fixed-effects slope of y on x before 2016 and from 2016 (separate panels)."""
    return [fe_regression(part, y, [x])[x] for _, part in frame.groupby(frame["year"] >= 2016)]


# ------------------------------------------------------------------------------------------
# The generator and the shipped files
# ------------------------------------------------------------------------------------------

def test_generator_imports_only_numpy_pandas_and_stdlib():
    tree = ast.parse(SCRIPT.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module.split(".")[0])
    third_party = {name for name in imported if name not in sys.stdlib_module_names}
    assert third_party == {"numpy", "pandas"}


def test_shipped_csvs_are_exactly_what_generate_writes(gen, cities, tmp_path):
    panel, system, latent = gen.generate_with_latent(cities, seed=20111)
    gen.write_outputs(panel, system, latent, tmp_path)
    for name in OUTPUT_FILES:
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name


def test_generate_is_deterministic_and_matches_generate_with_latent(gen, cities):
    panel, system = gen.generate(cities)
    panel2, system2, _ = gen.generate_with_latent(cities, 20111)
    pd.testing.assert_frame_equal(panel, panel2)
    pd.testing.assert_frame_equal(system, system2)
    other, _ = gen.generate(cities, seed=1)
    assert not other["BBAND"].equals(panel["BBAND"])


def test_command_line_reproduces_the_shipped_files(gpkg_path, tmp_path):
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--cities", str(gpkg_path), "--out-dir", str(tmp_path),
         "--seed", "20111"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    for name in OUTPUT_FILES:
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name


def test_files_are_utf8_without_bom_and_unix_line_ends():
    for path in (PANEL_CSV, SYSTEM_CSV, LATENT_CSV):
        raw = path.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), path.name
        assert b"\r" not in raw, path.name
        raw.decode("utf-8")
        assert raw.endswith(b"\n")


# ------------------------------------------------------------------------------------------
# Structure
# ------------------------------------------------------------------------------------------

def test_indicator_system(system):
    assert list(system.columns) == ["code", "index", "dimension", "direction", "name_en",
                                    "name_zh", "unit", "weight"]
    codes = system["code"]
    assert codes.is_unique
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]{0,4}", code) for code in codes)
    assert all(len(code + "_2019") <= 10 for code in codes)
    assert set(system["index"]) == {"digital_economy", "resilience", "auxiliary"}
    assert set(system["direction"]) <= {"+", "-"}
    assert (system["weight"] == "").all()
    assert (system["name_en"].str.len() > 3).all()
    assert system["name_zh"].str.contains(r"[\u4e00-\u9fff]").all()
    assert (system["unit"].str.len() > 0).all()

    digital = system[system["index"] == "digital_economy"]
    assert set(digital["dimension"]) == {"digital"}
    resilience = system[system["index"] == "resilience"]
    assert set(resilience["dimension"]) == {"social", "economic", "infrastructure", "ecological"}
    counts = system[system["index"] != "auxiliary"].groupby("dimension").size()
    assert counts.between(4, 6).all(), counts.to_dict()

    negative = system[system["direction"] == "-"]
    assert len(negative) >= 2
    assert negative["dimension"].nunique() >= 2

    auxiliary = system[system["index"] == "auxiliary"]
    assert set(auxiliary["dimension"]) == {"auxiliary"}
    assert (auxiliary["direction"] == "+").all()
    assert 4 <= len(auxiliary) <= 7
    assert {"POP", "GDP", "PATNT", "OPEN"} <= set(auxiliary["code"])
    # auxiliaries come last
    assert list(system["index"].iloc[-len(auxiliary):]) == ["auxiliary"] * len(auxiliary)


def test_panel_structure(panel, system, cities):
    assert list(panel.columns) == ["adcode", "name", "year", *system["code"]]
    assert len(panel) == N_CITIES * len(YEARS) == 3303
    assert not panel.isna().any().any()
    assert sorted(panel["year"].unique()) == YEARS
    assert (panel.groupby("year").size() == N_CITIES).all()
    assert set(panel["adcode"]) == set(cities["adcode"])
    assert not panel.duplicated(["adcode", "year"]).any()
    ordered = panel.sort_values(["adcode", "year"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(panel, ordered)
    names = panel["adcode"].map(cities.set_index("adcode")["name"])
    assert (names == panel["name"]).all()


def test_latent_structure(latent, panel):
    assert list(latent.columns[:9]) == ["adcode", "year", "digital_economy", "resilience",
                                        "res_social", "res_economic", "res_infrastructure",
                                        "res_ecological", "innovation"]
    assert latent[["adcode", "year"]].equals(panel[["adcode", "year"]])
    assert not latent.isna().any().any()
    assert (latent.drop(columns=["adcode", "year"]) > 0).all().all()
    dims = latent[["res_social", "res_economic", "res_infrastructure", "res_ecological"]]
    assert (dims > 0.02).all().all()  # the generator's safety floor (0.01) is never reached
    assert np.allclose(dims.mean(axis=1), latent["resilience"], atol=2e-6)


def test_values_are_plausible_and_positive(panel):
    for code, (low, high) in PLAUSIBLE.items():
        values = panel[code]
        assert values.min() > 0, code
        assert low <= values.min() and values.max() <= high, (code, values.min(), values.max())
    # magnitudes named in the brief (central 90-98 % of city-years)
    assert panel["GDPPC"].quantile(0.05) >= 15000 and panel["GDPPC"].quantile(0.95) <= 200000
    assert 70000 > panel.loc[panel["year"] == 2019, "GDPPC"].median() > 40000
    assert panel["GREEN"].quantile(0.01) >= 30 and panel["GREEN"].quantile(0.99) <= 48
    assert panel["UNEMP"].quantile(0.01) >= 1.5 and panel["UNEMP"].quantile(0.99) <= 4.5
    assert panel["URB"].max() < 100 and panel["GAS"].max() < 100 and panel["WASTE"].max() < 100


def test_no_degenerate_or_collinear_columns(panel, system):
    codes = list(system["code"])
    by_year = panel.groupby("year")[codes]
    assert (by_year.std() > 0).all().all()
    assert (by_year.nunique() > 100).all().all()
    corr = panel[codes].corr().to_numpy().copy()
    np.fill_diagonal(corr, 0)
    assert np.abs(corr).max() < 0.98
    logs = np.log(panel[codes])
    z = ((logs - logs.mean()) / logs.std()).to_numpy()
    singular = np.linalg.svd(z, compute_uv=False)
    assert singular[-1] / singular[0] > 1e-4


# ------------------------------------------------------------------------------------------
# What the analyses should find
# ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def indices(data, system, knn6):
    """The data with DEI and URI (pooled entropy indices), W·DEI (6-NN) and the openness groups."""
    out = data.sort_values(["adcode", "year"]).reset_index(drop=True)
    for index, stem in (("digital_economy", "DEI"), ("resilience", "URI")):
        out[stem] = entropy_index(out, system[system["index"] == index])
    out["WDEI"] = (knn6 @ out["DEI"].to_numpy().reshape(N_CITIES, len(YEARS))).reshape(-1)
    post = out["year"] >= 2016
    out["dei_pre"], out["dei_post"] = out["DEI"] * ~post, out["DEI"] * post
    return out


def test_spatial_autocorrelation(data, knn6):
    for year in (2011, 2015, 2019):
        for column in ("digital_economy", "resilience"):
            moran = morans_i(year_slice(data, year, column), knn6)
            assert 0.3 < moran < 0.85, (year, column, moran)
        # an observed indicator carries it as well
        assert morans_i(np.log(year_slice(data, year, "BBAND")), knn6) > 0.3


def test_w_digital_economy_is_the_6nn_spatial_lag(data, knn6):
    for year in (2011, 2019):
        lag = knn6 @ year_slice(data, year, "digital_economy")
        assert np.allclose(lag, year_slice(data, year, "w_digital_economy"), atol=1e-5)


def test_region_gradient(data):
    for column in ("digital_economy", "resilience", "BBAND", "GDPPC"):
        means = data.groupby("region")[column].mean()
        assert means["east"] > means["central"] > means["west"], (column, means.to_dict())
        assert means["east"] > means["northeast"] > means["west"], (column, means.to_dict())
    for year in YEARS:
        means = data[data["year"] == year].groupby("region")["resilience"].mean()
        assert means["east"] > means["central"] > means["west"], year


def test_sigma_convergence(data):
    for column in ("resilience", "digital_economy"):
        cv = np.array([coefficient_of_variation(year_slice(data, y, column)) for y in YEARS])
        assert cv[-1] < 0.85 * cv[0], (column, cv)
        assert (np.diff(cv) < 0).sum() >= 6, (column, cv)
    cv_r = [coefficient_of_variation(year_slice(data, y, "resilience")) for y in (2011, 2019)]
    assert 0.35 < cv_r[0] < 0.8 and 0.25 < cv_r[1] < 0.6


def test_beta_convergence(data):
    start = year_slice(data, 2011, "resilience")
    end = year_slice(data, 2019, "resilience")
    growth = np.log(end / start) / 8
    coef, t = ols(growth, [np.log(start)])
    assert coef[1] < 0 and t[1] < -3, (coef, t)
    west = data[data["region"] == "west"].groupby("year")["resilience"].mean()
    east = data[data["region"] == "east"].groupby("year")["resilience"].mean()
    assert west[2019] / west[2011] > east[2019] / east[2011]


def test_digital_indicators_grow(data, system):
    medians = data.groupby("year")[list(system.loc[system["index"] == "digital_economy",
                                                   "code"])].median()
    assert (medians.loc[2019] > 1.2 * medians.loc[2011]).all(), medians
    assert ((medians.diff().iloc[1:] > 0).sum() >= 7).all(), medians
    bband_growth = (medians.loc[2019, "BBAND"] / medians.loc[2011, "BBAND"]) ** (1 / 8) - 1
    assert 0.08 <= bband_growth <= 0.12, bband_growth


def test_indicators_move_with_their_dimension_latent(data, system):
    measured = system[system["index"] != "auxiliary"]
    for _, row in measured.iterrows():
        sign = 1 if row["direction"] == "+" else -1
        latent_column = DIMENSION_LATENT[row["dimension"]]
        pooled = spearman(data[row["code"]], data[latent_column])
        assert sign * pooled > 0.3, (row["code"], pooled)
        for year in (2011, 2019):
            part = data[data["year"] == year]
            rho = spearman(part[row["code"]], part[latent_column])
            assert sign * rho > 0.2, (row["code"], year, rho)


def test_effect_is_larger_from_2016(data):
    pre = data[data["year"] < 2016]
    post = data[data["year"] >= 2016]
    simple_pre = ols(pre["resilience"].to_numpy(), [pre["digital_economy"], *year_dummies(pre)])
    simple_post = ols(post["resilience"].to_numpy(),
                      [post["digital_economy"], *year_dummies(post)])
    assert simple_post[0][1] > 1.10 * simple_pre[0][1]

    fe = fe_regression(with_period_slopes(data), "resilience",
                       ["d_pre", "d_post", "w_digital_economy", "innovation"])
    assert 1.15 < fe["d_post"] / fe["d_pre"] < 1.6, fe

    beta = data.groupby(data["year"] >= 2016)["beta_own"].mean()
    assert beta[True] / beta[False] == pytest.approx(1.30, abs=1e-4)


def test_effect_is_larger_in_open_cities(data):
    openness = data.groupby("adcode")["OPEN"].mean()
    closed = openness[openness <= openness.quantile(0.3)].index
    opened = openness[openness >= openness.quantile(0.7)].index
    slopes = {}
    for label, members in (("closed", closed), ("open", opened)):
        group = with_period_slopes(data[data["adcode"].isin(members)])
        slopes[label] = fe_regression(group, "resilience",
                                      ["d_pre", "d_post", "w_digital_economy", "innovation"])
        simple = ols(group["resilience"].to_numpy(),
                     [group["digital_economy"], *year_dummies(group)])[0][1]
        slopes[label]["simple"] = simple
    for key in ("d_pre", "d_post"):
        ratio = slopes["open"][key] / slopes["closed"][key]
        assert 1.15 < ratio < 1.75, (key, slopes)
    assert slopes["open"]["simple"] > 1.10 * slopes["closed"]["simple"]

    true_beta = data.groupby("adcode")["beta_own"].mean()
    assert true_beta[opened].mean() / true_beta[closed].mean() == pytest.approx(1.4, abs=0.05)


def test_the_regional_elasticity_gap_narrows_from_015_to_004(data):
    """SYNTHETIC_PANEL.md, "The regional elasticity gap": the mean own effect of the eastern cities
    less that of the central and western cities is 0.15 in 2011, falling linearly to 0.04 in 2019,
    while the openness multiplier stays ×1.4 within each region and year and the national mean
    keeps its 2016 step."""
    region = data["region"].map({"east": "east", "central": "cw", "west": "cw", "northeast": "northeast"})
    means = data.groupby([region, data["year"]])["beta_own"].mean().unstack(0)
    gap = (means["east"] - means["cw"]).to_numpy()
    assert gap == pytest.approx(np.linspace(0.15, 0.04, 9), abs=2e-6)
    # within a region and year, β is proportional to the openness multiplier m_i ∈ [1, 1.4]
    for (_, _), part in data.groupby([data["region"], data["year"]]):
        assert part["beta_own"].max() / part["beta_own"].min() == pytest.approx(1.4, abs=1e-4)


def test_spillover_of_neighbours_digital_economy(data):
    fe = fe_regression(with_period_slopes(data), "resilience",
                       ["d_pre", "d_post", "w_digital_economy", "innovation"])
    assert 0.1 < fe["w_digital_economy"] < 0.6, fe
    # the spatial lag explains resilience beyond the city's own digital economy (pooled OLS)
    coef, t = ols(data["resilience"].to_numpy(),
                  [data["digital_economy"], data["w_digital_economy"], data["innovation"],
                   *year_dummies(data)])
    assert coef[2] > 0.1 and t[2] > 5, (coef[:4], t[:4])


def test_innovation_partially_mediates(data):
    assert np.corrcoef(np.log(data["PATNT"]), np.log(data["digital_economy"]))[0, 1] > 0.7
    dummies = year_dummies(data)
    a_path, a_t = ols(data["innovation"].to_numpy(), [data["digital_economy"], *dummies])
    total, _ = ols(data["resilience"].to_numpy(), [data["digital_economy"], *dummies])
    direct, direct_t = ols(data["resilience"].to_numpy(),
                           [data["digital_economy"], data["innovation"], *dummies])
    assert a_path[1] > 0 and a_t[1] > 3
    assert direct[2] > 0 and direct_t[2] > 3           # innovation raises resilience
    assert 0 < direct[1] < total[1]                    # partial, not full mediation
    share = a_path[1] * direct[2] / total[1]
    assert 0.05 < share < 0.5, share
    # the observed mediator carries it as well
    observed, observed_t = ols(data["resilience"].to_numpy(),
                               [data["digital_economy"], np.log(data["PATNT"]), *dummies])
    assert observed[2] > 0 and observed_t[2] > 3


# ------------------------------------------------------------------------------------------
# What a composite index of the indicators carries (SYNTHETIC_PANEL.md, "Why the indicators
# are linear in their latents"): the indices are linear in the raw values, so the indicators
# respond to their latents with a slope that does not change over time.
# ------------------------------------------------------------------------------------------

def test_each_indicator_responds_to_its_latent_as_much_before_as_after_2016(data, system):
    for _, row in system[(system["index"] != "auxiliary") & (system["direction"] == "+")].iterrows():
        before, after = slope_by_period(data, row["code"], DIMENSION_LATENT[row["dimension"]])
        assert after / before == pytest.approx(1.0, abs=0.05), (row["code"], before, after)
    before, after = slope_by_period(data, "PATNT", "innovation")
    assert after / before == pytest.approx(1.0, abs=0.05)


def test_no_indicator_sits_on_a_safety_net(gen, cities, panel):
    *_, safety_nets = gen.generate_all(cities)
    assert set(safety_nets) == set(gen.MEASURES) and all(nets == (0, 0) for nets in safety_nets.values())
    for code, measure in gen.MEASURES.items():
        low, high = measure.bounds if measure.bounds else (0.0, None)
        assert panel[code].min() > low + gen.BRACKET_FLOOR * (measure.ref - low), code
        if high is not None:
            assert panel[code].max() < high - gen.CAP_MARGIN * (high - low), code


def test_the_indices_measure_the_latents_on_a_fixed_scale(indices):
    for stem, latent in (("DEI", "digital_economy"), ("URI", "resilience")):
        within = two_way_within(indices, [stem, latent])
        assert np.corrcoef(within[stem], within[latent])[0, 1] > 0.98, stem
        before, after = slope_by_period(indices, stem, latent)
        assert after / before == pytest.approx(1.0, abs=0.03), (stem, before, after)


def test_the_indices_carry_the_2016_shift(indices):
    """Two-way FE of URI on DEI (slopes before / from 2016), W·DEI and PATNT: ≈ ×1.3 (truth ×1.30)."""
    fe = fe_regression(indices, "URI", ["dei_pre", "dei_post", "WDEI", "PATNT"])
    assert 1.2 < fe["dei_post"] / fe["dei_pre"] < 1.45, fe
    assert fe["WDEI"] > 0.05 and fe["PATNT"] > 0
    before, after = (fe_regression(part, "URI", ["DEI", "WDEI", "PATNT"])["DEI"]
                     for _, part in indices.groupby(indices["year"] >= 2016))
    assert 1.15 < after / before < 1.45, (before, after)


def test_the_indices_carry_the_openness_gap(indices):
    """Top against bottom 30 % by mean OPEN, each period on its own: ≈ ×1.4 (truth ×1.40)."""
    openness = indices.groupby("adcode")["OPEN"].mean()
    top = openness[openness >= openness.quantile(0.7)].index
    bottom = openness[openness <= openness.quantile(0.3)].index
    for _, part in indices.groupby(indices["year"] >= 2016):
        slopes = [fe_regression(part[part["adcode"].isin(group)], "URI", ["DEI", "WDEI", "PATNT"])["DEI"]
                  for group in (top, bottom)]
        assert 1.25 < slopes[0] / slopes[1] < 1.6, slopes
