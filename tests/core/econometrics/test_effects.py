"""Effects: brute force with the dense n × n matrices, Monte-Carlo traces against exact ones,
and the simulation's reproducibility."""

# ruff: noqa: N803, N806 - matrix notation (W, X, Z, T...) as in the econometrics literature
from __future__ import annotations

import numpy as np
import pytest

from digital_resilience.core.econometrics.effects import compute_effects, lag_effects_at
from digital_resilience.core.econometrics.spectrum import Spectrum
from digital_resilience.core.econometrics.spillover import fit_model, spectrum_for


def brute_force(W, rho, beta, theta):
    """LeSage–Pace by definition: S = (I − ρW)⁻¹(βI + θW); direct = mean diagonal,
    total = mean row sum."""
    n = W.shape[0]
    S = np.linalg.inv(np.eye(n) - rho * W) @ (beta * np.eye(n) + theta * W)
    direct, total = np.trace(S) / n, S.sum() / n
    return direct, total - direct, total


@pytest.mark.parametrize("transform", ["R", "B"])
def test_effects_equal_the_definition(synthetic, transform):
    _, queen, _, _ = synthetic
    weights = queen.subset(np.setdiff1d(np.arange(queen.n), queen.islands)).with_transform(transform)
    spectrum = spectrum_for(weights)
    W = spectrum.W.toarray()
    rho = 0.45 if transform == "R" else 0.08  # inside both ranges (binary W has λ_max ≈ 6)
    got = lag_effects_at(np.array([[1.3, -0.2]]), np.array([[0.4, 0.7]]), np.array([rho]), spectrum)[0]
    for k, (b, t) in enumerate(((1.3, 0.4), (-0.2, 0.7))):
        np.testing.assert_allclose(got[k], brute_force(W, rho, b, t), rtol=1e-10)


def test_monte_carlo_traces_approach_exact_ones(synthetic):
    """n > 2,000 uses Hutchinson traces of the powers of W; on the 367 cities (where their
    relative error is largest: it falls like 1/√n) they agree within 0.003 of tr/n, i.e. the
    direct effect within 0.003·|θ|."""
    _, _, knn, _ = synthetic
    exact = spectrum_for(knn)
    approximate = Spectrum(knn.transformed(), method="lu", seed=3)
    rho = np.array([-0.3, 0.2, 0.6])
    for ours, theirs in zip(approximate.inverse_traces(rho), exact.inverse_traces(rho)):
        np.testing.assert_allclose(ours, theirs, atol=0.003)
    for value in (0.2, 0.6):
        assert approximate.logdet(value) == pytest.approx(exact.logdet(value), rel=1e-10)
        assert approximate.wa_traces(value)[0] == pytest.approx(exact.wa_traces(value)[0], rel=0.05)


def test_simulation_is_reproducible_and_seed_dependent(columbus):
    data, queen, _ = columbus
    spectrum = spectrum_for(queen)
    sdm = fit_model(data, spectrum.W, spectrum, "SDM", "none")
    first = compute_effects(sdm, spectrum, draws=500, seed=7)
    again = compute_effects(sdm, spectrum, draws=500, seed=7)
    other = compute_effects(sdm, spectrum, draws=500, seed=8)
    np.testing.assert_array_equal(first.se, again.se)
    assert not np.array_equal(first.se, other.se)
    np.testing.assert_array_equal(first.estimate, other.estimate)  # point estimates do not depend on draws
    assert (first.lower < first.estimate).all() and (first.estimate < first.upper).all()
    frame = first.frame()
    assert list(frame.columns) == ["variable", "effect", "estimate", "se", "z", "p", "ci_low", "ci_high"]
    assert len(frame) == 6


def test_draws_outside_the_range_are_replaced(columbus):
    """With ρ's distribution reaching beyond 1, the draws beyond are replaced and counted."""
    data, queen, _ = columbus
    spectrum = spectrum_for(queen)
    sdm = fit_model(data, spectrum.W, spectrum, "SDM", "none")
    wide = sdm.__class__(**{**sdm.__dict__, "vcov": sdm.vcov * 25.0})  # SE of ρ ≈ 0.8
    table = compute_effects(wide, spectrum, draws=300, seed=1)
    assert table.replaced > 0
    assert np.isfinite(table.se).all()


def test_large_n_method_gives_the_exact_estimates(synthetic):
    """Above 2,000 units the log-determinant comes from a sparse LU per ρ (exact) and the
    information matrix's traces from Hutchinson estimates: same estimates, SEs within 3 %."""
    data, _, knn, _ = synthetic
    exact = spectrum_for(knn)
    lu = Spectrum(knn.transformed(), method="lu", seed=1)
    assert lu.upper == 1.0 and lu.lower == pytest.approx(exact.lower, rel=1e-4)
    for model in ("SDM", "SEM"):
        ours = fit_model(data, lu.W, lu, model, "unit")
        reference = fit_model(data, exact.W, exact, model, "unit")
        # Both log-determinants are exact; the estimates differ only by where the bounded
        # search over ρ stops (its tolerance, and BLAS summation order run to run): 1e-5.
        np.testing.assert_allclose(ours.coefficients, reference.coefficients, rtol=1e-5)
        np.testing.assert_allclose(ours.loglik, reference.loglik, rtol=1e-10)
        np.testing.assert_allclose(ours.standard_errors, reference.standard_errors, rtol=0.03)


@pytest.mark.parametrize("draws", [0, 1])
def test_effects_without_draws_say_so(columbus, draws):
    """Draws 0 or 1 give point effects without standard errors: the method and a note say why."""
    from digital_resilience.core.econometrics.spillover import SpilloverSpec, run_spillover

    data, queen, _ = columbus
    result = run_spillover(data, queen, SpilloverSpec(model="SDM", draws=draws, compare=False))
    effects = result.effects
    assert not effects.inferred and np.isnan(effects.se).all() and np.isfinite(effects.estimate).all()
    assert effects.method.startswith(f"none: {draws} simulation draw(s), at least 2 are needed")
    note = [n for n in result.notes if n.startswith("No inference on the direct, indirect and total effects")]
    assert len(note) == 1 and f"(simulation draws = {draws})" in note[0]
    with_draws = run_spillover(data, queen, SpilloverSpec(model="SDM", draws=2, compare=False))
    assert with_draws.effects.inferred and not any(n.startswith("No inference") for n in with_draws.notes)
    linear = run_spillover(data, queen, SpilloverSpec(model="SLX", draws=draws, compare=False))
    assert linear.effects.inferred and not any(n.startswith("No inference") for n in linear.notes)
