"""The entry point of ``resilience:scenario``: what a policy that raises one regressor in chosen
cities does to the outcome of every city, through the fitted model's reduced form.

The model is the one ``resilience:spatialdurbin`` fits (``run_spillover`` with the same
specification, without the comparison models): its coefficients, covariance and effects are
reused, nothing is fitted twice. For a change ``Δx`` of regressor k (zero outside the chosen
cities) the predicted change of the outcome is

* SAR/SDM: ``Δy = (I − ρW)⁻¹(β_k Δx + θ_k WΔx)``  (θ_k = 0 for the SAR or a variable without W·X),
* SLX/SDEM: ``Δy = β_k Δx + θ_k WΔx``,  OLS/SEM: ``Δy = β_k Δx`` (no spillover).

With ``S = (I − ρW)⁻¹(β_k I + θ_k W)`` a city's **own** change is the diagonal part ``S_ii Δx_i``
(what its own investment does to it, feedback through its neighbours included) and the change it
**receives** is ``Σ_{j≠i} S_ij Δx_j``. When Δx is one unit in every city the mean own change is the
direct effect, the mean received change the indirect effect, their sum the total effect (LeSage and
Pace 2009, §2.7).

Computation: one sparse LU of ``I − ρW`` (SuperLU); the total change is one solve. The diagonals
``[(I − ρW)⁻¹]_ii`` and ``[(I − ρW)⁻¹W]_ii`` at the chosen cities: for a few chosen cities one
transposed solve each (its row of the inverse), in small blocks; for many (up to
:data:`SELECTED_LIMIT` units) the *selected inverse* of the LU factors (Takahashi, Fagan and Chen
1973; Erisman and Tinney 1975): the entries of the inverse on the transposed pattern of L + U, which
holds the diagonal and the pattern of Wᵀ, from the recurrences ``Z = D⁻¹L⁻¹ + (I − Ũ)Z = Ũ⁻¹D⁻¹ +
Z(I − L)`` (U = DŨ) run backwards, exact (to rounding) and about one LU's work instead of one
solve per city (all 2,848 counties: 0.1 s against 0.4 s per value of ρ).

Inference, as the effects (:mod:`.effects`): for SAR/SDM the same seeded draws of (β, θ, ρ) from
N(θ̂, V̂) that the effects use (so with one unit everywhere the intervals are the effects'), each
city's change and the totals for every draw, and the 2.5 % and 97.5 % percentiles. The change is
linear in (β, θ) and analytic in ρ: it is computed exactly at Chebyshev points spanning the drawn ρ
and interpolated to each draw (the number of points doubles until the interpolation agrees with
exact solves between them to 1e-8 relative; the sums of the own parts, which cost one solve per
chosen city and point, use the first number of points that reached 1e-5, far below the
simulation's own error). For SLX/SDEM/OLS/SEM the change is linear in the coefficients:
standard errors from the covariance matrix, normal 95 % intervals.
"""

# ruff: noqa: N803, N806 - matrix notation (W, X, Z, T...) as in the econometrics literature
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..errors import InputError, Message, preview
from ..progress import report, span
from .data import PanelData
from .design import LAG_MODELS, lag_name
from .effects import _draws
from .options import CHANGE_KINDS
from .spillover import SpilloverResult, SpilloverSpec, run_spillover

#: Columns of the sparse right-hand sides solved at once (larger blocks are slower with threaded BLAS).
BLOCK = 8
Z95 = 1.959963984540054
#: Relative accuracy of the interpolation in ρ of each city's change, checked against exact solves.
INTERPOLATION_TOLERANCE = 1e-8
#: The same for the sums of the own parts (the diagonals cost one solve per chosen city and point:
#: fewer points, as the changes' interpolation error at them shows).
SUMS_TOLERANCE = 1e-5
MAX_NODES = 129
#: Largest n for the selected inverse (it works in a dense n × n buffer: 128 MB at this n).
SELECTED_LIMIT = 4000


@dataclass
class Policy:
    """Raise ``regressor`` in the ``chosen`` units (ids; None: every unit) by ``delta``
    (``absolute``), by ``delta`` percent of its value (``percent``) or up to ``delta``
    (``target``: units already there do not change). Baseline values: the latest year."""

    regressor: str
    kind: str = "absolute"
    delta: float = 1.0
    chosen: object = None

    def __post_init__(self):
        if self.kind not in CHANGE_KINDS:
            raise InputError("Unknown kind of change “{kind}”; use one of {kinds}.", kind=self.kind,
                             kinds=", ".join(CHANGE_KINDS))
        if self.delta is None or not np.isfinite(float(self.delta)):
            raise InputError("The change of the policy variable must be a finite number (e.g. 0.1).")


@dataclass
class Total:
    """A total over all cities: estimate and 95 % interval (NaN without inference)."""

    estimate: float
    low: float
    high: float


@dataclass
class ScenarioResult:
    unit_ids: np.ndarray
    chosen: np.ndarray  # bool per unit
    baseline: np.ndarray  # the regressor's value (latest year)
    dx: np.ndarray  # the policy's change of the regressor
    own: np.ndarray
    received: np.ndarray
    total: np.ndarray
    low: np.ndarray  # 95 % interval of each city's total change
    high: np.ndarray
    totals: dict  # "own", "received", "total" -> Total (sums over the cities)
    policy: Policy
    model: SpilloverResult
    method: Message
    #: Simulated (β, θ, ρ) of the policy variable (draws × 3) for SAR/SDM, else None.
    samples: np.ndarray | None = None
    #: Chebyshev points of ρ used for each city's change and for the sums of the own parts.
    nodes: tuple = (0, 0)
    notes: list = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.unit_ids)

    def frame(self) -> pd.DataFrame:
        """One row per unit: the policy's change and the predicted changes."""
        return pd.DataFrame({"unit": self.unit_ids, "chosen": self.chosen.astype(int), "baseline": self.baseline,
                             "dx": self.dx, "own": self.own, "received": self.received, "total": self.total,
                             "ci_low": self.low, "ci_high": self.high})


# ------------------------------------------------------------------ policy
def baseline_values(data: PanelData, regressor: str) -> np.ndarray:
    """The regressor's values in the latest year (the cross-section's values)."""
    return data.column(regressor).reshape(data.T, data.n)[-1]


def policy_change(policy: Policy, baseline: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """Δx per unit (zero outside ``chosen``)."""
    delta = float(policy.delta)
    if policy.kind == "absolute":
        dx = np.full(len(baseline), delta)
    elif policy.kind == "percent":
        dx = baseline * delta / 100.0
    else:
        dx = np.maximum(delta - baseline, 0.0)
    return np.where(chosen, dx, 0.0)


def chosen_mask(policy: Policy, unit_ids: np.ndarray, notes: list) -> np.ndarray:
    if policy.chosen is None:
        return np.ones(len(unit_ids), dtype=bool)
    wanted = pd.Index(pd.unique(np.asarray(policy.chosen, dtype=object)))
    index = pd.Index(np.asarray(unit_ids, dtype=object))
    mask = index.isin(wanted)
    outside = wanted[~wanted.isin(index)]
    if len(outside):
        notes.append(Message("{count} chosen unit(s) are not in the model (left out for missing values or as "
                             "islands) and get no change: {units}.", count=len(outside), units=preview(outside)))
    if not mask.any():
        raise InputError("No city is chosen for the policy: choose cities (selected features, an expression or a "
                         "field with 1 for the chosen cities) that are in the model.")
    return mask


# ------------------------------------------------------------------ algebra
def _positions(result, regressor: str) -> tuple[int, int]:
    beta_at = result.names.index(regressor)
    theta_at = result.names.index(lag_name(regressor)) if lag_name(regressor) in result.names else -1
    return beta_at, theta_at


class _ReducedForm:
    """``(I − ρW)⁻¹`` applied to Δx and WΔx, and its diagonal parts at the chosen units."""

    def __init__(self, W, dx: np.ndarray, chosen: np.ndarray):
        self.W = sp.csr_matrix(W, dtype=np.float64)
        self.Wc = self.W.tocsc()
        self.n = self.W.shape[0]
        self.dx = dx
        self.wdx = self.W @ dx
        self.at = np.flatnonzero(chosen & (dx != 0))
        # Many chosen cities: the selected inverse costs about as much as n/8 solves.
        self.selected = self.n <= SELECTED_LIMIT and 8 * len(self.at) >= self.n
        self._buffer = None

    def factor(self, rho: float):
        return spla.splu(sp.csc_matrix(sp.identity(self.n, format="csc") - rho * self.W))

    def vectors(self, lu) -> np.ndarray:
        """``(I − ρW)⁻¹[Δx, WΔx]`` (n × 2)."""
        return lu.solve(np.column_stack([self.dx, self.wdx]))

    def diagonals(self, lu, progress=None) -> tuple[np.ndarray, np.ndarray]:
        """``[(I − ρW)⁻¹]_ii`` and ``[(I − ρW)⁻¹W]_ii`` at the chosen units (rows of the inverse)."""
        at = self.at
        if self.selected:
            d0, d1 = self._selected_diagonals(lu, progress)
            return d0[at], d1[at]
        d0, d1 = np.empty(len(at)), np.empty(len(at))
        for start in range(0, len(at), BLOCK):
            cols = at[start:start + BLOCK]
            width = np.arange(len(cols))
            unit = np.zeros((self.n, len(cols)), order="F")
            unit[cols, width] = 1.0
            rows = lu.solve(unit, trans="T")  # column j: row cols[j] of (I − ρW)⁻¹
            d0[start:start + len(cols)] = rows[cols, width]
            d1[start:start + len(cols)] = np.asarray(self.Wc[:, cols].multiply(rows).sum(axis=0)).ravel()
            report(progress, (start + len(cols)) / len(at))
        return d0, d1


    def _selected_diagonals(self, lu, progress=None) -> tuple[np.ndarray, np.ndarray]:
        """Both diagonals at every unit from the selected inverse of ``lu`` (see the module docstring).

        SuperLU factors ``Pr A Pc = LU``, so ``A⁻¹ = Pc Z Pr`` with ``Z = (LU)⁻¹`` and ``(A⁻¹)_ab =
        Z[perm_c[a], perm_r[b]]``; a unit's diagonal entry and the entries on the pattern of Wᵀ are
        positions of Aᵀ, in the transposed pattern of L + U. Going backwards over i, row i of Z on the
        pattern of L's column i, column i of Z on the pattern of U's row i and Z_ii need only the
        block ``Z[struct(U_i*), struct(L_*i)]`` of later rows and columns, which the LU's fill keeps in
        that pattern: every entry read was written before in the same pass (the buffer needs no zeroing).
        """
        n = self.n
        U = sp.csr_matrix(lu.U)
        inverse_diagonal = 1.0 / U.diagonal()
        upper = sp.csr_matrix(sp.diags(inverse_diagonal) @ sp.triu(U, 1, format="csr"))  # Ũ − I
        lower = sp.tril(sp.csc_matrix(lu.L), -1, format="csc")  # L − I
        u_index, u_ptr, u_data = upper.indices, upper.indptr, upper.data
        l_index, l_ptr, l_data = lower.indices, lower.indptr, lower.data
        if self._buffer is None:
            self._buffer = np.empty((n, n))
        Z = self._buffer
        step = max(1, n // 20)
        for i in range(n - 1, -1, -1):
            if i % step == 0:
                report(progress, (n - i) / n)
            right = u_index[u_ptr[i]:u_ptr[i + 1]]
            below = l_index[l_ptr[i]:l_ptr[i + 1]]
            u_values = u_data[u_ptr[i]:u_ptr[i + 1]]
            if len(right) and len(below):
                block = Z[right[:, None], below]
                Z[i, below] = -(u_values @ block)
                column = -(block @ l_data[l_ptr[i]:l_ptr[i + 1]])
            else:  # Z_ij = −Σ_k Ũ_ik Z_kj over an empty pattern
                Z[i, below] = 0.0
                column = np.zeros(len(right))
            Z[right, i] = column
            Z[i, i] = inverse_diagonal[i] - u_values @ column
        rows, cols = lu.perm_c, lu.perm_r
        d0 = Z[rows, cols]
        links = self.W.tocoo()  # W_ki: row k, column i
        d1 = np.bincount(links.col, Z[rows[links.col], cols[links.row]] * links.data, minlength=n)
        return d0, d1


def _lobatto(k: int) -> np.ndarray:
    """Chebyshev points of the second kind on [−1, 1] (k ≥ 2), from 1 down to −1."""
    return np.cos(np.pi * np.arange(k) / (k - 1))


def _barycentric(nodes: np.ndarray, values: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Polynomial interpolation through (nodes, values[j]) at ``x`` (Chebyshev–Lobatto nodes)."""
    k = len(nodes)
    weights = (-1.0) ** np.arange(k)
    weights[0] *= 0.5
    weights[-1] *= 0.5
    diff = x[:, None] - nodes[None, :]
    exact = diff == 0.0
    diff[exact] = 1.0
    terms = weights[None, :] / diff
    out = (terms @ values) / terms.sum(axis=1)[:, None]
    rows, cols = np.nonzero(exact)
    out[rows] = values[cols]
    return out


def _interpolated(form: _ReducedForm, rho: np.ndarray, progress=None):
    """For each ρ of ``rho``: (n × 2 vectors, Σ own parts' diagonals d0·Δx, d1·Δx), by Chebyshev
    interpolation of exact solves over [min ρ, max ρ] (see the module docstring)."""
    low, high = float(rho.min()), float(rho.max())
    dx_at = form.dx[form.at]
    if high - low <= 1e-12 * max(1.0, abs(low)):
        lu = form.factor(low)
        d0, d1 = form.diagonals(lu)
        vectors = np.broadcast_to(form.vectors(lu).reshape(1, -1), (len(rho), 2 * form.n))
        sums = np.broadcast_to(np.array([[d0 @ dx_at, d1 @ dx_at]]), (len(rho), 2))
        return vectors.reshape(len(rho), form.n, 2), sums, (1, 1)

    def at(t):
        return 0.5 * (low + high) + 0.5 * (high - low) * t

    factors, cache = {}, {}

    def factor(t):
        if t not in factors:
            factors[t] = form.factor(at(t))
        return factors[t]

    def exact(t):
        if t not in cache:
            cache[t] = form.vectors(factor(t)).reshape(-1)
        return cache[t]

    k, k_sums = 3, None
    while True:
        nodes = _lobatto(k)
        fine = _lobatto(2 * k - 1)[1::2]  # the points between the nodes
        values = np.array([exact(t) for t in nodes])
        check = np.array([exact(t) for t in fine])
        error = np.max(np.abs(_barycentric(nodes, values, fine) - check)) / max(np.max(np.abs(check)), 1e-300)
        if k_sums is None and (error <= SUMS_TOLERANCE or k >= MAX_NODES):
            k_sums = k
        if error <= INTERPOLATION_TOLERANCE or k >= MAX_NODES:
            break
        k = 2 * k - 1
    report(progress, 0.2)
    sum_nodes = _lobatto(k_sums)
    sums = np.empty((k_sums, 2))
    for j, t in enumerate(sum_nodes):
        d0, d1 = form.diagonals(factor(t))
        sums[j] = d0 @ dx_at, d1 @ dx_at
        report(progress, 0.2 + 0.8 * (j + 1) / k_sums)
    x = (2.0 * rho - (low + high)) / (high - low)
    vectors = _barycentric(nodes, values, x).reshape(len(rho), form.n, 2)
    return vectors, _barycentric(sum_nodes, sums, x), (k, k_sums)


# --------------------------------------------------------------------- run
def _check_regressor(policy: Policy, names) -> None:
    if policy.regressor not in names:
        raise InputError("The policy variable {name} is not an explanatory variable of the model; add it to the "
                         "explanatory variables or choose one of {choices}.", name=policy.regressor,
                         choices=preview(names))


def run_scenario(data: PanelData, weights, spec: SpilloverSpec, policy: Policy, progress=None) -> ScenarioResult:
    """Fit ``spec`` (as ``resilience:spatialdurbin``) and predict the policy's changes."""
    _check_regressor(policy, data.names)
    spec = dataclasses.replace(spec, compare=False)
    fitted = run_spillover(data, weights, spec, progress=span(progress, 0.0, 0.4))
    return predict(fitted, policy, span(progress, 0.4, 1.0))


def predict(fitted: SpilloverResult, policy: Policy, progress=None) -> ScenarioResult:
    """The policy's changes from a fitted model (``run_spillover``'s result; its spec gives the
    draws and the seed)."""
    model, data = fitted.main, fitted.data
    _check_regressor(policy, data.names)
    notes = [note for note in fitted.notes]
    chosen, baseline, dx = _checked_change(policy, data, notes)
    form = _ReducedForm(fitted.spectrum.W, dx, chosen)
    report(progress, 0.05)
    changes = _lag_changes if model.model in LAG_MODELS else _linear_changes
    own, total, totals, low, high, bounds, method, samples, nodes = changes(fitted, policy, form, dx, chosen,
                                                                            progress)
    received = total - own
    totals["received"] = totals["total"] - totals["own"]
    report(progress, 1.0)
    return ScenarioResult(data.unit_ids, chosen, baseline, dx, own, received, total, np.asarray(low),
                          np.asarray(high),
                          {key: Total(float(totals[key]), float(bounds[key][0]), float(bounds[key][1]))
                           for key in ("own", "received", "total")},
                          policy, fitted, method, samples, nodes, notes)


def _checked_change(policy: Policy, data, notes: list):
    """(chosen cities, baseline values, Δx) of the policy, refused when it changes nothing."""
    chosen = chosen_mask(policy, data.unit_ids, notes)
    baseline = baseline_values(data, policy.regressor)
    dx = policy_change(policy, baseline, chosen)
    if not np.isfinite(dx).all():
        raise InputError("The policy variable {name} has no usable value in some chosen cities.",
                         name=policy.regressor)
    if not (dx != 0).any():
        if policy.kind == "target":
            raise InputError("Every chosen city already has {name} at or above the target {target}: the policy "
                             "changes nothing. Choose a higher target or other cities.", name=policy.regressor,
                             target=policy.delta)
        raise InputError("The policy changes nothing (a change of zero, or {name} is zero in the chosen cities "
                         "for a percentage): choose a change other than zero.", name=policy.regressor)
    if policy.kind == "target":
        notes.append(Message("{count} chosen city(ies) already at or above the target {target} get no change.",
                             count=int((chosen & (dx == 0)).sum()), target=policy.delta))
    return chosen, baseline, dx


def _lag_changes(fitted: SpilloverResult, policy: Policy, form, dx, chosen, progress):
    """Models with a spatial multiplier: exact changes at ρ, intervals by simulating (β, θ, ρ)."""
    spec, model, n = fitted.spec, fitted.main, fitted.data.n
    beta_at, theta_at = _positions(model, policy.regressor)
    coefficients = model.coefficients
    beta = coefficients[beta_at]
    theta = coefficients[theta_at] if theta_at >= 0 else 0.0
    samples = None
    nodes = (0, 0)
    rho = model.spatial
    lu = form.factor(rho)
    vectors = form.vectors(lu)
    d0, d1 = form.diagonals(lu, span(progress, 0.05, 0.3))
    own = np.zeros(n)
    own[form.at] = dx[form.at] * (beta * d0 + theta * d1)
    total = beta * vectors[:, 0] + theta * vectors[:, 1]
    totals = {"own": float(own.sum()), "total": float(total.sum())}
    low = high = np.full(n, np.nan)
    bounds = {key: (np.nan, np.nan) for key in ("own", "received", "total")}
    if spec.draws > 1:
        rng = np.random.default_rng(spec.seed)  # the effects' generator and draws
        drawn, _ = _draws(rng, coefficients, model.vcov, spec.draws, len(coefficients) - 1,
                          fitted.spectrum.lower, fitted.spectrum.upper)
        b = drawn[:, beta_at]
        t = drawn[:, theta_at] if theta_at >= 0 else np.zeros(len(drawn))
        r = drawn[:, -1]
        samples = np.column_stack([b, t, r])
        simulated_vectors, sums, nodes = _interpolated(form, r, span(progress, 0.3, 0.95))
        city = b[:, None] * simulated_vectors[:, :, 0] + t[:, None] * simulated_vectors[:, :, 1]
        low, high = np.percentile(city, [2.5, 97.5], axis=0)
        sum_own = b * sums[:, 0] + t * sums[:, 1]
        sum_total = city.sum(axis=1)
        for key, values in (("own", sum_own), ("received", sum_total - sum_own), ("total", sum_total)):
            bounds[key] = tuple(np.percentile(values, [2.5, 97.5]))
        method = Message("simulation: the effects' {draws} draws of (β, θ, ρ), seed {seed}; each city's change "
                         "from sparse LU solves at {nodes} Chebyshev points of ρ (the sums of the own parts at "
                         "{sum_nodes}), interpolated to each draw; 95 % intervals from the 2.5 and 97.5 "
                         "percentiles", draws=spec.draws, seed=spec.seed, nodes=nodes[0], sum_nodes=nodes[1])
    else:
        method = Message("none: {draws} simulation draw(s), at least 2 are needed for intervals",
                         draws=spec.draws)
    return own, total, totals, low, high, bounds, method, samples, nodes


def _linear_changes(fitted: SpilloverResult, policy: Policy, form, dx, chosen, progress):
    """Models without a multiplier: changes linear in (β, θ), normal intervals from the covariance."""
    model, W = fitted.main, fitted.spectrum.W
    beta_at, theta_at = _positions(model, policy.regressor)
    coefficients = model.coefficients
    beta = coefficients[beta_at]
    theta = coefficients[theta_at] if theta_at >= 0 else 0.0
    own = np.where(chosen, dx * (beta + theta * W.diagonal()), 0.0)
    total = beta * dx + theta * form.wdx
    totals = {"own": float(own.sum()), "total": float(total.sum())}
    V = model.vcov
    vbb = V[beta_at, beta_at]
    vtt = V[theta_at, theta_at] if theta_at >= 0 else 0.0
    vbt = V[beta_at, theta_at] if theta_at >= 0 else 0.0

    def se(a, c):  # standard error of a·β + c·θ
        return np.sqrt(np.clip(a * a * vbb + 2.0 * a * c * vbt + c * c * vtt, 0.0, None))

    half = Z95 * se(dx, form.wdx)
    low, high = total - half, total + half
    own_c = np.where(chosen, dx * W.diagonal(), 0.0)  # θ-coefficient of the own parts
    parts = {"own": (dx.sum(), own_c.sum()), "total": (dx.sum(), form.wdx.sum())}
    parts["received"] = (0.0, parts["total"][1] - parts["own"][1])
    bounds = {}
    for key, (a, c) in parts.items():
        estimate = beta * a + theta * c
        h = Z95 * float(se(a, c))
        bounds[key] = (estimate - h, estimate + h)
    method = (Message("linear in the coefficients: standard errors from the covariance matrix, normal 95 % "
                      "intervals") if theta_at >= 0
              else Message("no spatial multiplier and no W·X term for the policy variable: each city's change "
                           "is its own (β·Δx), there is no spillover; normal 95 % intervals"))
    return own, total, totals, low, high, bounds, method, None, (0, 0)
