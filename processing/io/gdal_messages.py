"""Keep GDAL's known, harmless error messages out of the user's console.

QGIS 3.22 writes a table (an output without geometry) into a GeoPackage through
``QgsVectorLayerExporter``, whose destructor asks the OGR provider for a spatial index
whatever the geometry type; the provider runs GeoPackage's ``CreateSpatialIndex()`` on a
table, and GDAL prints ``ERROR 1: No geometry column`` although the table was written
completely (QGIS's own algorithms do the same, on QGIS 3.40 too). :func:`ignore_gdal_errors`
drops exactly such messages while a block runs and passes every other GDAL message on, in
GDAL's own format, so real errors stay visible.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager

#: The message GeoPackage's CreateSpatialIndex() gives for a table without geometry.
NO_GEOMETRY_COLUMN = "No geometry column"
#: What GDAL says when QGIS, after a layout's PNG export, tries to georeference the file in place.
PNG_NO_UPDATE = "The PNG driver does not support update access to existing datasets."


@contextmanager
def ignore_gdal_errors(*messages: str):
    """Drop GDAL messages whose text is one of ``messages`` for the duration of the block
    (a no-op when GDAL's Python bindings are missing)."""
    try:
        from osgeo import gdal
    except ImportError:
        yield
        return
    prefixes = {gdal.CE_Warning: "Warning", gdal.CE_Failure: "ERROR", gdal.CE_Fatal: "FATAL"}
    ignored = set(messages)

    def handler(error_class, error_number, message):
        if message.rstrip("\n") in ignored:  # some drivers end their message with a newline
            return
        prefix = prefixes.get(error_class)
        sys.stderr.write(f"{prefix} {error_number}: {message}\n" if prefix else f"{message}\n")

    gdal.PushErrorHandler(handler)
    try:
        yield
    finally:
        gdal.PopErrorHandler()
