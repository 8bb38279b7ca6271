"""Direct, indirect and total effects by unit group when a variable's coefficients differ between groups.

In the heterogeneity interaction model the key variable enters as ``x·1[i ∈ g]`` for each group g,
so unit i has the coefficients β_g(i) (and θ_g(i) for its W-lag in Durbin models) and the effect
matrix of raising x is (LeSage and Pace 2009, §2.7)

    S = (I − ρW)⁻¹ (diag(β_g(i)) + W diag(θ_g(i)))     (SAR, SDM; without the inverse for SLX, SDEM).

Column j of S is the effect of raising x in unit j on every unit (in one year: in a panel W acts
within a year, so the effects are per year, as the effects of :mod:`.effects`). For group g:

    direct_g   = mean over j ∈ g of S_jj                        = β_g·d0_g + θ_g·d1_g
    total_g    = mean over j ∈ g of the column sum Σ_i S_ij     = β_g·c0_g + θ_g·c1_g
    indirect_g = total_g − direct_g

with d0_g, d1_g the means over g of the diagonals of (I − ρW)⁻¹ and (I − ρW)⁻¹W, and c0_g, c1_g the
means over g of their column sums. n_g·c_g is the sum of (I − ρW)⁻¹[1_g, W1_g] and n_g·d_g the sum
of the diagonals over g: the "total" and "own" sums of a scenario that raises x by one in the units
of g, so they come from the scenario's reduced form (:mod:`.scenario`: sparse LU solves, the
diagonals from rows of the inverse; for the draws, Chebyshev interpolation in ρ between exact
solves). A group of every unit (groups by period) has the effects' traces (:mod:`.effects`).

Inference: the effects' own simulation (:func:`.effects._draws` with the same seed, so the other
variables' effects and these come from the same draws of (β, θ, ρ) from N(θ̂, V̂)); the groups'
effects are computed draw by draw, so their covariance, and that of their differences, is the
draws' joint distribution. SLX/SDEM: the effects are linear in (β_g, θ_g), with d1_g the mean of
W's diagonal and c1_g the mean column sum of W over g: exact covariance from V̂. OLS/SEM: direct
β_g, no spillover.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import Message
from ..progress import report, span
from .design import LAG_MODELS
from .effects import KINDS, _draws
from .scenario import _interpolated, _ReducedForm


@dataclass
class GroupEffects:
    """The effects of one variable in each group: (groups, 3) arrays in the order of ``effects.KINDS``."""

    estimate: np.ndarray
    se: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    method: Message
    #: Lag models: the simulated effects (draws × groups × 3); None without draws.
    simulated: np.ndarray | None = None
    #: Linear models: effects = rows @ coefficients (groups × 3 × p), with the model's covariance.
    rows: np.ndarray | None = None
    vcov: np.ndarray | None = None

    @property
    def inferred(self) -> bool:
        return bool(np.isfinite(self.se).any())

    def covariance(self, kind: str) -> np.ndarray:
        """The groups' joint covariance (groups × groups) of one kind of effect (NaN without inference)."""
        j = KINDS.index(kind)
        if self.simulated is not None:
            return np.atleast_2d(np.cov(self.simulated[:, :, j], rowvar=False, ddof=1))
        if self.rows is not None:
            rows = self.rows[:, j]
            return rows @ self.vcov @ rows.T
        return np.full((len(self.estimate),) * 2, np.nan)

    def difference_se(self, first: int, second: int, kind: str) -> float:
        """The standard error of group ``first``'s effect minus group ``second``'s."""
        c = self.covariance(kind)
        return float(np.sqrt(max(c[first, first] + c[second, second] - 2.0 * c[first, second], 0.0)))


def group_effects(result, spectrum, terms: list, members: list, draws: int = 1000, seed: int = 1,
                  progress=None) -> GroupEffects:
    """The effects of one variable by group.

    ``terms``: (name of β_g, name of θ_g or None) per group in ``result``; ``members``: each group's
    unit positions (in W's order; None: every unit); ``draws``, ``seed``: as :func:`.effects.compute_effects`.
    """
    positions = [(result.names.index(beta), result.names.index(theta) if theta else -1) for beta, theta in terms]
    beta_at = np.array([b for b, _ in positions])
    theta_at = np.array([t for _, t in positions])
    if result.model in LAG_MODELS:
        return _lag(result, spectrum, beta_at, theta_at, members, draws, seed, progress)
    return _linear(result, spectrum.W, beta_at, theta_at, members)


def _split(samples, beta_at, theta_at):
    beta = samples[:, beta_at]
    theta = np.where(theta_at[None, :] >= 0, samples[:, np.maximum(theta_at, 0)], 0.0)
    return beta, theta


def _effects(beta, theta, multipliers) -> np.ndarray:
    """(draws × groups × 3) effects from β, θ (draws × groups) and the multipliers (draws × groups × 4)."""
    direct = beta * multipliers[..., 0] + theta * multipliers[..., 1]
    total = beta * multipliers[..., 2] + theta * multipliers[..., 3]
    return np.stack([direct, total - direct, total], axis=2)


def multipliers(spectrum, members: list, rho, progress=None) -> np.ndarray:
    """(d0, d1, c0, c1) of each group (see the module docstring) for each ρ: (len(rho) × groups × 4).
    Exact solves for a single ρ; interpolated in ρ (the scenario's Chebyshev points) for several."""
    rho = np.atleast_1d(np.asarray(rho, dtype=np.float64))
    out = np.empty((len(rho), len(members), 4))
    n = spectrum.n
    for g, units in enumerate(members):
        step = span(progress, g / len(members), (g + 1) / len(members))
        if units is None:
            out[:, g, 0], out[:, g, 1] = spectrum.inverse_traces(rho)
            out[:, g, 2], out[:, g, 3] = spectrum.total_multipliers(rho)
            report(step, 1.0)
            continue
        indicator = np.zeros(n)
        indicator[units] = 1.0
        form = _ReducedForm(spectrum.W, indicator, indicator > 0)
        size = float(len(form.at))
        if len(rho) == 1:
            lu = form.factor(float(rho[0]))
            d0, d1 = form.diagonals(lu, step)
            vectors = form.vectors(lu)
            out[0, g] = d0.sum() / size, d1.sum() / size, vectors[:, 0].sum() / size, vectors[:, 1].sum() / size
        else:
            vectors, sums, _ = _interpolated(form, rho, step)
            out[:, g, :2] = sums / size
            out[:, g, 2:] = vectors.sum(axis=1) / size
    return out


def _lag(result, spectrum, beta_at, theta_at, members, draws, seed, progress) -> GroupEffects:
    coefficients = result.coefficients
    rho_at = len(coefficients) - 1
    beta, theta = _split(coefficients[None, :], beta_at, theta_at)
    estimate = _effects(beta, theta, multipliers(spectrum, members, coefficients[rho_at], span(progress, 0, 0.3)))[0]
    if draws <= 1:
        nan = np.full_like(estimate, np.nan)
        return GroupEffects(estimate, nan, nan, nan, Message("none: {draws} simulation draw(s), at least 2 are "
                                                             "needed for standard errors", draws=draws))
    samples, _ = _draws(np.random.default_rng(seed), coefficients, result.vcov, draws, rho_at, spectrum.lower,
                        spectrum.upper)
    beta, theta = _split(samples, beta_at, theta_at)
    simulated = _effects(beta, theta, multipliers(spectrum, members, samples[:, rho_at], span(progress, 0.3, 1.0)))
    lower, upper = np.percentile(simulated, [2.5, 97.5], axis=0)
    method = Message("simulated: the effects' {draws} draws of (β, θ, ρ) (seed {seed}), the groups' effects and "
                     "their differences computed draw by draw (joint draws)", draws=draws, seed=seed)
    return GroupEffects(estimate, simulated.std(axis=0, ddof=1), lower, upper, method, simulated=simulated)


def _linear(result, weights, beta_at, theta_at, members) -> GroupEffects:
    p = len(result.coefficients)
    diagonal = weights.diagonal()
    column_sums = np.asarray(weights.sum(axis=0)).ravel()
    rows = np.zeros((len(members), 3, p))
    for g, units in enumerate(members):
        units = slice(None) if units is None else units
        rows[g, 0, beta_at[g]] = rows[g, 2, beta_at[g]] = 1.0
        if theta_at[g] >= 0:
            rows[g, 0, theta_at[g]] = diagonal[units].mean()
            rows[g, 2, theta_at[g]] = column_sums[units].mean()
        rows[g, 1] = rows[g, 2] - rows[g, 0]
    estimate = rows @ result.coefficients
    se = np.sqrt(np.clip(np.einsum("gkp,pq,gkq->gk", rows, result.vcov, rows), 0.0, None))
    half = 1.959963984540054 * se
    method = Message("linear in the coefficients: standard errors of the effects and of their differences from "
                     "the joint covariance matrix")
    return GroupEffects(estimate, se, estimate - half, estimate + half, method, rows=rows, vcov=result.vcov)
