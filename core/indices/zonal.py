"""Zonal statistics of rasters per unit (city), with windowed reads (rasterio).

For each zone only the raster window under its bounding box is read, in tiles of at
most ``max_pixels`` pixels, so rasters (and zones) larger than memory work. Zones are
reprojected to the raster's CRS (pyproj, through GeoPandas). A pixel belongs to a zone
when its centre lies inside the zone (``all_touched=False``, the rule of QGIS's zonal
statistics and rasterstats) or whenever the zone touches it (``all_touched=True``).
No-data pixels (the band's nodata value, NaN) are ignored.

Statistics: mean, sum, count (valid pixels), min, max and share (the fraction of valid
pixels whose value is > threshold, e.g. lit or built-up pixels). A zone with no valid
pixel has count 0 and no other statistic (NULL).

QGIS's ``native:zonalstatisticsfb`` switches to area-weighted pixel fractions for zones
that contain at most one pixel centre; this module does not (exactextract would, but its
wheels bundle their own GDAL, which crashes QGIS), and reports such zones instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import InputError, Message
from ..progress import report
from .options import ZONAL_STATISTICS as STATISTICS

#: The statistics' two-letter field codes (the statistics, in dialog order: .options).
CODES = {"mean": "MN", "sum": "SM", "count": "CT", "min": "MI", "max": "MX", "share": "SH"}
#: Field alias words (the share's names its threshold: :func:`statistic_label`).
LABELS = {"mean": Message("mean"), "sum": Message("sum"), "count": Message("valid pixel count"),
          "min": Message("minimum"), "max": Message("maximum")}


@dataclass
class ZonalOptions:
    statistics: tuple = ("mean",)
    threshold: float | None = None
    band: int = 1
    all_touched: bool = False
    max_pixels: int = 4_194_304  # 2048 x 2048 pixels (32 MiB as float64) per read


class Accumulator:
    """Running count, sum, min, max and count above threshold of one zone."""

    def __init__(self, threshold):
        self.threshold = threshold
        self.count = 0
        self.total = 0.0
        self.low = math.inf
        self.high = -math.inf
        self.above = 0

    def add(self, values: np.ndarray) -> None:
        if values.size == 0:
            return
        self.count += values.size
        self.total += float(values.sum(dtype=np.float64))
        self.low = min(self.low, float(values.min()))
        self.high = max(self.high, float(values.max()))
        if self.threshold is not None:
            self.above += int((values > self.threshold).sum())

    def result(self, statistic: str) -> float:
        if statistic == "count":
            return float(self.count)
        if self.count == 0:
            return math.nan
        return {"mean": self.total / self.count, "sum": self.total, "min": self.low, "max": self.high,
                "share": self.above / self.count}[statistic]


def _pixel_window(transform, bounds, width: int, height: int):
    """(row_start, row_stop, col_start, col_stop) of the pixels under ``bounds``, clipped."""
    minx, miny, maxx, maxy = bounds
    inverse = ~transform
    # Written out: affine 3 deprecates ``inverse * (x, y)`` for ``@``, which affine 2.4 lacks.
    cols, rows = zip(*((inverse.a * x + inverse.b * y + inverse.c, inverse.d * x + inverse.e * y + inverse.f)
                       for x in (minx, maxx) for y in (miny, maxy)))
    col0 = max(math.floor(min(cols)), 0)
    col1 = min(math.ceil(max(cols)), width)
    row0 = max(math.floor(min(rows)), 0)
    row1 = min(math.ceil(max(rows)), height)
    return row0, row1, col0, col1


def _tiles(row0, row1, col0, col1, max_pixels):
    """Windows covering the rectangle, each at most ``max_pixels`` pixels."""
    width = col1 - col0
    step_cols = min(width, max(1, max_pixels))
    step_rows = max(1, max_pixels // max(step_cols, 1))
    for r in range(row0, row1, step_rows):
        for c in range(col0, col1, step_cols):
            yield r, min(r + step_rows, row1), c, min(c + step_cols, col1)


def _reprojected(zones, target, raster_path: str):
    """``zones`` in the raster's CRS; an error naming both CRSs when no transformation exists
    (a local "Undefined Cartesian SRS" has no datum to transform from)."""
    import pyproj
    from pyproj.exceptions import CRSError, ProjError

    try:
        target = pyproj.CRS.from_user_input(target)
        if zones.crs.geodetic_crs is None or target.geodetic_crs is None:
            raise ProjError("local CRS")
        return zones.to_crs(target)
    except (ProjError, CRSError):
        raise InputError(
            "The zones ({zones}) cannot be transformed to the CRS of the raster {path} ({raster}): a local or "
            "undefined CRS has no link to the Earth. Set the zone layer's true CRS (Layer Properties › Source) "
            "or assign the raster's, and run again.",
            zones=zones.crs.name, path=raster_path, raster=getattr(target, "name", target)) from None


def zonal_statistics(geometries, crs, raster_path: str, options: ZonalOptions, progress=None) -> dict:
    """{statistic: array with one value per geometry} for one raster band."""
    import geopandas as gpd
    import rasterio
    from rasterio.features import geometry_mask
    from rasterio.windows import Window

    unknown = [s for s in options.statistics if s not in STATISTICS]
    if unknown or not options.statistics:
        raise InputError("Choose statistics among {statistics}.", statistics=", ".join(STATISTICS))
    if "share" in options.statistics and options.threshold is None:
        raise InputError("The share of pixels above a threshold needs the threshold; set it.")
    try:
        source = rasterio.open(raster_path)
    except rasterio.errors.RasterioIOError as error:
        raise InputError("The raster {path} cannot be opened ({error}).", path=raster_path, error=error) from None
    with source:
        if source.crs is None:
            raise InputError("The raster {path} has no coordinate reference system; assign one (Raster › "
                             "Projections › Assign Projection) and run again.", path=raster_path)
        if not (1 <= options.band <= source.count):
            raise InputError("The raster {path} has {count} band(s); band {band} does not exist.",
                             path=raster_path, count=source.count, band=options.band)
        transform = source.transform
        if transform.b != 0 or transform.d != 0:
            raise InputError("The raster {path} is rotated; warp it to a north-up grid first (gdalwarp).",
                             path=raster_path)
        if crs is None:
            raise InputError("The zones have no coordinate reference system; set the layer's CRS.")
        zones = gpd.GeoSeries(geometries, crs=crs)
        if not zones.crs.equals(source.crs):
            zones = _reprojected(zones, source.crs, raster_path)
        nodata = source.nodatavals[options.band - 1]
        accumulators = [Accumulator(options.threshold) for _ in range(len(zones))]
        total = max(len(zones), 1)
        for i, geometry in enumerate(zones.values):
            if i % 16 == 0:
                report(progress, i / total)
            if geometry is None or geometry.is_empty:
                continue
            row0, row1, col0, col1 = _pixel_window(transform, geometry.bounds, source.width, source.height)
            if row1 <= row0 or col1 <= col0:
                continue
            for r0, r1, c0, c1 in _tiles(row0, row1, col0, col1, options.max_pixels):
                window = Window(c0, r0, c1 - c0, r1 - r0)
                data = source.read(options.band, window=window)
                inside = geometry_mask([geometry], out_shape=data.shape, transform=source.window_transform(window),
                                       all_touched=options.all_touched, invert=True)
                if not inside.any():
                    continue
                values = data[inside].astype(np.float64, copy=False)
                valid = np.isfinite(values)
                if nodata is not None and not (isinstance(nodata, float) and math.isnan(nodata)):
                    valid &= values != nodata
                accumulators[i].add(values[valid])
        report(progress, 1.0)
    return {s: np.array([a.result(s) for a in accumulators]) for s in options.statistics}


def output_stems(stem: str, statistics) -> dict[str, str]:
    """{statistic: field stem}: the stem itself for one statistic, else ≤ 3 letters + a code."""
    if len(statistics) == 1:
        return {statistics[0]: stem}
    return {s: stem[:3] + CODES[s] for s in statistics}


def statistic_label(statistic: str, threshold=None) -> Message:
    if statistic == "share":
        return Message("share of pixels above {threshold}", threshold=threshold)
    return LABELS[statistic]


def zonal_panel(geometries, crs, rasters, stem: str, options: ZonalOptions, progress=None):
    """(columns {field: values}, aliases {field: label}) for rasters [(path, year or None)]."""
    from ..panel import year_field
    from ..progress import span
    from .field_names import is_stem

    if not is_stem(stem):
        raise InputError("The field stem “{stem}” must be 1–5 letters or digits, starting with a letter (e.g. NTL).",
                         stem=stem)
    stems = output_stems(stem, list(options.statistics))
    columns, aliases = {}, {}
    for number, (path, year) in enumerate(rasters):
        found = zonal_statistics(geometries, crs, path, options,
                                 span(progress, number / len(rasters), (number + 1) / len(rasters)))
        for statistic, values in found.items():
            if statistic == "count":
                values = values.astype(np.int64)
            name = stems[statistic] if year is None else year_field(stems[statistic], year)
            columns[name] = values
            label = statistic_label(statistic, options.threshold)
            aliases[name] = (Message("{stem} {statistic}", stem=stem, statistic=label) if year is None else
                             Message("{stem} {statistic} {year}", stem=stem, statistic=label, year=year))
    order = list(stems.values())
    names = sorted(columns, key=lambda name: order.index(name.split("_")[0]))  # by statistic, then year
    return {name: columns[name] for name in names}, aliases
