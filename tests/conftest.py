"""Shared test set-up.

The plugin is imported as the package ``digital_resilience`` through
``.build/plugins/digital_resilience`` (a symlink to the repository root made by
``make setup``); the repository root itself is never on ``sys.path``, because its
``processing/`` folder would shadow QGIS's ``processing`` module.

pytest-qgis starts a headless ``QgsApplication`` before this file is imported
(``qgis_gui_enabled = false`` in pyproject.toml). Core tests need no QGIS and also
run without it: ``make test-core`` disables pytest-qgis.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLUGINS = ROOT / ".build" / "plugins"
SAMPLE = ROOT / "resources" / "sample"


def _ensure_plugin_importable() -> None:
    link = PLUGINS / "digital_resilience"
    if not link.exists():
        PLUGINS.mkdir(parents=True, exist_ok=True)
        os.symlink("../..", link)
    if str(PLUGINS) not in sys.path:
        sys.path.insert(0, str(PLUGINS))
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT]


_ensure_plugin_importable()


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE


@pytest.fixture(scope="session")
def cities_path(tmp_path_factory) -> Path:
    """A copy of the sample cities: QGIS may rewrite a GeoPackage's bytes (not its data)
    just by opening it with a filter, and tests must never touch the repository's files."""
    import shutil

    copy = tmp_path_factory.mktemp("sample") / "china_cities.gpkg"
    shutil.copyfile(SAMPLE / "china_cities.gpkg", copy)
    return copy


@pytest.fixture(scope="session")
def cities_frame(cities_path):
    import geopandas as gpd

    return gpd.read_file(cities_path, layer="cities")
