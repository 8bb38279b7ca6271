"""Layers for the econometrics algorithms: the synthetic panel joined to the cities (wide and
long GeoPackages, written with pandas/geopandas as a user's join would) and R's columbus data
as a point layer with R's own neighbour file."""


from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

REFERENCE = Path(__file__).resolve().parents[2] / "reference"
SAMPLE = Path(__file__).resolve().parents[3] / "resources" / "sample"
STEMS = ["RES", "DIG", "INNOV", "URB", "HUM", "GOV", "OPEN"]


@pytest.fixture(scope="session")
def synthetic_long_frame():
    panel = pd.read_csv(SAMPLE / "synthetic_panel.csv")
    latent = pd.read_csv(SAMPLE / "synthetic_latent.csv")
    frame = panel.merge(latent, on=["adcode", "year"])
    return frame.assign(RES=frame.resilience, DIG=frame.digital_economy, INNOV=frame.innovation)


@pytest.fixture(scope="session")
def wide_layer_path(tmp_path_factory, cities_frame, synthetic_long_frame):
    """Cities with RES_2011 … OPEN_2019 (one feature per city)."""
    wide = synthetic_long_frame.pivot(index="adcode", columns="year", values=STEMS)
    wide.columns = [f"{stem}_{year}" for stem, year in wide.columns]
    layer = cities_frame[["adcode", "name", "region", "geometry"]].merge(wide.reset_index(), on="adcode")
    path = tmp_path_factory.mktemp("econometrics") / "wide.gpkg"
    layer.to_file(path, layer="cities", driver="GPKG")
    return f"{path}|layername=cities"


@pytest.fixture(scope="session")
def long_layer_path(tmp_path_factory, cities_frame, synthetic_long_frame):
    """One feature per city and year (geometry repeated), fields adcode, year and the stems."""
    columns = ["adcode", "year", *STEMS]
    layer = cities_frame[["adcode", "region", "geometry"]].merge(synthetic_long_frame[columns], on="adcode")
    path = tmp_path_factory.mktemp("econometrics") / "long.gpkg"
    layer.to_file(path, layer="cityyears", driver="GPKG")
    return f"{path}|layername=cityyears"


@pytest.fixture(scope="session")
def columbus_layer_path(tmp_path_factory):
    """R's columbus as points (X, Y) with POLYID matching the ids of columbus_queen.gal."""
    import geopandas as gpd

    frame = pd.read_csv(REFERENCE / "columbus.csv")
    layer = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame.X, frame.Y), crs="EPSG:3857")
    path = tmp_path_factory.mktemp("econometrics") / "columbus.gpkg"
    layer.to_file(path, layer="columbus", driver="GPKG")
    return f"{path}|layername=columbus"


@pytest.fixture(scope="session")
def reference():
    table = pd.read_csv(REFERENCE / "spatialreg_reference.csv")
    return {case: dict(zip(group.quantity, group.value)) for case, group in table.groupby("case")}


@pytest.fixture(scope="session")
def queen_gal():
    return str(REFERENCE / "columbus_queen.gal")
