"""Spillover scenarios: against the model's effects (one unit in every city) and against the
reduced form computed here with dense matrices (numpy.linalg.inv), independently of the
sparse solves and the interpolation in ρ of the code."""

# ruff: noqa: N803, N806 - matrix notation (W, X, Z, T...) as in the econometrics literature
from __future__ import annotations

import numpy as np
import pytest

from digital_resilience.core.econometrics.scenario import Policy, run_scenario
from digital_resilience.core.econometrics.spillover import SpilloverSpec
from digital_resilience.core.errors import InputError


def dense_change(W, model, regressor, dx, coefficients=None):
    """(own, received, total) by definition: S = (I − ρW)⁻¹(βI + θW) for SAR/SDM, βI + θW
    otherwise; own_i = S_ii Δx_i, total = S Δx."""
    names = model.names
    c = model.coefficients if coefficients is None else coefficients
    beta = c[names.index(regressor)]
    theta = c[names.index(f"W·{regressor}")] if f"W·{regressor}" in names else 0.0
    n = W.shape[0]
    S = beta * np.eye(n) + theta * W
    if model.model in ("SAR", "SDM"):
        S = np.linalg.inv(np.eye(n) - c[-1] * W) @ S
    total = S @ dx
    own = np.diag(S) * dx
    return own, total - own, total


@pytest.mark.parametrize(("model", "effects", "panel"), [
    ("SDM", "none", False), ("SAR", "none", False), ("SDEM", "none", False), ("SLX", "none", False),
    ("SDM", "twoway", True), ("SAR", "random", True), ("SLX", "unit", True), ("OLS", "none", False)])
def test_one_unit_everywhere_gives_the_effects(columbus, columbus_panel, model, effects, panel):
    """Mean own change = direct effect, mean received = indirect, mean total = total, with the
    same intervals (the same draws) for SAR/SDM."""
    data, queen, _ = columbus
    if panel:
        data = columbus_panel
    regressor = data.names[0]
    result = run_scenario(data, queen, SpilloverSpec(model=model, effects=effects, draws=400, seed=7),
                          Policy(regressor, "absolute", 1.0))
    effects_table = result.model.effects
    i = effects_table.variables.index(regressor)
    n = result.n
    assert result.chosen.all()
    for j, (key, values) in enumerate((("own", result.own), ("received", result.received),
                                      ("total", result.total))):
        assert values.mean() == pytest.approx(effects_table.estimate[i, j], rel=1e-10, abs=1e-12)
        total = result.totals[key]
        assert total.estimate / n == pytest.approx(effects_table.estimate[i, j], rel=1e-10, abs=1e-12)
        # interpolated in ρ: the sums of the own parts to 1e-5, the cities' changes to 1e-8
        rel = 1e-6 if key == "total" else 1e-4
        assert total.low / n == pytest.approx(effects_table.lower[i, j], rel=rel, abs=1e-10)
        assert total.high / n == pytest.approx(effects_table.upper[i, j], rel=rel, abs=1e-10)


@pytest.mark.parametrize("model", ["SDM", "SAR", "SDEM", "SLX"])
def test_changes_equal_the_dense_reduced_form(columbus, model):
    data, queen, _ = columbus
    chosen = queen.ids[[0, 3, 10, 11, 12, 30, 48]]
    result = run_scenario(data, queen, SpilloverSpec(model=model, draws=300, seed=2),
                          Policy("INC", "percent", 10.0, chosen=chosen))
    W = queen.transformed().toarray()
    mask = np.isin(queen.ids, chosen)
    dx = np.where(mask, data.column("INC") * 0.1, 0.0)
    np.testing.assert_allclose(result.dx, dx, rtol=1e-14)
    own, received, total = dense_change(W, result.model.main, "INC", dx)
    np.testing.assert_allclose(result.own, own, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(result.received, received, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(result.total, total, rtol=1e-9, atol=1e-12)
    assert np.all(result.own[~mask] == 0.0)
    assert result.totals["total"].estimate == pytest.approx(total.sum(), rel=1e-10)
    assert result.totals["own"].estimate == pytest.approx(own.sum(), rel=1e-10)
    if model in ("SAR", "SDM"):
        # every draw's reduced form, dense, then the percentiles: the code interpolates in ρ
        main = result.model.main
        draws = []
        for b, t, r in result.samples:
            c = main.coefficients.copy()
            c[main.names.index("INC")] = b
            if "W·INC" in main.names:
                c[main.names.index("W·INC")] = t
            c[-1] = r
            draws.append(dense_change(W, main, "INC", dx, c))
        draws = np.array(draws)  # draws × (own, received, total) × n
        low, high = np.percentile(draws[:, 2], [2.5, 97.5], axis=0)
        np.testing.assert_allclose(result.low, low, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(result.high, high, rtol=1e-6, atol=1e-9)
        sums = draws.sum(axis=2)
        for j, key in enumerate(("own", "received", "total")):
            expected = np.percentile(sums[:, j], [2.5, 97.5])
            assert [result.totals[key].low, result.totals[key].high] == pytest.approx(expected, rel=1e-4)
    else:
        # linear: the interval of each city's change from the 2 × 2 covariance of (β, θ)
        main = result.model.main
        at = [main.names.index("INC"), main.names.index("W·INC")]
        V = main.vcov[np.ix_(at, at)]
        A = np.column_stack([dx, W @ dx])
        se = np.sqrt(np.einsum("ij,jk,ik->i", A, V, A))
        np.testing.assert_allclose(result.high - result.total, 1.959963984540054 * se, rtol=1e-9, atol=1e-14)


def test_target_and_absolute_kinds(columbus):
    data, queen, _ = columbus
    x = data.column("HOVAL")
    target = float(np.median(x))
    result = run_scenario(data, queen, SpilloverSpec(model="SDM", draws=0), Policy("HOVAL", "target", target))
    np.testing.assert_allclose(result.dx, np.maximum(target - x, 0.0))
    assert np.isnan(result.low).all()
    own, _, total = dense_change(queen.transformed().toarray(), result.model.main, "HOVAL", result.dx)
    np.testing.assert_allclose(result.total, total, rtol=1e-9)
    np.testing.assert_allclose(result.own, own, rtol=1e-9, atol=1e-12)
    assert any("already at or above the target" in note for note in result.notes)


def test_panel_baseline_is_the_latest_year(columbus_panel, columbus):
    _, queen, _ = columbus
    data = columbus_panel
    result = run_scenario(data, queen, SpilloverSpec(model="SDM", effects="unit", draws=0),
                          Policy("x1", "percent", 5.0))
    latest = data.X[-data.n:, 0]
    np.testing.assert_allclose(result.baseline, latest)
    np.testing.assert_allclose(result.dx, latest * 0.05)


def test_bad_input(columbus):
    data, queen, _ = columbus
    spec = SpilloverSpec(model="SDM", draws=0)
    with pytest.raises(InputError, match="not an explanatory variable"):
        run_scenario(data, queen, spec, Policy("CRIME", "absolute", 1.0))
    with pytest.raises(InputError, match="No city is chosen"):
        run_scenario(data, queen, spec, Policy("INC", "absolute", 1.0, chosen=["nowhere"]))
    with pytest.raises(InputError, match="changes nothing"):
        run_scenario(data, queen, spec, Policy("INC", "absolute", 0.0))
    with pytest.raises(InputError, match="at or above the target"):
        run_scenario(data, queen, spec, Policy("INC", "target", -1.0))
    with pytest.raises(InputError, match="Unknown kind"):
        Policy("INC", "double", 1.0)
    with pytest.raises(InputError, match="finite"):
        Policy("INC", "absolute", float("nan"))


@pytest.mark.parametrize("selected", [True, False], ids=["selected inverse", "row solves"])
def test_diagonals_equal_the_dense_inverse(selected):
    """Both ways of computing the own parts' diagonals, on unsymmetric k-nearest-neighbour weights
    (SuperLU pivots and fills), against numpy.linalg.inv."""
    import scipy.sparse as sp
    from scipy.spatial import cKDTree

    from digital_resilience.core.econometrics import scenario

    rng = np.random.default_rng(5)
    n = 300
    points = rng.uniform(size=(n, 2))
    _, neighbours = cKDTree(points).query(points, 6)
    W = sp.csr_matrix((np.full(n * 5, 0.2), (np.repeat(np.arange(n), 5), neighbours[:, 1:].ravel())), shape=(n, n))
    chosen = rng.random(n) < 0.5
    form = scenario._ReducedForm(W, np.where(chosen, 1.0, 0.0), chosen)
    form.selected = selected
    for rho in (0.6, -0.3):  # the selected inverse reuses its buffer: a second pass must not see the first
        inverse = np.linalg.inv(np.eye(n) - rho * W.toarray())
        d0, d1 = form.diagonals(form.factor(rho))
        np.testing.assert_allclose(d0, np.diag(inverse)[chosen], rtol=1e-12)
        np.testing.assert_allclose(d1, np.diag(inverse @ W.toarray())[chosen], rtol=1e-12, atol=1e-15)
