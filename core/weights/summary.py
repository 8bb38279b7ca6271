"""Descriptive summary of a weights structure (what GeoDa's weights manager shows)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import Message
from .model import SpatialWeights


@dataclass
class WeightsSummary:
    kind: str
    units: int
    links: int
    min_neighbours: int
    mean_neighbours: float
    median_neighbours: float
    max_neighbours: int
    islands: list
    symmetric: bool
    percent_nonzero: float
    histogram: dict  # neighbour count -> number of units
    min_weight: float = 1.0  # smallest and largest original (untransformed) weight
    max_weight: float = 1.0
    params: dict = field(default_factory=dict)  # how the weights were built (threshold, k...)

    def as_rows(self) -> list[tuple[str, str]]:
        """(label, value) rows for logs and reports (the caller translates the labels, and the
        values that are Messages)."""
        return [
            ("Kind", self.kind),
            ("Units", str(self.units)),
            ("Links", str(self.links)),
            ("Neighbours (min / mean / median / max)",
             f"{self.min_neighbours} / {self.mean_neighbours:.2f} / "
             f"{self.median_neighbours:g} / {self.max_neighbours}"),
            ("Islands (no neighbours)", f"{len(self.islands)}"),
            ("Symmetric", Message("yes") if self.symmetric else Message("no")),
            ("Percent non-zero", f"{self.percent_nonzero:.3f} %"),
        ] + ([("Original weights (min / max)", f"{self.min_weight:.6g} / {self.max_weight:.6g}")]
             if (self.min_weight, self.max_weight) != (1.0, 1.0) else [])


def summarize(weights: SpatialWeights) -> WeightsSummary:
    cards = weights.cardinalities
    values, counts = np.unique(cards, return_counts=True)
    n = weights.n
    return WeightsSummary(
        kind=weights.kind,
        units=n,
        links=weights.n_links,
        min_neighbours=int(cards.min()) if n else 0,
        mean_neighbours=float(cards.mean()) if n else 0.0,
        median_neighbours=float(np.median(cards)) if n else 0.0,
        max_neighbours=int(cards.max()) if n else 0,
        islands=weights.ids[weights.islands].tolist(),
        symmetric=weights.is_symmetric,
        percent_nonzero=100.0 * weights.n_links / (n * n) if n else 0.0,
        histogram={int(v): int(c) for v, c in zip(values, counts)},
        min_weight=float(weights.matrix.data.min()) if weights.n_links else 1.0,
        max_weight=float(weights.matrix.data.max()) if weights.n_links else 1.0,
        params=dict(weights.params),
    )
