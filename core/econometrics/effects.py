"""Direct, indirect (spillover) and total effects (LeSage and Pace 2009, §2.7) with inference.

For a lag model (SAR, SDM) the effect of variable k is the n × n matrix
``S_k = (I − ρW)⁻¹(β_k I + θ_k W)``; the direct effect is its mean diagonal element,
the total effect its mean row sum and the indirect effect their difference:

    direct_k = β_k·tr((I − ρW)⁻¹)/n + θ_k·tr((I − ρW)⁻¹W)/n
    total_k  = (β_k + θ_k)/(1 − ρ)   (row-standardised W; 1'S_k1/n otherwise).

The traces come from :class:`~.spectrum.Spectrum` (exact from the eigenvalues up to
n = 2,000, Monte-Carlo above). Inference simulates the estimates' asymptotic normal
distribution (LeSage and Pace 2009, §2.7; R spatialreg's ``impacts(..., R=)``): ``draws``
parameter vectors (β, θ, ρ) from N(θ̂, V̂) with a seeded generator (draws with ρ outside
its admissible range are replaced), the effects of each draw, and their standard deviation
as the standard error. z = estimate / SE, p two-sided normal, and the 2.5 % and 97.5 %
percentiles of the draws as a 95 % interval.

For SLX and SDEM the effects are linear in the coefficients (direct β_k, indirect θ_k),
so their standard errors are exact from the covariance matrix; for OLS and SEM the
direct effect is β_k and there is no spillover.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError, Message
from ..progress import report
from .design import LAG_MODELS, lag_name
from .results import ModelResult, two_sided_p

KINDS = ("direct", "indirect", "total")


@dataclass
class EffectsTable:
    """Effects of each explanatory variable: point estimates, SEs, z, p, intervals."""

    variables: list[str]
    estimate: np.ndarray  # (variables, 3): direct, indirect, total
    se: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    method: str
    draws: int = 0
    seed: int | None = None
    replaced: int = 0

    @property
    def inferred(self) -> bool:
        """Whether the effects have standard errors (not so for a lag model with fewer than 2 draws)."""
        return bool(np.isfinite(self.se).any())

    @property
    def z(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.estimate / self.se

    @property
    def p(self) -> np.ndarray:
        return two_sided_p(self.z)

    def value(self, variable: str, kind: str) -> tuple[float, float]:
        i, j = self.variables.index(variable), KINDS.index(kind)
        return float(self.estimate[i, j]), float(self.se[i, j])

    def frame(self) -> pd.DataFrame:
        rows = []
        z, p = self.z, self.p
        for i, variable in enumerate(self.variables):
            for j, kind in enumerate(KINDS):
                rows.append({"variable": variable, "effect": kind, "estimate": self.estimate[i, j],
                             "se": self.se[i, j], "z": z[i, j], "p": p[i, j],
                             "ci_low": self.lower[i, j], "ci_high": self.upper[i, j]})
        return pd.DataFrame(rows)


def _positions(result: ModelResult):
    """(variables, positions of β_k, positions of θ_k or −1) for the explanatory variables."""
    variables = [name for name, kind in zip(result.names, result.kinds) if kind == "x"]
    beta_at = [result.names.index(v) for v in variables]
    theta_at = [result.names.index(lag_name(v)) if lag_name(v) in result.names else -1 for v in variables]
    return variables, np.asarray(beta_at, dtype=int), np.asarray(theta_at, dtype=int)


def compute_effects(result: ModelResult, spectrum=None, draws: int = 1000, seed: int = 1,
                    progress=None) -> EffectsTable:
    """The effects table of ``result`` (``spectrum`` is needed for SAR/SDM)."""
    variables, beta_at, theta_at = _positions(result)
    if result.model in LAG_MODELS:
        return _lag_effects(result, spectrum, variables, beta_at, theta_at, draws, seed, progress)
    return _linear_effects(result, variables, beta_at, theta_at)


def _linear_effects(result, variables, beta_at, theta_at) -> EffectsTable:
    k = len(variables)
    p = len(result.coefficients)
    estimate, se = np.zeros((k, 3)), np.zeros((k, 3))
    for i in range(k):
        rows = np.zeros((3, p))
        rows[0, beta_at[i]] = 1.0
        if theta_at[i] >= 0:
            rows[1, theta_at[i]] = 1.0
        rows[2] = rows[0] + rows[1]
        estimate[i] = rows @ result.coefficients
        se[i] = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", rows, result.vcov, rows), 0.0, None))
    half = 1.959963984540054 * se
    method = (Message("linear in the coefficients: direct β, indirect θ (W·X), standard errors from the "
                      "covariance matrix") if (theta_at >= 0).any()
              else Message("no spatial multiplier: direct effect β, no spillover"))
    return EffectsTable(variables, estimate, se, estimate - half, estimate + half, method)


def lag_effects_at(beta, theta, rho, spectrum) -> np.ndarray:
    """Effects (draws × variables × 3) for arrays of β (draws × k), θ (draws × k) and ρ (draws)."""
    rho = np.atleast_1d(rho)
    m0, m1 = spectrum.inverse_traces(rho)
    t0, t1 = spectrum.total_multipliers(rho)
    direct = beta * m0[:, None] + theta * m1[:, None]
    total = beta * t0[:, None] + theta * t1[:, None]
    return np.stack([direct, total - direct, total], axis=2)


def effects_at(result: ModelResult, samples: np.ndarray, spectrum=None) -> np.ndarray:
    """Effects (draws × variables × 3) of coefficient vectors ``samples`` (draws × p, laid out as
    ``result.coefficients``): through the spatial multiplier for SAR/SDM (``spectrum`` needed), else
    direct β, indirect θ (zero without W·X)."""
    _, beta_at, theta_at = _positions(result)
    samples = np.atleast_2d(samples)
    beta = samples[:, beta_at]
    theta = np.where(theta_at[None, :] >= 0, samples[:, np.maximum(theta_at, 0)], 0.0)
    if result.model in LAG_MODELS:
        return lag_effects_at(beta, theta, samples[:, len(result.coefficients) - 1], spectrum)
    return np.stack([beta, theta, beta + theta], axis=2)


def _lag_effects(result, spectrum, variables, beta_at, theta_at, draws, seed, progress) -> EffectsTable:
    coefficients = result.coefficients
    rho_at = len(coefficients) - 1
    estimate = effects_at(result, coefficients[None, :], spectrum)[0]
    if draws <= 1:
        nan = np.full_like(estimate, np.nan)
        method = Message("none: {draws} simulation draw(s), at least 2 are needed for standard errors; traces "
                         "{traces}", draws=draws, traces=spectrum.description)
        return EffectsTable(variables, estimate, nan, nan, nan, method, draws)
    rng = np.random.default_rng(seed)
    samples, replaced = _draws(rng, coefficients, result.vcov, draws, rho_at, spectrum.lower, spectrum.upper)
    simulated = np.empty((draws, len(variables), 3))
    block = 250
    for start in range(0, draws, block):
        simulated[start:start + block] = effects_at(result, samples[start:start + block], spectrum)
        report(progress, (start + block) / draws)
    se = simulated.std(axis=0, ddof=1)
    lower, upper = np.percentile(simulated, [2.5, 97.5], axis=0)
    method = Message("simulation: {draws} draws from the asymptotic normal distribution of (β, θ, ρ), seed "
                     "{seed}; traces {traces}", draws=draws, seed=seed, traces=spectrum.description)
    return EffectsTable(variables, estimate, se, lower, upper, method, draws, seed, replaced)


def _draws(rng, mean, vcov, draws, rho_at, lower, upper) -> tuple[np.ndarray, int]:
    """``draws`` multivariate normal draws with ρ inside (lower, upper), and how many
    draws outside it were replaced."""
    factor = _cholesky(vcov)
    accepted, rejected = [], 0
    while sum(len(a) for a in accepted) < draws:
        z = rng.standard_normal((draws, len(mean)))
        sample = mean[None, :] + z @ factor.T
        ok = (sample[:, rho_at] > lower) & (sample[:, rho_at] < upper)
        rejected += int((~ok).sum())
        accepted.append(sample[ok])
        if rejected > 100 * draws:
            break
    good = np.concatenate(accepted)[:draws]
    if len(good) < draws:
        raise InputError("The spatial parameter's distribution lies mostly outside its admissible range; the "
                         "effects cannot be simulated. Check the model (ρ is at its bound).")
    return good, rejected


def _cholesky(vcov) -> np.ndarray:
    symmetric = 0.5 * (vcov + vcov.T)
    try:
        return np.linalg.cholesky(symmetric)
    except np.linalg.LinAlgError:
        values, vectors = np.linalg.eigh(symmetric)
        return vectors * np.sqrt(np.clip(values, 0.0, None))[None, :]
