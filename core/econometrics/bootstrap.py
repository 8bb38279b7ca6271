"""The wild cluster bootstrap by city of a spatial model: standard errors robust to errors that are
correlated within a city across the years (and heteroskedastic), for the ML models whose own standard
errors come from the information matrix, which assumes independent errors.

Each draw b (the wild cluster bootstrap of Cameron, Gelbach and Miller 2008, with the data regenerated
through the spatial model's fitted reduced form):

1. one Rademacher weight vᵢ = ±1 (probability ½ each) per city i, the same in every year;
2. a new dependent variable through the fitted reduced form,

       y* = A⁻¹(ŝ + v ⊙ ê) = y + A⁻¹((v − 1) ⊙ ê),   A = I_T ⊗ (I − ĉW),   ŝ = Ay − ê,

   with ĉ the estimated ρ (SAR, SDM) or λ (SEM, SDEM; 0 for OLS and SLX) and ê the model's residuals
   (the innovations ε̂ for the error models). ŝ is the fitted systematic part: Zβ̂ and the fixed effects
   (filtered by I − λ̂W for the error models), so the draw keeps the fitted city and year effects;
3. the same model (regressors, weights, panel effects, Lee–Yu correction) refitted on y*.

The standard errors are the standard deviations of the B refits' coefficients (ρ/λ included), p-values
from the normal, the 95 % intervals the 2.5 and 97.5 percentiles; the direct, indirect and total effects
of each refit give theirs the same way. A refit that fails (ρ at its bound) is left out and counted. The
draws come from ``numpy.random.default_rng(seed)``: the same seed gives the same numbers. Fewer than
:data:`MIN_CLUSTERS` cities is refused (with few clusters the bootstrap distribution is too coarse).
"""

# ruff: noqa: N803, N806 - matrix notation (W, X, Z, T...) as in the econometrics literature
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..errors import InputError, Message
from ..progress import report
from .data import PanelData
from .design import LAG_MODELS
from .effects import EffectsTable, _positions, effects_at
from .options import BOOTSTRAP_DRAWS
from .results import ModelResult

#: The fewest cities (clusters) the bootstrap accepts.
MIN_CLUSTERS = 20
#: The default number of draws (B).
DRAWS = BOOTSTRAP_DRAWS


@dataclass
class BootstrapDraws:
    """The refits' coefficients (``samples``: successful draws × p, the layout of the model's
    ``coefficients``), how many draws were asked for and how many refits failed."""

    samples: np.ndarray
    draws: int
    seed: int
    failed: int = 0
    #: The error of the first failed refit (empty when none failed).
    reason: object = ""


def check_clusters(n_clusters: int) -> None:
    if n_clusters < MIN_CLUSTERS:
        raise InputError(
            "The wild cluster bootstrap by city needs at least {minimum} cities (clusters), but the model has "
            "{count}: with so few the bootstrap distribution is too coarse. Use more cities, or choose "
            "“information matrix” standard errors.", minimum=MIN_CLUSTERS, count=n_clusters)


def spatial_coefficient(fitted: ModelResult) -> float:
    """ĉ of the reduced form: ρ or λ, 0 for the least-squares models."""
    return float(fitted.spatial) if fitted.spatial_name else 0.0


def wild_cluster_bootstrap(data: PanelData, W, fitted: ModelResult, refit, draws: int = DRAWS, seed: int = 1,
                           progress=None) -> BootstrapDraws:
    """``draws`` refits of ``fitted`` on data regenerated as in the module docstring. ``refit(data)``
    estimates the same model on a panel with another ``y`` and returns its ``ModelResult``."""
    n, T = data.n, data.T
    check_clusters(n)
    if draws < 2:
        raise InputError("The bootstrap needs at least 2 draws (e.g. {draws}); set the number of bootstrap "
                         "draws in the advanced options.", draws=DRAWS)
    c = spatial_coefficient(fitted)
    solve = None
    if c != 0.0:
        solve = spla.splu(sp.csc_matrix(sp.identity(n, format="csc") - c * sp.csr_matrix(W))).solve
    residuals = np.asarray(fitted.residuals, dtype=np.float64).reshape(T, n)
    rng = np.random.default_rng(seed)
    samples, failed, reason = [], 0, ""
    for b in range(draws):
        report(progress, b / draws)
        weights = rng.choice((-1.0, 1.0), size=n)
        shock = (weights - 1.0)[None, :] * residuals  # (v − 1) ⊙ ê, one weight per city in every year
        if solve is not None:
            shock = solve(np.ascontiguousarray(shock.T)).T  # A⁻¹, year by year
        redrawn = PanelData(data.y + shock.reshape(-1), data.X, data.dependent, list(data.names), data.unit_ids,
                            data.years)
        try:
            result = refit(redrawn)
        except InputError as error:  # e.g. ρ at its bound in this draw: left out and counted
            failed += 1
            reason = reason or error
            continue
        samples.append(result.coefficients)
    report(progress, 1.0)
    if len(samples) < 2:
        raise InputError("The wild cluster bootstrap failed: {failed} of {draws} refits could not be estimated "
                         "({reason}). Choose “information matrix” standard errors or another model.",
                         failed=failed, draws=draws, reason=reason)
    return BootstrapDraws(np.asarray(samples), draws, seed, failed, reason)


def bootstrapped(fitted: ModelResult, boot: BootstrapDraws) -> ModelResult:
    """``fitted`` with the bootstrap's covariance, standard-error label and percentile intervals
    (p-values from the normal)."""
    samples = boot.samples
    vcov = np.atleast_2d(np.cov(samples, rowvar=False, ddof=1))
    intervals = np.percentile(samples, [2.5, 97.5], axis=0).T
    kind = Message("wild cluster bootstrap by city ({draws} draws)", draws=len(samples))
    return dataclasses.replace(fitted, vcov=vcov, se_kind=kind, se_type="bootstrap", intervals=intervals,
                               df_resid=None, df_test=None, notes=list(fitted.notes))


def bootstrap_effects(fitted: ModelResult, boot: BootstrapDraws, spectrum=None) -> EffectsTable:
    """The direct, indirect and total effects with the refits' standard deviations and percentile
    intervals (``spectrum`` for SAR/SDM)."""
    variables = _positions(fitted)[0]
    estimate = effects_at(fitted, fitted.coefficients[None, :], spectrum)[0]
    simulated = effects_at(fitted, boot.samples, spectrum)
    se = simulated.std(axis=0, ddof=1)
    lower, upper = np.percentile(simulated, [2.5, 97.5], axis=0)
    if fitted.model in LAG_MODELS:
        method = Message("wild cluster bootstrap by city: the effects of {draws} refits, seed {seed} (standard "
                         "errors their standard deviation, 95 % intervals their percentiles); traces {traces}",
                         draws=len(boot.samples), seed=boot.seed, traces=spectrum.description)
    else:
        method = Message("wild cluster bootstrap by city: direct β, indirect θ (W·X) of {draws} refits, seed "
                         "{seed} (standard errors their standard deviation, 95 % intervals their percentiles)",
                         draws=len(boot.samples), seed=boot.seed)
    return EffectsTable(variables, estimate, se, lower, upper, method, len(boot.samples), boot.seed)


def failures_note(boot: BootstrapDraws) -> Message | None:
    """A note when some refits failed (they are left out of the standard errors)."""
    if not boot.failed:
        return None
    return Message("Bootstrap: {failed} of {draws} refits could not be estimated and were left out ({reason}).",
                   failed=boot.failed, draws=boot.draws, reason=boot.reason)
