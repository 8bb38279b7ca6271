"""One PROJ in QGIS's process (issue 12): pyproj must be the build that uses QGIS's own PROJ
library. A pyproj wheel brings a second libproj (pyproj.libs/libproj-<hash>.so), and two PROJs in
one process corrupt memory at exit ("double free or corruption"). shapely, pyogrio and rasterio
wheels are allowed (measured safe with QGIS 3.22 on Debian 12: the whole suite passes with them),
although rasterio's carries a private libproj for its own GDAL (``rasterio.libs``); so they are
imported here too, and the test allows a PROJ only inside those wheels' own ``.libs`` folders."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import pytest

from digital_resilience.core.dependencies import proj_libraries

#: Wheels whose private libraries (``<name>.libs``) were measured safe in QGIS's process.
MEASURED_SAFE = {"rasterio.libs", "pyogrio.libs", "shapely.libs"}


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc (Linux)")
def test_pyproj_uses_qgis_proj_and_the_process_holds_one_libproj(qgis_app):
    import geopandas  # noqa: F401
    import pyogrio  # noqa: F401
    import pyproj
    import shapely  # noqa: F401
    from qgis.core import QgsCoordinateReferenceSystem, QgsProjUtils

    with contextlib.suppress(ImportError):
        import rasterio  # noqa: F401
    assert pyproj.CRS.from_epsg(4547).to_epsg() == 4547
    assert QgsCoordinateReferenceSystem("EPSG:4547").isValid()
    major, minor = (int(part) for part in pyproj.proj_version_str.split(".")[:2])
    assert (major, minor) == (QgsProjUtils.projVersionMajor(), QgsProjUtils.projVersionMinor())
    libraries = {os.path.realpath(path) for path in proj_libraries(Path("/proc/self/maps").read_text())}
    bundled = {path for path in libraries if Path(path).parent.name.endswith(".libs")}
    shared = libraries - bundled
    assert len(shared) == 1, f"more than one PROJ in QGIS's process: {sorted(shared)}"
    assert {Path(path).parent.name for path in bundled} <= MEASURED_SAFE, sorted(bundled)
    assert "pyproj" in sys.modules
