"""β-convergence: regressions, speed and half-life against hand computations, and the spatial
models against R spatialreg (tests/reference/spatialreg_columbus.R) and a brute-force likelihood."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from digital_resilience.core.convergence.beta import INITIAL, LAGGED, cross_section_ols, panel_ols
from digital_resilience.core.convergence.spatial import cross_section_spatial
from digital_resilience.core.convergence.speed import speed_of_convergence
from digital_resilience.core.weights.files import read_weights_file

REFERENCE = Path(__file__).resolve().parents[1] / "reference"


@pytest.fixture(scope="module")
def latent_resilience(sample_dir):
    latent = pd.read_csv(sample_dir / "synthetic_latent.csv")
    wide = latent.pivot(index="adcode", columns="year", values="resilience")
    return wide.to_numpy(), [int(y) for y in wide.columns], wide.index.to_numpy()


def test_speed_and_half_life_by_hand():
    # β = -0.03 over T = 8 years: 1 + βT = 0.76
    speed = speed_of_convergence(-0.03, 0.002, 8)
    assert speed.speed == pytest.approx(-math.log(0.76) / 8, abs=1e-15)
    assert speed.half_life == pytest.approx(math.log(2) / (-math.log(0.76) / 8), abs=1e-12)
    assert speed.speed_se == pytest.approx(0.002 / 0.76, abs=1e-15)  # |dλ/dβ| = 1/(1+βT)
    assert speed.half_life_se == pytest.approx(math.log(2) * (0.002 / 0.76) / speed.speed**2, rel=1e-12)
    annual = speed_of_convergence(-0.2, 0.05, 1)  # a panel of annual growth: λ = -ln(1+β)
    assert annual.speed == pytest.approx(-math.log(0.8))
    assert speed.converges and annual.converges


def test_no_convergence_has_no_half_life():
    diverging = speed_of_convergence(0.01, 0.002, 8)
    assert diverging.speed < 0 and math.isnan(diverging.half_life) and not diverging.converges
    beyond = speed_of_convergence(-0.2, 0.01, 8)  # 1 + βT < 0: λ undefined
    assert math.isnan(beyond.speed) and math.isnan(beyond.half_life)


def test_cross_section_ols_by_hand(latent_resilience):
    values, years, _ = latent_resilience
    growth = (np.log(values[:, -1]) - np.log(values[:, 0])) / 8.0
    x_mat = np.column_stack([np.log(values[:, 0]), np.ones(len(values))])
    beta = np.linalg.lstsq(x_mat, growth, rcond=None)[0]
    e = growth - x_mat @ beta
    se = math.sqrt((e @ e) / (len(e) - 2) * np.linalg.inv(x_mat.T @ x_mat)[0, 0])
    model = cross_section_ols(values, years, se_type="classical")
    b, b_se, _ = model.beta
    assert b == pytest.approx(beta[0], rel=1e-12)
    assert b_se == pytest.approx(se, rel=1e-12)
    assert model.speed.speed == pytest.approx(-math.log(1 + beta[0] * 8) / 8, rel=1e-12)
    # SYNTHETIC_PANEL.md: slope -0.033 with t = -20
    assert round(b, 3) == -0.033 and round(b / b_se) == -20


def test_cross_section_controls_at_initial_values_or_means(latent_resilience):
    values, years, _ = latent_resilience
    control = np.random.default_rng(2).normal(size=values.shape) + np.arange(9)
    growth = (np.log(values[:, -1]) - np.log(values[:, 0])) / 8.0
    for timing, column in (("initial", control[:, 0]), ("mean", control.mean(axis=1))):
        x_mat = np.column_stack([np.log(values[:, 0]), column, np.ones(len(values))])
        beta = np.linalg.lstsq(x_mat, growth, rcond=None)[0]
        model = cross_section_ols(values, years, {"URB": control}, timing, se_type="classical")
        np.testing.assert_allclose(model.coef, beta, rtol=1e-10)
        assert model.names == [INITIAL, "URB", "constant"] and model.conditional


def test_panel_two_way_fixed_effects_by_dummy_variables(latent_resilience):
    values, years, units = latent_resilience
    values, units = values[:60], units[:60]  # 60 cities keep the dummy regression small
    logs = np.log(values)
    rows = []
    for i in range(60):
        for t in range(1, 9):
            rows.append((i, years[t], logs[i, t] - logs[i, t - 1], logs[i, t - 1]))
    frame = pd.DataFrame(rows, columns=["unit", "year", "growth", "lagged"])
    dummies = pd.get_dummies(frame[["unit", "year"]].astype(str), drop_first=False, dtype=float)
    dummies = dummies.drop(columns=["year_2012"])  # the unit dummies span the constant
    x_mat = np.column_stack([frame["lagged"], dummies.to_numpy()])
    beta = np.linalg.lstsq(x_mat, frame["growth"].to_numpy(), rcond=None)[0]
    e = frame["growth"].to_numpy() - x_mat @ beta
    s2 = (e @ e) / (len(e) - x_mat.shape[1])
    se = math.sqrt(s2 * np.linalg.inv(x_mat.T @ x_mat)[0, 0])
    model = panel_ols(values, years, units, effects="twoway", se_type="classical")
    b, b_se, _ = model.beta
    assert model.level == LAGGED and model.n == 480
    assert b == pytest.approx(beta[0], rel=1e-10)
    assert b_se == pytest.approx(se, rel=1e-10)
    assert model.speed.speed == pytest.approx(-math.log(1 + beta[0]), rel=1e-10)  # τ = 1


def test_panel_pooled_has_a_constant(latent_resilience):
    values, years, units = latent_resilience
    model = panel_ols(values, years, units, effects="none", se_type="classical")
    logs = np.log(values)
    growth = (logs[:, 1:] - logs[:, :-1]).ravel()
    x_mat = np.column_stack([logs[:, :-1].ravel(), np.ones(growth.size)])
    np.testing.assert_allclose(model.coef, np.linalg.lstsq(x_mat, growth, rcond=None)[0], rtol=1e-10)
    assert model.beta[0] < 0


# ------------------------------------------------------------------ against R spatialreg
@pytest.fixture(scope="module")
def columbus():
    data = pd.read_csv(REFERENCE / "columbus.csv")
    weights = read_weights_file(REFERENCE / "columbus.gal", data["POLYID"].to_numpy()).with_transform("R")
    reference = pd.read_csv(REFERENCE / "spatialreg_columbus.csv")
    values = {(m, k): v for m, k, v in reference.itertuples(index=False)}
    return data, weights, values


@pytest.mark.parametrize(("model", "key", "parameter"), [("SAR", "sar", "rho"), ("SEM", "sem", "lambda"),
                                                        ("SDM", "sdm", "rho")])
def test_spatial_beta_convergence_equals_r_spatialreg(columbus, model, key, parameter):
    """R: lagsarlm / errorsarlm (method "eigen", Durbin = TRUE for SDM) and impacts() of CRIME ~ INC + HOVAL;
    see the R script. The whole convergence path is run on a panel built so that the growth over one year
    is CRIME, the initial log level is INC and the control (at its initial value) is HOVAL."""
    data, weights, r = columbus
    inc, crime, hoval = (data[c].to_numpy(dtype=float) for c in ("INC", "CRIME", "HOVAL"))
    values = np.column_stack([np.exp(inc), np.exp(inc + crime)])
    result = cross_section_spatial(values, [2000, 2001], weights, model, {"HOVAL": np.column_stack([hoval, hoval])})
    coef, se = dict(zip(result.names, result.coef)), dict(zip(result.names, result.se))
    r_names = {"constant": "(Intercept)", INITIAL: "INC", "HOVAL": "HOVAL", f"W {INITIAL}": "lag.INC",
               "W HOVAL": "lag.HOVAL"}
    for ours, theirs in r_names.items():
        if ours in coef:
            assert coef[ours] == pytest.approx(r[(key, f"coef:{theirs}")], abs=1e-4)
            assert se[ours] == pytest.approx(r[(key, f"se:{theirs}")], abs=1e-4)
    assert result.beta[0] == pytest.approx(r[(key, "coef:INC")], abs=1e-4)
    assert result.spatial["name"] == parameter == result.names[-1]
    assert result.spatial["value"] == pytest.approx(r[(key, parameter)], abs=1e-4)
    assert result.spatial["se"] == pytest.approx(r[(key, f"se:{parameter}")], abs=1e-4)
    assert result.loglik == pytest.approx(r[(key, "loglik")], abs=1e-4)
    assert len(result.names) == {"SAR": 4, "SEM": 4, "SDM": 6}[model]
    if model == "SEM":
        assert result.impacts is None
    else:
        for kind in ("direct", "indirect", "total"):
            assert result.impacts[kind] == pytest.approx(r[(key, f"{kind}:INC")], abs=1e-4)


@pytest.mark.parametrize(("model", "key"), [("SAR", "sar"), ("SDM", "sdm")])
def test_simulated_standard_errors_of_the_effects_agree_with_r(columbus, model, key):
    """R spatialreg's impacts(..., R = 20000) (tests/reference/spatialreg_columbus_impacts.R) against the
    convergence path with 20,000 draws of its own stream: the direct effect's SE to Monte-Carlo precision (3 %),
    the heavy-tailed indirect and total effects at 15 % (as tests/core/econometrics/test_against_r.py)."""
    data, weights, _ = columbus
    table = pd.read_csv(REFERENCE / "spatialreg_columbus_impacts.csv")
    r = {(m, k): v for m, k, v in table.itertuples(index=False)}
    inc, crime, hoval = (data[c].to_numpy(dtype=float) for c in ("INC", "CRIME", "HOVAL"))
    values = np.column_stack([np.exp(inc), np.exp(inc + crime)])
    result = cross_section_spatial(values, [2000, 2001], weights, model, {"HOVAL": np.column_stack([hoval, hoval])},
                                   draws=20000, seed=7)
    assert result.impacts_se["direct"] == pytest.approx(r[(key, "se_direct:INC")], rel=0.03)
    for kind in ("indirect", "total"):
        assert result.impacts_se[kind] == pytest.approx(r[(key, f"se_{kind}:INC")], rel=0.15)
    for kind in ("direct", "indirect", "total"):
        z = result.impacts[kind] / result.impacts_se[kind]
        assert result.impacts_p[kind] == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-9)
    assert "20000 draws" in result.impacts_method and "seed 7" in result.impacts_method


def test_spatial_beta_convergence_on_the_synthetic_panel(latent_resilience, cities_frame):
    from digital_resilience.core.weights.build import WeightsSpec, build_weights

    values, years, units = latent_resilience
    frame = cities_frame.set_index("adcode").loc[units].reset_index()
    weights = build_weights(frame, units, WeightsSpec("knn", k=6))
    for model in ("SAR", "SEM", "SDM"):
        result = cross_section_spatial(values, years, weights, model)
        beta, _, p = result.beta
        assert beta < 0 and p < 0.01 and result.speed.converges
        assert result.spatial["value"] > 0.3
        if model == "SAR":
            assert result.impacts["total"] < result.impacts["direct"] < 0  # ρ > 0 spreads convergence
        if model == "SDM":  # convergence with and without the neighbours' initial levels
            assert result.impacts["direct"] < 0 and result.impacts["total"] < 0


def test_strong_but_interior_rho_is_kept():
    """Growth generated with ρ = 0.999 on a ring: ρ ≈ 0.9987 with a standard error of ≈ 6e-4, a real estimate
    inside (−1, 1), is kept (a multiplier 1/(1 − ρ) below 10⁴). Before, every |ρ| ≥ 0.99 was called "at the
    bound" and the model dropped."""
    import scipy.sparse as sp

    from digital_resilience.core.weights.model import SpatialWeights

    n = 200
    ring = sp.diags([np.ones(n - 1), np.ones(n - 1)], [1, -1]).tolil()
    ring[0, n - 1] = ring[n - 1, 0] = 1
    weights = SpatialWeights(np.arange(n), ring.tocsr())
    rng = np.random.default_rng(0)
    growth = np.linalg.solve(np.eye(n) - 0.999 * weights.transformed().toarray(), rng.normal(size=n)) * 0.01
    start = rng.normal(size=n)
    values = np.column_stack([np.exp(start), np.exp(start + 8 * growth)])
    strong = cross_section_spatial(values, [2011, 2019], weights, "SAR").spatial
    assert strong["name"] == "rho" and 0.99 < strong["value"] < 0.9999
    assert (1 - strong["value"]) / strong["se"] > 1.5  # distinct from 1
    calm = cross_section_spatial(np.column_stack([np.exp(start), np.exp(start + rng.normal(size=n) * 0.1)]),
                                 [2011, 2019], weights, "SAR").spatial
    assert abs(calm["value"]) < 0.5


def test_the_search_covers_the_admissible_range():
    """Ten complete blocks of 10: W's smallest eigenvalue is −1/9, so ρ ranges over (−9, 1), and growth made with
    ρ = −3 is estimated near −3. spreg 1.9, which the toolkit used before, searched (−1, 1) whatever W and stopped
    at −1 + 5e-8, a censored value. Checked against the concentrated log-likelihood by brute force: ρ of the
    highest value on a grid of step 0.02 over the range, then of step 1e-4 around it (log-determinant by numpy's
    slogdet, β by least squares on y − ρWy)."""
    import scipy.sparse as sp

    from digital_resilience.core.weights.model import SpatialWeights

    block = np.ones((10, 10)) - np.eye(10)
    weights = SpatialWeights(np.arange(100), sp.block_diag([block] * 10).tocsr())
    w_dense = weights.transformed().toarray()
    assert np.linalg.eigvalsh(w_dense).min() == pytest.approx(-1 / 9)
    rng = np.random.default_rng(0)
    start = rng.normal(size=100)
    growth = np.linalg.solve(np.eye(100) + 3.0 * w_dense, -0.02 * start + 0.01 * rng.normal(size=100))
    result = cross_section_spatial(np.column_stack([np.exp(start), np.exp(start + 8 * growth)]), [2011, 2019],
                                   weights, "SAR")
    y = (np.log(np.exp(start + 8 * growth)) - start) / 8
    x = np.column_stack([start, np.ones(100)])

    def loglik(rho):
        filtered = y - rho * w_dense @ y
        e = filtered - x @ np.linalg.lstsq(x, filtered, rcond=None)[0]
        return -50 * np.log(e @ e / 100) + np.linalg.slogdet(np.eye(100) - rho * w_dense)[1]

    coarse = np.arange(-8.99, 0.99, 0.02)
    best = coarse[np.argmax([loglik(rho) for rho in coarse])]
    fine = np.arange(best - 0.02, best + 0.02, 1e-4)
    best = fine[np.argmax([loglik(rho) for rho in fine])]
    assert -4.0 < best < -2.0
    assert result.spatial["value"] == pytest.approx(best, abs=1e-4)
    assert result.loglik == pytest.approx(loglik(result.spatial["value"]) - 50 * (1 + np.log(2 * np.pi)), abs=1e-9)
