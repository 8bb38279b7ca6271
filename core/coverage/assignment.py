"""Each city's nearest core (the core-node links), its distance and its coverage count."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .costs import distance_matrix
from .sites import Sites


@dataclass
class Assignment:
    """Per city: the nearest core (index into ``cores``), the geodesic distance to it,
    and how many cores lie within the radius."""

    cores: np.ndarray  # city indices of the cores
    nearest: np.ndarray  # position in ``cores`` of each city's nearest core
    km: np.ndarray  # distance to that core
    cover_count: np.ndarray  # cores within the radius
    radius_km: float

    @property
    def core_of_city(self) -> np.ndarray:
        """The city index of each city's nearest core."""
        return self.cores[self.nearest]

    @property
    def covered(self) -> np.ndarray:
        return self.cover_count > 0


def assign_to_cores(sites: Sites, cores, radius_km: float, chunk: int = 2000) -> Assignment:
    """Assign every city to its nearest core (geodesic; ties go to the first core)."""
    cores = np.asarray(cores, dtype=np.int64)
    n = len(sites)
    nearest = np.zeros(n, dtype=np.int64)
    km = np.zeros(n)
    count = np.zeros(n, dtype=np.int64)
    for start in range(0, n, chunk):
        rows = np.arange(start, min(start + chunk, n))
        distances = distance_matrix(sites, rows, cores)
        nearest[rows] = np.argmin(distances, axis=1)
        km[rows] = distances[np.arange(len(rows)), nearest[rows]]
        count[rows] = (distances <= radius_km).sum(axis=1)
    return Assignment(cores, nearest, km, count, float(radius_km))
