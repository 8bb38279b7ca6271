"""Descriptive summary of a weights structure (what GeoDa's weights manager shows)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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

    def as_rows(self) -> list[tuple[str, str]]:
        """(label, value) rows for logs and reports."""
        return [
            ("Kind", self.kind),
            ("Units", str(self.units)),
            ("Links", str(self.links)),
            ("Neighbours (min / mean / median / max)",
             f"{self.min_neighbours} / {self.mean_neighbours:.2f} / "
             f"{self.median_neighbours:g} / {self.max_neighbours}"),
            ("Islands (no neighbours)", f"{len(self.islands)}"),
            ("Symmetric", "yes" if self.symmetric else "no"),
            ("Percent non-zero", f"{self.percent_nonzero:.3f} %"),
        ]


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
    )
