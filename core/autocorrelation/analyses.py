"""The four analyses as the Processing algorithms call them (one function each).

Each takes a :class:`~.runs.LayerUnits` (the layer's rows, the weights of its units), plans
the runs (fields × years), drops or refuses NULL values per run, computes the
statistic and returns plain results: a table for the global statistics, output
columns (plain names, or ``STEM_YYYY`` per year) for the local ones. Messages for the
user (dropped units, islands, skipped statistics) come back as
:class:`~core.errors.Message` objects: an English template plus values, translated by the
caller like ``InputError``; so are the output fields' aliases.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError, Message, preview
from ..progress import report, span
from .base import MINIMUM_UNITS, check_varies
from .clusters import GEARY_LABELS, LISA_LABELS, NO_DATA
from .geary import Geary
from .getis_ord import GeneralG
from .global_permutation import shared_matrix
from .local_geary import LocalGeary
from .local_getis_ord import LocalG
from .local_moran import LocalMoran, LocalMoranBV
from .moran import Moran, MoranBV, permute_together
from .options import ANALYTICAL_INFERENCE, DEFAULT_INFERENCE, LOCAL_KINDS, STATISTICS, InferenceSpec
from .runs import (
    LayerUnits,
    OutputField,
    Run,
    Selection,
    differential_run,
    long_columns,
    plan_runs,
    run_columns,
    select,
)
from .runs import wide_columns as _wide_columns

TABLE_COLUMNS = ["field", "column", "year", "statistic", "inference", "value", "expected", "variance", "z",
                 "p_value", "units", "perms", "alternative"]


#: The kinds of inference of the global table, as it stores them (translated in captions).
INFERENCES = NORMALITY, RANDOMISATION, PERMUTATION = (
    Message("normality"), Message("randomisation"), Message("permutation"))


def _selection_notes(selection: Selection) -> list[Message]:
    notes = []
    if selection.dropped:
        notes.append(Message("{run}: {count} unit(s) with NULL values left out: {ids}.",
                             run=selection.run.title, count=len(selection.dropped), ids=preview(selection.dropped)))
    islands = selection.weights.islands
    if len(islands):
        notes.append(Message("{run}: {count} unit(s) without neighbours, not tested (“No neighbours”): {ids}.",
                             run=selection.run.title, count=len(islands),
                             ids=preview(selection.weights.ids[islands])))
    return notes


# ------------------------------------------------------------------------ global
@dataclass
class GlobalResult:
    table: pd.DataFrame
    notes: list[Message]


def global_autocorrelation(panel: LayerUnits, fields, all_years: bool = False, statistics=STATISTICS,
                           inference: InferenceSpec = DEFAULT_INFERENCE, nulls: str = "drop",
                           progress=None) -> GlobalResult:
    """Moran's I, Geary's C and General G of every field (and year): one table row per
    field, year, statistic and kind of inference (``inference``: permutations, seed and the
    alternative; its alpha and correction are for local statistics)."""
    unknown = [s for s in statistics if s not in STATISTICS]
    if unknown or not statistics:
        raise InputError("Choose at least one statistic among {choices}.", choices=", ".join(STATISTICS))
    if not fields:
        raise InputError("Choose at least one numeric field.")
    runs = [run for name in fields for run in plan_runs(panel, name, all_years)]
    notes, computed, matrices = [], [], []
    # The analytical part first (a small share of the time), then the permutations of every
    # statistic and year together: the same draws for all, drawn once (moran.permute_together).
    analytical = span(progress, 0.0, 0.1 if inference.permutations else 1.0)
    for r, run in enumerate(runs):
        selection = select(panel, run, nulls)
        notes.extend(_selection_notes(selection))
        values = selection.values[0]
        for statistic in statistics:
            common = {"permutations": 0, "alternative": inference.alternative, "label": run.title}
            if statistic == "moran":
                result = Moran(values, selection.weights, **common)
            elif statistic == "geary":
                result = Geary(values, selection.weights, **common)
            else:
                if (values < 0).any():
                    notes.append(Message("{run}: General G skipped, it needs values of zero or more ({count} "
                                         "negative).", run=run.title, count=int((values < 0).sum())))
                    continue
                result = GeneralG(values, selection.weights, **common)
            result.form = shared_matrix(result.form, matrices)
            computed.append((run, statistic, result))
        report(analytical, (r + 1) / len(runs))
    permute_together([result for _, _, result in computed], inference.permutations, inference.seed,
                     span(progress, 0.1, 1.0))
    rows = []
    for run, statistic, result in computed:
        if statistic == "moran":
            kinds = [(NORMALITY, result.EI, result.VI_norm, result.z_norm, result.p_norm),
                     (RANDOMISATION, result.EI, result.VI_rand, result.z_rand, result.p_rand)]
        elif statistic == "geary":
            kinds = [(NORMALITY, result.EC, result.VC_norm, result.z_norm, result.p_norm),
                     (RANDOMISATION, result.EC, result.VC_rand, result.z_rand, result.p_rand)]
        else:
            kinds = [(RANDOMISATION, result.EG, result.VG, result.z_rand, result.p_rand)]
        if result.permutations:
            kinds.append((PERMUTATION, result.EI_sim, result.VI_sim, result.z_sim, result.p_sim))
        for method, expected, variance, z, p in kinds:
            rows.append([run.stem, run.columns[0], run.year, str(result.name), str(method),
                         result.statistic, expected, variance, z, p, result.n,
                         result.permutations if method == PERMUTATION else 0, inference.alternative])
    report(progress, 1.0)
    if not rows:
        raise InputError("Nothing could be computed: General G needs values of zero or more; choose Moran's I or "
                         "Geary's C as well, or variables without negative values.")
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    table["year"] = table["year"].astype("Int64")
    table["units"] = table["units"].astype("int64")
    table["perms"] = table["perms"].astype("int64")
    return GlobalResult(table, notes)


# ------------------------------------------------------------------------- local
@dataclass
class LocalRun:
    run: Run
    selection: Selection
    result: object
    columns: pd.DataFrame  # plain names, indexed by row position
    global_statistic: float = float("nan")  # Moran's I (or bivariate I) of the run, for plots


@dataclass
class LocalAnalysis:
    """The local statistic of every run, and how to lay its columns out."""

    statistic: str  # "local_moran", "local_geary", "hotspots"
    kind: str
    fields: list[OutputField]
    runs: list[LocalRun]
    n_rows: int
    long: bool
    notes: list[Message]

    @property
    def per_year(self) -> bool:
        return len(self.runs) > 1

    def columns(self) -> tuple[pd.DataFrame, dict]:
        """All runs in one layer: (columns by row position, {name: (alias, run title)})."""
        pairs = [(r.run, r.columns) for r in self.runs]
        if self.long:
            return long_columns(pairs, self.fields, self.n_rows)
        return _wide_columns(pairs, self.fields, self.n_rows, self.per_year)

    def layer_columns(self, local_run: LocalRun) -> tuple[pd.DataFrame, dict]:
        """One run as its own layer: (its rows' columns, {name: (alias, run title)})."""
        return local_run.columns, {f.name: (f.alias, local_run.run.title) for f in self.fields}


def _islands_null(result, values):
    values = np.asarray(values, dtype=np.float64).copy()
    values[result.islands] = np.nan
    return values


def _p_fields(prefix: str, stem: str, correction: str, long_alias: str) -> list[OutputField]:
    fields = [OutputField(f"{prefix}_P", f"{stem}P", long_alias, "float", lambda r: r.p)]
    if correction != "none":
        fields.append(OutputField(f"{prefix}_PADJ", f"{stem}PADJ"[:5],
                                  Message("p-value adjusted ({correction})", correction=correction),
                                  "float", lambda r: r.p_adjusted))
    return fields


def lisa_fields(correction: str, permutations: int) -> list[OutputField]:
    p_alias = (Message("pseudo p-value (conditional permutation, directed)") if permutations
               else Message("p-value (normal approximation, two-sided)"))
    return [
        OutputField("LISA_I", "LI", Message("Local Moran's I"), "float", lambda r: r.Is),
        OutputField("LISA_Z", "LZ", Message("z-score of I (analytical moments)"), "float", lambda r: r.z_score),
        *_p_fields("LISA", "L", correction, p_alias),
        OutputField("LISA_Q", "LQ", Message("Quadrant (GeoDa codes: 1 HH, 2 LL, 3 LH, 4 HL)"), "int",
                    lambda r: _islands_null(r, r.quadrant)),
        OutputField("LISA_CL", "LCL", Message("Cluster (GeoDa codes: 0 not significant, 1 HH, 2 LL, 3 LH, 4 HL, "
                                              "5 no data, 6 no neighbours)"), "int", lambda r: r.cluster),
        OutputField("LISA_LAB", "LLAB", Message("LISA cluster"), "text", lambda r: r.labels),
        OutputField("LISA_LAG", "LLAG", Message("Spatial lag of the standardised variable"), "float",
                    lambda r: _islands_null(r, r.lag)),
    ]


def geary_fields(correction: str) -> list[OutputField]:
    return [
        OutputField("LG_C", "LGC", Message("Local Geary's c"), "float", lambda r: r.C),
        OutputField("LG_Z", "LGZ", Message("z-score of c (permutation moments)"), "float", lambda r: r.z_sim),
        *_p_fields("LG", "LG", correction, Message("pseudo p-value (conditional permutation, directed)")),
        OutputField("LG_CL", "LGCL", Message("Cluster (GeoDa codes: 0 not significant, 1 HH, 2 LL, 3 other "
                                             "positive, 4 negative, 5 no data, 6 no neighbours)"), "int",
                    lambda r: r.cluster),
        OutputField("LG_LAB", "LGLAB", Message("Local Geary cluster"), "text", lambda r: r.labels),
    ]


def hotspot_fields(correction: str, permutations: int, star: bool) -> list[OutputField]:
    name = "Gi*" if star else "Gi"
    p_alias = (Message("p-value (conditional permutation, two-sided)") if permutations
               else Message("p-value (normal approximation, two-sided)"))
    return [
        OutputField("GI", "GI", Message("Getis-Ord {name}", name=name), "float", lambda r: r.G),
        OutputField("GI_Z", "GIZ", Message("z-score of {name}", name=name), "float", lambda r: r.z_score),
        *_p_fields("GI", "GI", correction, p_alias),
        OutputField("GI_BIN", "GIBIN", Message("Gi_Bin: confidence (±3 99 %, ±2 95 %, ±1 90 %; + hot, − cold)"),
                    "int", lambda r: _islands_null(r, r.bins)),
        OutputField("GI_LAB", "GILAB", Message("Hot spot class"), "text", lambda r: r.labels),
    ]


NO_DATA_VALUES = {
    "LISA_CL": NO_DATA, "LISA_LAB": LISA_LABELS[NO_DATA],
    "LG_CL": NO_DATA, "LG_LAB": GEARY_LABELS[NO_DATA],
    "GI_LAB": LISA_LABELS[NO_DATA],
}


def _local(statistic, kind, panel, runs, fields, compute, nulls, progress, global_statistic=None) -> LocalAnalysis:
    results, notes = [], []
    for r, run in enumerate(runs):
        selection = select(panel, run, nulls)
        notes.extend(_selection_notes(selection))
        result = compute(selection, span(progress, r / len(runs), (r + 1) / len(runs)))
        columns = run_columns(selection, result, fields, NO_DATA_VALUES)
        overall = global_statistic(selection) if global_statistic else float("nan")
        results.append(LocalRun(run, selection, result, columns, overall))
    report(progress, 1.0)
    return LocalAnalysis(statistic, kind, fields, results, len(panel.frame), panel.is_long, notes)


def local_moran_analysis(panel: LayerUnits, field: str, kind: str = "univariate", second: str | None = None,
                         all_years: bool = False, inference: InferenceSpec = DEFAULT_INFERENCE,
                         conditional: bool = True, nulls: str = "drop", progress=None) -> LocalAnalysis:
    """LISA of ``field``: univariate, bivariate (against the lag of ``second``) or
    differential (the change ``field − second``), for every year when ``all_years``."""
    if kind not in LOCAL_KINDS:
        raise InputError("Unknown kind of LISA “{kind}”; use one of {choices}.", kind=kind,
                         choices=", ".join(LOCAL_KINDS))
    if kind != "univariate" and not second:
        raise InputError("A {kind} LISA needs a second field: the lagged variable (bivariate) or the "
                         "earlier year (differential).", kind=kind)
    fields = lisa_fields(inference.correction, inference.permutations)
    options = _local_options(inference)
    if kind == "bivariate":
        runs = plan_runs(panel, field, all_years, second)

        def compute(selection, step):
            return LocalMoranBV(*selection.values, selection.weights, progress=step,
                                labels=selection.run.labels(), **options)

        def overall(selection):
            return MoranBV(*selection.values, selection.weights, permutations=0, labels=selection.run.labels()).I
    else:
        runs = [differential_run(panel, field, second)] if kind == "differential" else plan_runs(
            panel, field, all_years)

        def values(selection):
            if kind != "differential":
                return selection.values[0]
            later, earlier = (np.asarray(v, dtype=np.float64) for v in selection.values)
            change = later - earlier
            if np.isfinite(change).all() and len(change) >= MINIMUM_UNITS:
                # A change that is rounding noise of the two fields ((x + 1) − x) is constant.
                check_varies(change, _change(selection.run),
                             magnitude=max(np.mean(np.abs(later)), np.mean(np.abs(earlier))))
            return change

        def compute(selection, step):
            return LocalMoran(values(selection), selection.weights, conditional=conditional, progress=step,
                              label=_change(selection.run) if kind == "differential" else selection.run.title,
                              **options)

        def overall(selection):
            return Moran(values(selection), selection.weights, permutations=0, label=selection.run.title).I
    return _local("local_moran", kind, panel, runs, fields, compute, nulls, progress, overall)


def _local_options(inference: InferenceSpec) -> dict:
    """The keyword arguments of the local statistics (LocalMoran, LocalGeary, LocalG)."""
    return {"permutations": inference.permutations, "seed": inference.seed, "alpha": inference.alpha,
            "correction": inference.correction}


def _change(run: Run) -> str:
    return Message("the change {later} − {earlier}", later=run.columns[0], earlier=run.columns[1])


def local_geary_analysis(panel: LayerUnits, field: str, all_years: bool = False,
                         inference: InferenceSpec = DEFAULT_INFERENCE, nulls: str = "drop",
                         progress=None) -> LocalAnalysis:
    """Local Geary's c of ``field`` (every year when ``all_years``)."""

    def compute(selection, step):
        return LocalGeary(selection.values[0], selection.weights, progress=step, label=selection.run.title,
                          **_local_options(inference))

    return _local("local_geary", "univariate", panel, plan_runs(panel, field, all_years),
                  geary_fields(inference.correction), compute, nulls, progress)


def hotspot_analysis(panel: LayerUnits, field: str, all_years: bool = False, star: bool = True,
                     inference: InferenceSpec = ANALYTICAL_INFERENCE, nulls: str = "drop",
                     progress=None) -> LocalAnalysis:
    """Getis-Ord Gi* (or Gi) hot and cold spots of ``field`` (every year when ``all_years``; the
    bins use fixed confidence levels, so ``inference.alpha`` is not used)."""

    def compute(selection, step):
        return LocalG(selection.values[0], selection.weights, star=star, permutations=inference.permutations,
                      seed=inference.seed, correction=inference.correction, progress=step, label=selection.run.title)

    return _local("hotspots", "univariate", panel, plan_runs(panel, field, all_years),
                  hotspot_fields(inference.correction, inference.permutations, star), compute, nulls, progress)
