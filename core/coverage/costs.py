"""Geodesic distances between cities and candidate sites, in km.

spopt builds its cost matrix with ``scipy.spatial.distance.cdist``: planar distances
in the layer's units, which for longitude/latitude are degrees (wrong by a factor that
changes with latitude), and a dense n × m matrix. Here distances are geodesic on the
ellipsoid (pyproj ``Geod``, Karney's algorithm), and only the pairs within the radius
are computed: a KD-tree on the 3-D unit normals finds every pair that *can* be within
the radius, then the exact geodesic distance decides. The KD-tree threshold is provably
safe: along any path on an oblate ellipsoid the normal turns by at most a / b² radians
per metre (the largest principal curvature, at the equator), so two points ``s`` metres
apart have normals at most ``s·a/b²`` apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..geodesy import unit_vectors
from ..progress import report
from .sites import Sites

CHUNK = 200_000  # geodesic distances per progress report


@dataclass
class CandidatePairs:
    """Every (city, candidate) pair within ``radius_km``, with its geodesic distance.

    ``rows`` index the cities (0..n-1), ``cols`` the candidates (0..m-1, positions in
    the candidate list, not city indices).
    """

    rows: np.ndarray
    cols: np.ndarray
    km: np.ndarray
    shape: tuple[int, int]
    radius_km: float

    def coverage(self, radius_km: float | None = None) -> sp.csr_matrix:
        """The 0/1 coverage matrix a_ij = [d_ij ≤ radius] (n × m, CSR, int8)."""
        radius_km = self.radius_km if radius_km is None else radius_km
        if radius_km > self.radius_km:
            raise ValueError("coverage radius larger than the radius the pairs were computed for")
        keep = self.km <= radius_km
        data = np.ones(int(keep.sum()), dtype=np.int8)
        return sp.csr_matrix((data, (self.rows[keep], self.cols[keep])), shape=self.shape)


def search_angle(geod, radius_km: float) -> float:
    """The largest angle (radians) between the normals of two points ``radius_km`` apart."""
    a, b = float(geod.a), float(geod.b)
    return min(radius_km * 1000.0 * a / (b * b) * (1.0 + 1e-9), np.pi)


def pairs_within(sites: Sites, candidates, radius_km: float, progress=None) -> CandidatePairs:
    """The (city, candidate) pairs at most ``radius_km`` apart (geodesic)."""
    from scipy.spatial import cKDTree

    candidates = np.asarray(candidates, dtype=np.int64)
    n, m = len(sites), len(candidates)
    vectors = unit_vectors(sites.lon, sites.lat)
    chord = 2.0 * np.sin(search_angle(sites.geod, radius_km) / 2.0) + 1e-12
    city_tree = cKDTree(vectors)
    candidate_tree = cKDTree(vectors[candidates])
    found = candidate_tree.sparse_distance_matrix(city_tree, chord, output_type="ndarray")
    cols = found["i"].astype(np.int64)
    rows = found["j"].astype(np.int64)
    order = np.lexsort((cols, rows))  # row-major, as CSR wants it
    rows, cols = rows[order], cols[order]
    km = np.empty(len(rows))
    for start in range(0, len(rows), CHUNK):
        stop = start + CHUNK
        km[start:stop] = sites.distances_km(rows[start:stop], candidates[cols[start:stop]])
        report(progress, stop / max(len(rows), 1))
    keep = km <= radius_km
    return CandidatePairs(rows[keep], cols[keep], km[keep], (n, m), float(radius_km))


def distance_matrix(sites: Sites, rows, cols) -> np.ndarray:
    """Dense geodesic distances (km) between the points ``rows`` and ``cols`` (index arrays):
    a len(rows) × len(cols) matrix, e.g. every city to every chosen core."""
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    i = np.repeat(rows, len(cols))
    j = np.tile(cols, len(rows))
    return sites.distances_km(i, j).reshape(len(rows), len(cols))
