"""Data for the econometrics tests: R's columbus (with R's own neighbour files) and the
synthetic 2011–2019 panel of the sample joined to the cities with pandas."""


from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REFERENCE = Path(__file__).resolve().parents[2] / "reference"
SAMPLE = Path(__file__).resolve().parents[3] / "resources" / "sample"


@pytest.fixture(scope="session")
def reference():
    """R spatialreg's values: ``reference[case][quantity]`` (see spatialreg_reference.R)."""
    table = pd.read_csv(REFERENCE / "spatialreg_reference.csv")
    return {case: dict(zip(group.quantity, group.value)) for case, group in table.groupby("case")}


def gal_weights(name: str):
    import libpysal

    from digital_resilience.core.weights.model import SpatialWeights

    w = libpysal.io.open(str(REFERENCE / name)).read()
    return SpatialWeights.from_libpysal(w, kind="gal").with_transform("R")


@pytest.fixture(scope="session")
def columbus():
    """(PanelData cross-section, queen weights, knn4 weights) in R's unit order."""
    from digital_resilience.core.econometrics.data import cross_section

    frame = pd.read_csv(REFERENCE / "columbus.csv")
    queen = gal_weights("columbus_queen.gal")
    frame.index = frame.POLYID.astype(str)
    frame = frame.loc[queen.ids]
    data = cross_section(frame, "CRIME", ["INC", "HOVAL"], queen.ids)
    return data, queen, gal_weights("columbus_knn4.gal")


@pytest.fixture(scope="session")
def columbus_panel(columbus):
    from digital_resilience.core.econometrics.data import long_panel

    _, queen, _ = columbus
    frame = pd.read_csv(REFERENCE / "columbus_panel.csv")
    frame["unit"] = frame.unit.astype(str)
    return long_panel(frame, "unit", "year", "y", ["x1", "x2"], queen.ids)


@pytest.fixture(scope="session")
def synthetic_frame():
    """The synthetic panel with its latent resilience (RES), digital economy (DIG) and
    innovation (INNOV), one row per city and year."""
    panel = pd.read_csv(SAMPLE / "synthetic_panel.csv")
    latent = pd.read_csv(SAMPLE / "synthetic_latent.csv")
    frame = panel.merge(latent, on=["adcode", "year"])
    return frame.assign(RES=frame.resilience, DIG=frame.digital_economy, INNOV=frame.innovation)


@pytest.fixture(scope="session")
def synthetic(synthetic_frame, cities_frame):
    """(PanelData, queen weights, 6-NN weights, cities) for the synthetic panel."""
    from digital_resilience.core.econometrics.data import long_panel
    from digital_resilience.core.weights.build import WeightsSpec, build_weights

    ids = cities_frame.adcode.to_numpy()
    data = long_panel(synthetic_frame, "adcode", "year", "RES", ["DIG", "INNOV", "URB", "HUM", "GOV"], ids)
    queen = build_weights(cities_frame, ids, WeightsSpec("queen"))
    knn = build_weights(cities_frame, ids, WeightsSpec("knn", k=6))
    return data, queen, knn, cities_frame


def lattice_weights(side: int):
    """Rook contiguity on a side × side grid, row-standardised (ids 0 … side²−1)."""
    import scipy.sparse as sp

    from digital_resilience.core.weights.model import SpatialWeights

    n = side * side
    rows, cols = [], []
    for i in range(side):
        for j in range(side):
            k = i * side + j
            for di, dj in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                a, b = i + di, j + dj
                if 0 <= a < side and 0 <= b < side:
                    rows.append(k)
                    cols.append(a * side + b)
    matrix = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    return SpatialWeights(np.arange(n), matrix, "rook", "R")


@pytest.fixture(scope="session")
def lattice():
    """``lattice(side)``: rook weights on a square grid."""
    return lattice_weights
