"""End to end through Processing, against the I/O floor measured in the same run.

A planner waits for the whole run: reading the layer, the weights, the analysis, writing the
output, styling and reports. Each row times ``processing.run`` of one algorithm on a grid of
squares (EPSG:3857, 100,000 cells, 20 numeric fields; 10,000 with ``--quick``) read from a
GeoPackage and written to a GeoPackage, and the floor: QGIS's own copy of the same input layer
(``native:savefeatures``), timed interleaved with ours (floor, ours, floor, ours, ...) and the
best of the repeats kept, because other jobs on the machine stretch single timings. The ratio is
ours / floor (the goal of issue 16: LISA and global autocorrelation ≤ 2×, spatial weights with
the connectivity layer ≤ 3×, its line writing within 1.5× of copying the same lines, composite
index ≤ 2×).

One extra run of each algorithm under ``cProfile`` splits its time into phases: reading the
layer through the bridge, the core (everything in ``core/`` entered from outside it), writing
through the bridge, styling, the report, and the rest (Processing's own work, parameter
handling, the sink's flush). The phases go into the notes of the row.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import tempfile
import time
from pathlib import Path

from common import machine_load, resilience_provider

YEARS = range(2011, 2020)
HERE = Path(__file__).resolve().parent
PLUGINS = HERE.parent / ".build" / "plugins"


def square_grid(n: int):
    """``n`` unit squares of 1 km in EPSG:3857, with ``code`` and 19 more numeric fields:
    ``V_2011`` … ``V_2019``, ``W_2011`` … ``W_2019`` (spatially smooth, so LISA finds clusters) and ``A``."""
    import geopandas as gpd
    import numpy as np
    import shapely

    side = int(np.ceil(np.sqrt(n)))
    i, j = np.divmod(np.arange(n), side)
    x0, y0 = 1.2e7 + j * 1000.0, 3.0e6 + i * 1000.0
    polygons = shapely.box(x0, y0, x0 + 1000.0, y0 + 1000.0)
    rng = np.random.default_rng(16)
    columns = {"code": np.arange(n, dtype=np.int64)}
    trend = np.sin(i / 25.0) + np.cos(j / 30.0)
    for stem in ("V", "W"):
        for t, year in enumerate(YEARS):
            columns[f"{stem}_{year}"] = trend * (1 + 0.05 * t) + rng.normal(0, 0.5, n)
    columns["A"] = rng.lognormal(0, 1, n)
    return gpd.GeoDataFrame(columns, geometry=polygons, crs="EPSG:3857")


def _category(filename: str, function: str) -> str | None:
    path = filename.replace(os.sep, "/")
    if "report" in path.rsplit("/", 1)[-1]:  # core/<topic>/report.py, core/html_report.py
        return "report"
    if "/digital_resilience/core/" in path:
        return "core"
    if path.endswith("/processing/io/bridge.py"):
        return "bridge read" if "read" in function else "bridge write"
    if path.endswith(("/processing/styling.py", "/processing/maps/layouts.py")):
        return "styling"
    return None


def phases(profile: cProfile.Profile) -> dict[str, float]:
    """Seconds per phase: the time of each phase's functions called from code outside every phase (so a
    phase called from within another, e.g. the core's class breaks from styling, counts in the outer one)."""
    stats = pstats.Stats(profile).stats
    total = max(ct for (_, _, _, ct, _) in stats.values())
    out: dict[str, float] = {}
    for (filename, _, function), (_, _, _, _, callers) in stats.items():
        category = _category(filename, function)
        if category is None:
            continue
        for (caller_file, _, caller_function), edge in callers.items():
            if _category(caller_file, caller_function) is None:
                out[category] = out.get(category, 0.0) + edge[3]
    out["other (Processing, parameters, sink flush)"] = max(total - sum(out.values()), 0.0)
    return out


#: Core functions whose own total time the notes give apart (inside the core's time): the global
#: statistics' permutations (drawing in the caller's thread, gathering and products in helper threads,
#: which cProfile does not see: what it shows is the caller's wait), the own parts of a scenario.
DETAILS = {"permutations": ("/core/autocorrelation/global_permutation.py", "permuted_forms")}


def describe(split: dict[str, float], profile: cProfile.Profile | None = None) -> str:
    order = ["bridge read", "core", "bridge write", "styling", "report"]
    keys = [k for k in order if k in split] + [k for k in split if k not in order]
    text = "; ".join(f"{k} {split[k]:.2f} s" for k in keys)
    if profile is not None:
        stats = pstats.Stats(profile).stats
        for label, (path, function) in DETAILS.items():
            seconds = sum(ct for (filename, _, name), (_, _, _, ct, _) in stats.items()
                          if filename.replace(os.sep, "/").endswith(path) and name == function)
            if seconds:
                text += f" (of the core: {label} {seconds:.2f} s)"
    return text


def interleaved(floor, ours, repeat: int) -> tuple[float, float, object]:
    """Best times of ``floor()`` and ``ours()`` run alternately ``repeat`` times, and ours' last result."""
    best_floor = best_ours = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        floor()
        best_floor = min(best_floor, time.perf_counter() - start)
        start = time.perf_counter()
        result = ours()
        best_ours = min(best_ours, time.perf_counter() - start)
    return best_floor, best_ours, result


def run(quick: bool = False) -> list[dict]:
    import pyogrio

    resilience_provider()
    import processing

    n = 10_000 if quick else 100_000
    repeat = 3 if quick else 2
    folder = Path(tempfile.mkdtemp(prefix="bench-endtoend-"))
    grid_path = folder / "grid.gpkg"
    pyogrio.write_dataframe(square_grid(n), grid_path, layer="grid")
    source = f"{grid_path}|layername=grid"
    counter = iter(range(10**6))

    def out(name: str) -> str:
        return str(folder / f"{name}-{next(counter)}.gpkg")

    def floor():
        processing.run("native:savefeatures", {"INPUT": source, "OUTPUT": out("floor")})

    load = machine_load()
    runs = {
        "resilience:localmoran, queen built inline, 999 permutations → GeoPackage": (
            "resilience:localmoran",
            lambda: {"INPUT": source, "FIELD": "V_2019", "WEIGHTS_ID_FIELD": "code", "WEIGHTS_KIND": 0,
                     "PERMUTATIONS": 999, "OUTPUT": out("lisa")}, 2.0),
        "resilience:globalautocorrelation, Moran's I of every year (9), queen inline, 999 permutations": (
            "resilience:globalautocorrelation",
            lambda: {"INPUT": source, "FIELDS": ["V_2019"], "ALL_YEARS": True, "WEIGHTS_ID_FIELD": "code",
                     "WEIGHTS_KIND": 0, "STATISTICS": [0], "PERMUTATIONS": 999, "OUTPUT": out("moran")}, 2.0),
        "resilience:globalautocorrelation, Moran's I of every year (9), queen inline, analytical inference": (
            "resilience:globalautocorrelation",
            lambda: {"INPUT": source, "FIELDS": ["V_2019"], "ALL_YEARS": True, "WEIGHTS_ID_FIELD": "code",
                     "WEIGHTS_KIND": 0, "STATISTICS": [0], "PERMUTATIONS": 0, "OUTPUT": out("moran")}, 2.0),
        "resilience:spatialweights queen, GAL only": (
            "resilience:spatialweights",
            lambda: {"INPUT": source, "ID_FIELD": "code", "KIND": 0, "OUTPUT": None,
                     "WEIGHTS_OUTPUT": str(folder / f"queen-{next(counter)}.gal")}, None),
        "resilience:spatialweights queen + GAL + connectivity layer": (
            "resilience:spatialweights",
            lambda: {"INPUT": source, "ID_FIELD": "code", "KIND": 0, "OUTPUT": out("links"),
                     "WEIGHTS_OUTPUT": str(folder / f"queen-{next(counter)}.gal")}, 3.0),
    }
    rows = [startup_row()]
    warm = set()
    for label, (algorithm, parameters, goal) in runs.items():
        if algorithm not in warm:
            processing.run(algorithm, parameters())  # warm-up: imports, caches
            warm.add(algorithm)
        floor_s, ours_s, result = interleaved(floor, lambda a=algorithm, p=parameters: processing.run(a, p()), repeat)
        profile = cProfile.Profile()
        profile.enable()
        processing.run(algorithm, parameters())
        profile.disable()
        ratio = ours_s / floor_s
        verdict = ("no goal of its own" if goal is None
                   else f"goal ≤ {goal:g}× {'met' if ratio <= goal else 'NOT met'}")
        rows.append({"benchmark": f"{label} ({n:,} squares)", "ours_s": ours_s,
                     "peer": "floor: native:savefeatures of the input", "peer_s": floor_s,
                     "ratio": floor_s / ours_s, "times_floor": ratio,
                     "notes": f"{ratio:.2f}× floor, {verdict}; profile: {describe(phases(profile), profile)}; "
                              f"{machine_load()} (at the start of the bench: {load})"})
        if "connectivity" in label:
            lines = result["OUTPUT"]
            count = pyogrio.read_info(lines.split("|")[0])["features"] if "|" not in lines else None
            line_floor = min(
                _timed(lambda v=lines: processing.run("native:savefeatures", {"INPUT": v, "OUTPUT": out("lines")}))
                for _ in range(repeat))
            line_part = next(v for k, v in phases(profile).items() if k == "bridge write")
            rows.append({"benchmark": f"connectivity layer, {result['LINKS']:,} links", "ours_s": line_part,
                         "peer": "floor: native:savefeatures of the same lines", "peer_s": line_floor,
                         "ratio": line_floor / line_part, "times_floor": line_part / line_floor,
                         "notes": f"ours: the bridge's write of the lines (profiled run); {count} features; "
                                  f"{line_part / line_floor:.2f}× floor, goal ≤ 1.5×"})

    rows.append(composite_index_row(processing, quick, repeat))
    rows.append(lisa_memory_row(source, out, quick))
    return rows


def startup_row() -> dict:
    """classFactory + initProcessing in a fresh QGIS process (best of 3 processes), as in test_plugin,
    with the plugin's bytecode cached (in a temporary PYTHONPYCACHEPREFIX, written by a first process),
    as an installed plugin has it: without the cache, compiling the sources adds about 60 ms."""
    import subprocess
    import sys

    code = """
import time
from qgis.core import QgsApplication
app = QgsApplication([], False); app.initQgis()
start = time.perf_counter()
import digital_resilience
plugin = digital_resilience.classFactory(None)
plugin.initProcessing()
print(time.perf_counter() - start)
plugin.unload()
"""
    env = {**os.environ, "PYTHONPATH": str(PLUGINS), "PYTHONSAFEPATH": "1",
           "PYTHONPYCACHEPREFIX": tempfile.mkdtemp(prefix="bench-pycache-")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    times = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                                  check=True).stdout.split()[-1]) for _ in range(4)]
    best = min(times[1:])  # the first process compiles and caches the bytecode
    return {"benchmark": "plugin start-up (classFactory + initProcessing, fresh process)", "ours_s": best,
            "notes": f"goal < 100 ms {'met' if best < 0.1 else 'NOT met'}; first process (compiling the "
                     f"sources) {times[0]:.3f} s; {machine_load()}"}


def _timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def composite_index_row(processing, quick: bool, repeat: int) -> dict:
    """The wide composite-index table of bench_indices (3,000 units x 20 years x 40 indicators) as a
    GeoPackage point layer: through Processing to a GeoPackage, against the copy of the same layer."""
    import geopandas as gpd
    import numpy as np
    import pyogrio
    from bench_indices import make_system, make_wide

    units, years = (600, 10) if quick else (3000, 20)
    system = make_system()
    wide = make_wide(units, years, system.codes)
    folder = Path(tempfile.mkdtemp(prefix="bench-ci-"))
    frame = gpd.GeoDataFrame(wide, geometry=gpd.points_from_xy(100 + np.arange(units) % 60 * 0.1,
                                                               30 + np.arange(units) // 60 * 0.1), crs="EPSG:4326")
    path = folder / "wide.gpkg"
    pyogrio.write_dataframe(frame, path, layer="wide")
    source = f"{path}|layername=wide"
    table = []
    for index in system.indices:
        for indicator in index.indicators:
            dimension = next(d.name for d in index.dimensions if indicator.code in d.codes)
            table += [indicator.code, index.name, dimension, "+" if indicator.direction > 0 else "-", ""]
    counter = iter(range(10**6))

    def parameters():
        return {"INPUT": source, "SYSTEM_TABLE": table, "OUTPUT": str(folder / f"ci-{next(counter)}.gpkg")}

    def floor():
        processing.run("native:savefeatures", {"INPUT": source, "OUTPUT": str(folder / f"f-{next(counter)}.gpkg")})

    processing.run("resilience:compositeindex", parameters())
    floor_s, ours_s, _ = interleaved(floor, lambda: processing.run("resilience:compositeindex", parameters()),
                                     repeat)
    profile = cProfile.Profile()
    profile.enable()
    processing.run("resilience:compositeindex", parameters())
    profile.disable()
    ratio = ours_s / floor_s
    return {"benchmark": f"resilience:compositeindex, {units:,} units x {years} years x 40 indicators, GeoPackage "
                         "to GeoPackage", "ours_s": ours_s, "peer": "floor: native:savefeatures of the input",
            "peer_s": floor_s, "ratio": floor_s / ours_s, "times_floor": ratio,
            "notes": f"{ratio:.2f}× floor, goal ≤ 2× {'met' if ratio <= 2 else 'NOT met'}; profile: "
                     f"{describe(phases(profile))}; {machine_load()}"}


def lisa_memory_row(source: str, out, quick: bool) -> dict:
    """Peak memory (resident set, VmHWM) of a fresh process that starts QGIS and runs LISA."""
    import subprocess
    import sys

    code = f"""
import re, sys, time
sys.path[:0] = {[str(PLUGINS), str(HERE)]!r}
def status(key):  # kB; VmHWM is the peak resident set of this process image (ru_maxrss survives exec)
    return int(re.search(key + r":\\s+(\\d+)", open("/proc/self/status").read()).group(1))
from run import start_qgis
app = start_qgis()
from common import resilience_provider
resilience_provider()
import processing
before = status("VmRSS")
start = time.perf_counter()
processing.run("resilience:localmoran", {{"INPUT": {source!r}, "FIELD": "V_2019", "WEIGHTS_ID_FIELD": "code",
               "WEIGHTS_KIND": 0, "PERMUTATIONS": 999, "OUTPUT": {out("lisa-mem")!r}}})
heavy = [m for m in ("mapclassify", "numba", "matplotlib") if m in sys.modules]
print(",".join(heavy) or "none", time.perf_counter() - start, before, status("VmHWM"))
"""
    started = time.perf_counter()
    answer = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONSAFEPATH": "1"})
    heavy, seconds, before, peak = answer.stdout.split()[-4:]
    peak_mb = int(peak) / 1024
    return {"benchmark": "peak memory of a fresh process running resilience:localmoran (999 permutations)",
            "ours_s": float(seconds),
            "notes": f"peak resident {peak_mb:.0f} MB (QGIS and Processing loaded: {int(before) / 1024:.0f} MB); "
                     f"goal ≤ 600 MB {'met' if peak_mb <= 600 else 'NOT met'}; imported by the run: {heavy}; process "
                     f"{time.perf_counter() - started:.1f} s"}


