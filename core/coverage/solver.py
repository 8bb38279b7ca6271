"""The mixed-integer solver: HiGHS through highspy.

Why HiGHS and not spopt's PuLP + CBC: on the hard instances it is stronger (the 2,848
county points of China at 300 km, reduced: HiGHS with ``models.PROOF_OPTIONS`` proves
46 cores optimal in about 13 s, where CBC still has the LP bound 44.5 after 120 s; see
bench/bench_coverage.py; on easy ones CBC can be as quick); highspy takes the
sparse constraint matrix as arrays (PuLP builds one Python object per coefficient and
writes an MPS file); and it reports the status, the best bound and the gap directly,
whereas PuLP reports a CBC run stopped by its time limit as "Optimal".

Problems here are   optimise c·x  subject to  row_lower ≤ A x ≤ row_upper,
col_lower ≤ x ≤ col_upper, x_j integer where ``integer``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..errors import Cancelled, InputError
from ..progress import cancel_check, report

INFINITY = float("inf")
#: Relative MIP gap at which a solution counts as optimal (HiGHS's mip_rel_gap; its default is 1e-4).
#: The reports say "proven optimal: no better solution exists", which HiGHS's default does not
#: prove for a weighted objective: maximal covering of the sample stopped 0.008 % short of its bound
#: (124,602.71 against 124,612.89). Closing the gap cost 1–2 % more time there (15 nodes instead of
#: 11, the same cover; measured alternately, 12.3–12.6 s against 12.2–12.4 s on a loaded machine).
GAP_TOLERANCE = 1e-9


@dataclass
class MipResult:
    """What the solver found and how sure it is."""

    status: str  # "optimal", "time limit", "infeasible", "interrupted", or HiGHS's own words
    optimal: bool  # proven optimal (relative gap within GAP_TOLERANCE)
    objective: float | None
    bound: float | None  # best proven bound on the objective
    gap: float | None  # relative gap |objective − bound| / |objective|
    seconds: float
    nodes: int
    x: np.ndarray | None  # variable values (None without a feasible solution)

    @property
    def has_solution(self) -> bool:
        return self.x is not None

    def gap_or(self, unknown: float) -> float:
        """0 when proven optimal, else the relative gap, or ``unknown`` when there is none."""
        if self.optimal:
            return 0.0
        return self.gap if self.gap is not None else unknown


def _highspy():
    try:
        import highspy
    except ImportError as error:  # pragma: no cover - the algorithm checks REQUIRES first
        raise InputError(
            "The HiGHS solver (Python package highspy) is missing; install it with "
            "pip install highspy and run again."
        ) from error
    return highspy


def solve_mip(
    cost,
    matrix: sp.spmatrix,
    row_lower,
    row_upper,
    col_lower,
    col_upper,
    integer,
    maximize: bool = False,
    time_limit: float = 60.0,
    progress=None,
    start=None,
    options: dict | None = None,
) -> MipResult:
    """Solve the problem with HiGHS within ``time_limit`` seconds.

    ``progress(fraction)`` is called as the solver runs (the share of the MIP gap closed
    since the first feasible solution, or of the time limit used if that is more); when
    it raises :class:`Cancelled` the solver is interrupted and the exception propagates.
    ``start``: a feasible solution to begin from (kept if the time runs out before a better
    one is found). ``options``: HiGHS options for this
    problem (e.g. :data:`models.PROOF_OPTIONS`); one this HiGHS version does not know is
    skipped.
    """
    highspy = _highspy()
    integer = np.asarray(integer, dtype=bool)
    h = _model(highspy, cost, matrix, row_lower, row_upper, col_lower, col_upper, integer, maximize, time_limit,
               start, options)
    watch = _SolveProgress(highspy, time_limit, progress)
    watch.attach(h)
    h.run()
    seconds = time.perf_counter() - watch.started
    if watch.cancelled:
        raise watch.cancelled[0]
    return _result(h, highspy, len(cost), integer.any(), seconds)


def _model(highspy, cost, matrix, row_lower, row_upper, col_lower, col_upper, integer, maximize: bool,
           time_limit: float, start, options):
    """A HiGHS instance holding the problem (one thread, quiet), with ``options`` and the ``start``."""
    cost = np.asarray(cost, dtype=float)
    n_cols = len(cost)
    csr = sp.csr_matrix(matrix, dtype=float)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("threads", 1)
    h.setOptionValue("mip_rel_gap", GAP_TOLERANCE)
    for name, value in (options or {}).items():
        h.setOptionValue(name, value)  # returns an error status, without raising, if unknown
    h.addVars(n_cols, np.asarray(col_lower, dtype=float), np.asarray(col_upper, dtype=float))
    columns = np.arange(n_cols, dtype=np.int32)
    h.changeColsCost(n_cols, columns, cost)
    if integer.any():
        which = np.flatnonzero(integer).astype(np.int32)
        h.changeColsIntegrality(len(which), which,
                                np.full(len(which), highspy.HighsVarType.kInteger))
    if csr.shape[0]:
        h.addRows(csr.shape[0], np.asarray(row_lower, dtype=float), np.asarray(row_upper, dtype=float),
                  csr.nnz, csr.indptr[:-1].astype(np.int32), csr.indices.astype(np.int32), csr.data)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize)
    if start is not None:
        initial = highspy.HighsSolution()
        initial.col_value = [float(v) for v in start]
        initial.value_valid = True
        h.setSolution(initial)
    return h


class _SolveProgress:
    """Progress and cancel for a HiGHS run: its interrupt callbacks report how far the solve is and
    stop it when the caller's cancel check (taken in the calling thread) says so."""

    def __init__(self, highspy, time_limit: float, progress):
        self.mip_interrupt = highspy.cb.HighsCallbackType.kCallbackMipInterrupt
        self.time_limit = time_limit
        self.progress = progress
        self.started = time.perf_counter()
        self.cancelled: list[BaseException] = []
        self.last_report = self.started
        self.shown = 0.0  # the fraction last reported: progress never goes back
        self.first_gap: float | None = None
        self.check = cancel_check()

    def attach(self, h) -> None:
        if self.progress is not None or self.check is not None:
            h.cbMipInterrupt += self.interrupt
            h.cbSimplexInterrupt += self.interrupt

    def fraction(self, event, now: float) -> float:
        """How far the solve is: the share of the MIP gap closed since the first feasible
        solution (HiGHS reports the gap as it improves the incumbent and the bound), or the
        share of the time limit used, whichever is further."""
        done = (now - self.started) / max(self.time_limit, 1e-9)
        gap = getattr(event.data_out, "mip_gap", None) if event.callback_type == self.mip_interrupt else None
        if gap is not None and np.isfinite(gap) and 0 <= gap < 1e30:
            if self.first_gap is None and gap > GAP_TOLERANCE:
                self.first_gap = gap
            if self.first_gap is not None:  # on a log scale: from the first gap down to HiGHS's tolerance (0.01 %)
                first = self.first_gap
                closed = np.log(first / max(gap, GAP_TOLERANCE)) / np.log(first / GAP_TOLERANCE)
                done = max(done, min(max(closed, 0.0), 1.0))
        self.shown = max(self.shown, min(done, 0.99))
        return self.shown

    def interrupt(self, event) -> None:
        # HiGHS calls this very often (every simplex iteration): report ten times a second
        if self.cancelled:
            event.interrupt()
            return
        now = time.perf_counter()
        done = self.fraction(event, now)  # every event: a gap HiGHS reports between two reports counts
        if now - self.last_report < 0.1:
            return
        self.last_report = now
        try:
            if self.check is not None and self.check():  # the caller's check, whichever thread HiGHS calls from
                raise Cancelled()
            report(self.progress, done)
        except Cancelled as error:
            self.cancelled.append(error)
            event.interrupt()


def _result(h, highspy, n_cols: int, is_mip: bool, seconds: float) -> MipResult:
    status = h.getModelStatus()
    info = h.getInfo()
    names = {
        highspy.HighsModelStatus.kOptimal: "optimal",
        highspy.HighsModelStatus.kTimeLimit: "time limit",
        highspy.HighsModelStatus.kInfeasible: "infeasible",
        highspy.HighsModelStatus.kInterrupt: "interrupted",
    }
    name = names.get(status, h.modelStatusToString(status))
    solution = h.getSolution()
    has_solution = info.primal_solution_status == 2 and len(solution.col_value) == n_cols
    x = np.asarray(solution.col_value, dtype=float) if has_solution else None
    objective = float(info.objective_function_value) if has_solution else None
    if is_mip:
        bound = float(info.mip_dual_bound)
        gap = float(info.mip_gap) if has_solution else None
        nodes = int(info.mip_node_count)
    else:
        bound, gap, nodes = objective, (0.0 if has_solution else None), 0
    if bound is not None and not np.isfinite(bound):
        bound = None
    optimal = status == highspy.HighsModelStatus.kOptimal and has_solution
    if optimal and gap is not None and gap < 1e-9:
        gap = 0.0
    return MipResult(name, optimal, objective, bound, gap, seconds, nodes, x)
