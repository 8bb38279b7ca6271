"""LISA permutation inference on a queen lattice of 100,000 cells, 999 permutations.

Ours: ``core.autocorrelation.local_moran.LocalMoran`` (the numpy engine of
``core/autocorrelation/permutation.py``). Peer: ``esda.Moran_Local`` (numba), measured in
the same run: *cold* is its first call in a fresh process (numba compiles), *warm* a
second call in that process. Both use the same weights, 999 permutations and a seed.

Each contender runs in its own subprocess so that its peak memory (``ru_maxrss``: the
whole process, data and libraries included) can be reported. Two weightings of the
lattice: row-standardised queen contiguity (equal weights in a row: the sorted-sums
path) and inverse distance (1 to edge neighbours, 1/√2 to corner ones, row-standardised:
the matrix-product path that any non-uniform weights take).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PLUGINS = Path(__file__).resolve().parents[1] / ".build" / "plugins"
PERMUTATIONS = 999


def lattice(rows: int, columns: int, weighting: str):
    """Queen contiguity of a rows × columns grid as SpatialWeights (original weights)."""
    import numpy as np
    import scipy.sparse as sp

    from digital_resilience.core.weights.model import SpatialWeights

    index = np.arange(rows * columns).reshape(rows, columns)
    focal, neighbour, weight = [], [], []
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            if dr == dc == 0:
                continue
            a = index[max(0, dr):rows + min(0, dr), max(0, dc):columns + min(0, dc)]
            b = index[max(0, -dr):rows + min(0, -dr), max(0, -dc):columns + min(0, -dc)]
            focal.append(a.ravel())
            neighbour.append(b.ravel())
            distance = np.hypot(dr, dc)
            weight.append(np.full(a.size, 1.0 if weighting == "queen" else 1.0 / distance))
    n = rows * columns
    matrix = sp.csr_matrix((np.concatenate(weight), (np.concatenate(focal), np.concatenate(neighbour))), shape=(n, n))
    return SpatialWeights(np.arange(n), matrix, kind=weighting, transform="R")


def values(rows: int, columns: int):
    """A smooth surface plus noise: clusters for the LISA to find."""
    import numpy as np

    i, j = np.divmod(np.arange(rows * columns), columns)
    return np.sin(i / 15.0) + np.cos(j / 22.0) + np.random.default_rng(7).normal(scale=0.8, size=rows * columns)


def child(contender: str, rows: int, columns: int, weighting: str) -> dict:
    """Run one contender and report seconds and peak memory (in this subprocess)."""
    import resource
    import time

    import numpy as np

    sys.path.insert(0, str(PLUGINS))
    weights = lattice(rows, columns, weighting)
    y = values(rows, columns)
    timings = []
    if contender == "ours":
        from digital_resilience.core.autocorrelation.local_moran import LocalMoran

        start = time.perf_counter()
        result = LocalMoran(y, weights, permutations=PERMUTATIONS, seed=1)
        timings.append(time.perf_counter() - start)
        p = result.p_sim
    else:
        import warnings

        import esda

        w = weights.to_libpysal()
        for _ in range(2):  # cold (numba compiles), then warm
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = esda.Moran_Local(y, w, transformation="r", permutations=PERMUTATIONS, seed=1)
            timings.append(time.perf_counter() - start)
        p = result.p_sim
    return {"seconds": timings, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "significant": int((np.asarray(p) <= 0.05).sum())}


def measure(contender: str, rows: int, columns: int, weighting: str) -> dict:
    done = subprocess.run([sys.executable, __file__, contender, str(rows), str(columns), weighting],
                          capture_output=True, text=True, timeout=3600, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(quick: bool = False) -> list[dict]:
    rows, columns = (100, 100) if quick else (250, 400)
    n = rows * columns
    results = []
    for weighting, label in (("queen", "queen, row-standardised"), ("idw", "queen, inverse distance")):
        ours = measure("ours", rows, columns, weighting)
        peer = measure("esda", rows, columns, weighting)
        ours_s = ours["seconds"][0]
        cold_s, warm_s = peer["seconds"]
        name = f"LISA {n:,} cells ({label}), {PERMUTATIONS} permutations"
        notes = (f"peak RSS ours {ours['peak_mb']:.0f} MB, esda {peer['peak_mb']:.0f} MB; "
                 f"significant at 5 %: ours {ours['significant']}, esda {peer['significant']}")
        results.append({"benchmark": name, "ours_s": ours_s, "peer": "esda.Moran_Local warm (numba)",
                        "peer_s": warm_s, "ratio": warm_s / ours_s, "notes": notes})
        results.append({"benchmark": name, "ours_s": ours_s, "peer": "esda.Moran_Local cold (first call, JIT)",
                        "peer_s": cold_s, "ratio": cold_s / ours_s, "notes": "fresh process"})
    return results


if __name__ == "__main__":
    print(json.dumps(child(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])))
