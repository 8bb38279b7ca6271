"""Standard errors of ``resilience:spatialdurbin`` beyond the information matrix (issue 18).

* Clustered by city (OLS, SLX): the same numbers as a sandwich written out here on the dummy-variable
  (LSDV) regression — city and year dummies instead of demeaning — with the small-sample factor
  G/(G − 1)·(N − 1)/(N − k), k the model's coefficients without the fixed effects (Stata's ``reghdfe``,
  ``xtivreg2, small``), and t tests with G − 1 degrees of freedom; HC1 for a cross-section.
* Wild cluster bootstrap by city (ML models): on panels simulated with errors and regressor following an
  AR(1) within each city (known ρ, λ, β), the bootstrap standard error of β (and ρ/λ) is close to the
  Monte-Carlo standard deviation of the estimates over many simulated panels, while the
  information-matrix one is clearly smaller. The fast test (SAR) runs in the normal suite; the slow
  one (SDM with its effects, SEM) with ``make test-slow``.
"""

# ruff: noqa: N803, N806 - matrix notation (W, X, Z, T...) as in the econometrics literature
from __future__ import annotations

import time

import numpy as np
import pytest
from scipy import stats

from digital_resilience.core.econometrics.data import PanelData
from digital_resilience.core.econometrics.spillover import SpilloverSpec, fit_model, run_spillover, spectrum_for
from digital_resilience.core.errors import Cancelled, InputError
from digital_resilience.core.progress import cancellable

SIDE, T = 7, 8  # 49 cities × 8 years
RHO, LAM, BETA, THETA, PHI = 0.4, 0.4, 1.0, 0.5, 0.8


def simulate(weights, rng, model: str = "SAR", periods: int = T) -> PanelData:
    """A panel with city and year effects whose regressor x and errors follow an AR(1) (φ = 0.8) within
    each city: y = (I − ρW)⁻¹(xβ + Wxθ + μ + γ + e) (lag models) or y = xβ + μ + γ + (I − λW)⁻¹e (SEM)."""
    W = weights.transformed().toarray()
    n = W.shape[0]
    coefficient = LAM if model in ("SEM", "SDEM") else RHO
    inverse = np.linalg.inv(np.eye(n) - coefficient * W)
    mu, gamma = rng.normal(size=n), rng.normal(size=periods)
    x, e = np.zeros((periods, n)), np.zeros((periods, n))
    ys = []
    for t in range(periods):
        x[t] = (PHI * x[t - 1] if t else 0.0) + rng.normal(size=n)
        e[t] = (PHI * e[t - 1] if t else 0.0) + rng.normal(size=n)
        if model in ("SEM", "SDEM"):
            ys.append(x[t] * BETA + mu + gamma[t] + inverse @ e[t])
        else:
            theta = THETA if model == "SDM" else 0.0
            ys.append(inverse @ (x[t] * BETA + W @ x[t] * theta + mu + gamma[t] + e[t]))
    x2 = rng.normal(size=(periods, n))  # a second, independent regressor
    X = np.column_stack([x.reshape(-1), x2.reshape(-1)])
    return PanelData(np.concatenate(ys), X, "y", ["x", "x2"], weights.ids, list(range(2011, 2011 + periods)))


# ------------------------------------------------------------------ clustered by city
def lsdv_cluster(y, Z, n: int, periods: int, effects: str, constant: bool):
    """Coefficients, CR1 standard errors and p-values of the model's regressors ``Z`` by the
    dummy-variable regression (written out here: no demeaning, no code of the toolkit)."""
    city = np.tile(np.arange(n), periods)
    year = np.repeat(np.arange(periods), n)
    columns = [Z]
    if constant:
        columns.append(np.ones((len(y), 1)))
    if effects in ("unit", "twoway"):
        columns.append((city[:, None] == np.arange(n)[None, :]).astype(float))
    if effects == "twoway":
        columns.append((year[:, None] == np.arange(1, periods)[None, :]).astype(float))
    X = np.column_stack(columns)
    bread = np.linalg.inv(X.T @ X)
    coef = bread @ X.T @ y
    e = y - X @ coef
    scores = np.array([X[city == g].T @ e[city == g] for g in range(n)])
    k = Z.shape[1] + (1 if constant else 0)  # the model's coefficients, without the fixed effects
    N, G = len(y), n
    vcov = bread @ (scores.T @ scores) @ bread * G / (G - 1) * (N - 1) / (N - k)
    se = np.sqrt(np.diag(vcov))[: k]
    p = 2 * stats.t.sf(np.abs(coef[:k] / se), G - 1)
    return coef[:k], se, p


@pytest.mark.parametrize("effects", ["none", "unit", "twoway"])
@pytest.mark.parametrize("model", ["OLS", "SLX"])
def test_clustered_standard_errors_equal_the_dummy_variable_sandwich(effects, model, lattice):
    weights = lattice(SIDE)
    data = simulate(weights, np.random.default_rng(11))
    result = run_spillover(data, weights, SpilloverSpec(model=model, effects=effects, standard_errors="cluster",
                                                        draws=0, compare=False))
    main = result.main
    W = weights.transformed().toarray()
    Z = data.X
    if model == "SLX":
        Z = np.column_stack([Z, np.vstack([W @ Z[t * data.n:(t + 1) * data.n] for t in range(data.T)])])
    coef, se, p = lsdv_cluster(data.y, Z, data.n, data.T, effects, constant=effects == "none")
    order = ([main.names.index(name) for name in main.names if name != "constant"]
             + ([main.names.index("constant")] if effects == "none" else []))
    np.testing.assert_allclose(main.coefficients[order], coef, rtol=1e-9)
    np.testing.assert_allclose(main.standard_errors[order], se, rtol=1e-9)
    np.testing.assert_allclose(main.table().p.to_numpy()[order], p, rtol=1e-7, atol=1e-15)
    assert str(main.se_kind) == "clustered by city (CR1, 49 clusters)"
    # The direct and indirect effects of SLX are θ and β: their standard errors are the clustered ones.
    np.testing.assert_allclose(result.effects.se[0, :2], se[[0, 2]] if model == "SLX" else [se[0], 0.0],
                               rtol=1e-9)


def test_a_clustered_cross_section_gets_white_hc1(lattice):
    weights = lattice(SIDE)
    rng = np.random.default_rng(5)
    x = rng.normal(size=(weights.n, 2))
    y = x @ [1.0, -0.5] + rng.normal(size=weights.n) * (1 + np.abs(x[:, 0]))
    data = PanelData(y, x, "y", ["a", "b"], weights.ids)
    main = run_spillover(data, weights, SpilloverSpec(model="OLS", standard_errors="cluster", draws=0,
                                                      compare=False)).main
    X = np.column_stack([np.ones(weights.n), x])
    bread = np.linalg.inv(X.T @ X)
    e = y - X @ bread @ X.T @ y
    n, k = X.shape
    hc1 = bread @ (X * e[:, None] ** 2).T @ X @ bread * n / (n - k)
    np.testing.assert_allclose(main.standard_errors, np.sqrt(np.diag(hc1)), rtol=1e-9)
    assert "HC1" in str(main.se_kind)


def test_ml_models_keep_information_matrix_errors_when_clustering_and_say_so(lattice):
    weights = lattice(SIDE)
    data = simulate(weights, np.random.default_rng(3))
    plain = run_spillover(data, weights, SpilloverSpec(model="SDM", effects="twoway", draws=0))
    clustered = run_spillover(data, weights, SpilloverSpec(model="SDM", effects="twoway", draws=0,
                                                           standard_errors="cluster"))
    for name in ("SAR", "SEM", "SDM", "SDEM"):
        np.testing.assert_array_equal(clustered.models[name].vcov, plain.models[name].vcov)
        assert str(clustered.models[name].se_kind) == "asymptotic (information matrix)"
    assert not np.allclose(clustered.models["SLX"].vcov, plain.models["SLX"].vcov)
    assert any("SDM model keeps its information-matrix standard errors" in w for w in clustered.warnings)
    # The Hausman test keeps the classical covariance it assumes.
    assert [t.statistic for t in clustered.tests] == pytest.approx([t.statistic for t in plain.tests])


# ------------------------------------------------------------- wild cluster bootstrap
def monte_carlo(weights, model: str, replications: int, seed: int):
    """Estimates of the model over ``replications`` simulated panels (and the SDM's total effect of x)."""
    from digital_resilience.core.econometrics.effects import effects_at

    spectrum = spectrum_for(weights)
    rng = np.random.default_rng(seed)
    estimates, totals = [], []
    for _ in range(replications):
        fitted = fit_model(simulate(weights, rng, model), spectrum.W, spectrum, model, "twoway")
        estimates.append(fitted.coefficients)
        totals.append(effects_at(fitted, fitted.coefficients[None, :], spectrum)[0, 0, 2])
    return np.asarray(estimates), np.asarray(totals)


def bootstrap_errors(weights, model: str, datasets: int, seed: int, draws: int = 199):
    """Mean information-matrix and bootstrap standard errors (coefficients; total effect of x) over
    ``datasets`` simulated panels."""
    rng = np.random.default_rng(seed)
    information, bootstrap, totals = [], [], []
    for i in range(datasets):
        data = simulate(weights, rng, model)
        spec = SpilloverSpec(model=model, effects="twoway", draws=0, compare=False)
        information.append(run_spillover(data, weights, spec).main.standard_errors)
        spec = SpilloverSpec(model=model, effects="twoway", draws=0, compare=False, standard_errors="bootstrap",
                             bootstrap_draws=draws, seed=i + 1)
        result = run_spillover(data, weights, spec)
        bootstrap.append(result.main.standard_errors)
        totals.append(result.effects.se[0, 2])
    return np.mean(information, axis=0), np.mean(bootstrap, axis=0), float(np.mean(totals))


def test_bootstrap_standard_errors_match_the_monte_carlo_spread(lattice):
    """SAR, two-way effects, 49 cities × 8 years with AR(1) errors within cities: the bootstrap SE of β
    (99 draws, mean over 6 panels) within 20 % of its Monte-Carlo SD (150 panels), that of ρ within 25 %
    (the slow test holds both to 20 % with more panels); the information-matrix SE of β below 80 % of it."""
    weights = lattice(SIDE)
    estimates, _ = monte_carlo(weights, "SAR", 150, seed=2024)
    spread = estimates.std(axis=0, ddof=1)
    information, bootstrap, _ = bootstrap_errors(weights, "SAR", 6, seed=7, draws=99)
    x, rho = 0, -1
    assert abs(estimates[:, x].mean() - BETA) < 0.03
    assert bootstrap[x] == pytest.approx(spread[x], rel=0.2)
    assert bootstrap[rho] == pytest.approx(spread[rho], rel=0.25)
    assert information[x] < 0.8 * spread[x]


@pytest.mark.slow
@pytest.mark.parametrize("model", ["SDM", "SEM"])
def test_bootstrap_standard_errors_match_the_monte_carlo_spread_sdm_sem(model, lattice):
    """As above for the SDM (β, θ, ρ and the total effect of x) and the SEM (β, λ): 300 panels, the
    bootstrap's mean over 20."""
    weights = lattice(SIDE)
    estimates, totals = monte_carlo(weights, model, 300, seed=99)
    spread = estimates.std(axis=0, ddof=1)
    information, bootstrap, total = bootstrap_errors(weights, model, 20, seed=17)
    np.testing.assert_allclose(bootstrap, spread, rtol=0.2)
    assert information[0] < 0.8 * spread[0]
    if model == "SDM":
        assert total == pytest.approx(totals.std(ddof=1), rel=0.2)


def test_bootstrap_is_reproducible_with_the_seed_and_reports_progress(lattice):
    weights = lattice(SIDE)
    data = simulate(weights, np.random.default_rng(1), "SDM")
    fractions = []

    def run(seed, progress=None):
        spec = SpilloverSpec(model="SDM", effects="twoway", draws=0, standard_errors="bootstrap",
                             bootstrap_draws=49, seed=seed, compare=False)
        return run_spillover(data, weights, spec, progress)

    first, again, other = run(4, fractions.append), run(4), run(5)
    np.testing.assert_array_equal(first.main.vcov, again.main.vcov)
    np.testing.assert_array_equal(first.effects.se, again.effects.se)
    assert not np.allclose(first.main.vcov, other.main.vcov)
    assert str(first.main.se_kind) == "wild cluster bootstrap by city (49 draws)"
    assert first.main.intervals.shape == (len(first.main.coefficients), 2)
    assert (first.main.intervals[:, 0] < first.main.coefficients).all()
    assert (first.main.coefficients < first.main.intervals[:, 1]).all()
    assert "wild cluster bootstrap" in first.effects.method
    # Progress: at least one report per draw, never backwards.
    assert len(fractions) > 49 and fractions == sorted(fractions) and fractions[-1] == 1.0


def test_a_cancel_stops_the_bootstrap_within_a_second(lattice):
    weights = lattice(12)  # 144 cities, 1,000 draws: several seconds of refits
    data = simulate(weights, np.random.default_rng(2), "SDM")
    spec = SpilloverSpec(model="SDM", effects="twoway", draws=0, standard_errors="bootstrap", bootstrap_draws=1000,
                         compare=False)
    stamp = {}

    def progress(fraction):
        if fraction > 0.1 and "cancel" not in stamp:
            stamp["cancel"] = time.perf_counter()

    with cancellable(lambda: "cancel" in stamp), pytest.raises(Cancelled):
        run_spillover(data, weights, spec, progress)
    assert time.perf_counter() - stamp["cancel"] < 1.0


def test_too_few_cities_for_the_bootstrap_is_refused_with_a_clear_message(lattice):
    weights = lattice(4)  # 16 cities
    data = simulate(weights, np.random.default_rng(1), "SAR", periods=5)
    with pytest.raises(InputError, match=r"needs at least 20 cities .*but the model has 16") as caught:
        run_spillover(data, weights, SpilloverSpec(model="SAR", effects="twoway", standard_errors="bootstrap"))
    assert caught.value.params == {"minimum": 20, "count": 16}


def test_robust_errors_are_refused_with_random_effects(lattice):
    weights = lattice(SIDE)
    data = simulate(weights, np.random.default_rng(1), "SAR")
    for kind in ("cluster", "bootstrap"):
        with pytest.raises(InputError, match="pooled and fixed-effects models, not with random unit effects"):
            run_spillover(data, weights, SpilloverSpec(model="SAR", effects="random", standard_errors=kind))
    with pytest.raises(InputError, match="Unknown type of standard errors"):
        SpilloverSpec(standard_errors="robust")
    with pytest.raises(InputError, match="at least 2 draws"):
        SpilloverSpec(standard_errors="bootstrap", bootstrap_draws=1)
