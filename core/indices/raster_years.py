"""Which year each raster is: from the file name (``ntl_2019.tif``, ``NDVI2015_china.tif``)
or from an explicit list in the rasters' order."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError, preview

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def year_from_name(path) -> int | None:
    """The single year written in the file name; None when there is none or several."""
    found = set(_YEAR.findall(Path(str(path)).stem))
    return int(found.pop()) if len(found) == 1 else None


def parse_years(text: str | None) -> list[int] | None:
    """'2011, 2012 2013' -> [2011, 2012, 2013]; '2011-2019' -> every year; None when empty."""
    if not text or not str(text).strip():
        return None
    years = []
    for part in re.split(r"[,;\s]+", str(text).strip()):
        span = re.fullmatch(r"(\d{4})\s*[-–:]\s*(\d{4})", part)
        if span:
            years.extend(range(int(span.group(1)), int(span.group(2)) + 1))
        elif re.fullmatch(r"\d{4}", part):
            years.append(int(part))
        elif part:
            raise InputError("“{part}” is not a year; list years as 2011, 2012, … or 2011-2019.", part=part)
    return years


def assign_years(paths, years: list[int] | None = None) -> list[int | None]:
    """The year of each raster; errors name the files that have none or share one."""
    paths = [str(p) for p in paths]
    if not paths:
        raise InputError("Choose at least one raster.")
    if years:
        if len(years) != len(paths):
            raise InputError("{years} years were given for {rasters} rasters; give one year per raster, in the "
                             "order of the rasters.", years=len(years), rasters=len(paths))
        found = list(years)
    else:
        found = [year_from_name(p) for p in paths]
        if len(paths) == 1 and found[0] is None:
            return [None]
        unknown = [Path(p).name for p, y in zip(paths, found) if y is None]
        if unknown:
            raise InputError("No single year (e.g. 2019) in the file names {files}; rename them or list the "
                             "years explicitly.", files=preview(unknown))
    repeated = sorted({y for y in found if found.count(y) > 1})
    if repeated:
        raise InputError("Several rasters are for the year(s) {years}; give one raster per year.",
                         years=preview(repeated))
    return found
