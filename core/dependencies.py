"""Which third-party Python packages are present, and how to install the missing ones.

QGIS-free and import-free: versions are read with :mod:`importlib.metadata`, so
checking costs milliseconds and never imports the (heavy) packages themselves.
The plugin uses this at start-up to show one message; every algorithm uses it
before it runs, to fail with a clear message instead of an import traceback.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from importlib import metadata

from .errors import Message

#: Minimum versions. shapely 2 is needed for its vectorised API; libpysal 4.9
#: introduced ``libpysal.graph``; the rest are the oldest versions tested to work.
MINIMUM_VERSIONS: dict[str, str] = {
    "numpy": "1.22",
    "scipy": "1.8",
    "pandas": "1.4",
    "shapely": "2.0",
    "pyproj": "3.3",
    "geopandas": "0.12",
    "libpysal": "4.9",
    "spreg": "1.4",
    "mapclassify": "2.5",
    # The exact MIP solver of the coverage model (resilience:corenodecoverage); a wheel
    # with its own HiGHS library and no GDAL/PROJ/GEOS, safe in QGIS's Python. 1.8 added
    # the callbacks (cbMipInterrupt, cbSimplexInterrupt) behind progress and Cancel.
    "highspy": "1.8",
}
# esda and spopt are not needed at run time: the permutation engine (core/autocorrelation)
# and the coverage models (core/coverage) are our own, for the reasons given there; both
# libraries remain test and benchmark peers (requirements-dev.txt).

#: The packages whose absence the plugin reports at start-up.
ALL_PACKAGES: tuple[str, ...] = tuple(MINIMUM_VERSIONS)

#: Packages that only some algorithms need, checked when those run (not at start-up):
#: rasterio for zonal statistics of rasters, openpyxl for XLSX indicator tables,
#: matplotlib for charts (skipped with a note when it is missing).
OPTIONAL_VERSIONS: dict[str, str] = {"rasterio": "1.3", "openpyxl": "3.0", "matplotlib": "3.3"}
MINIMUM_VERSIONS.update(OPTIONAL_VERSIONS)

#: Packages whose PyPI wheels bundle their own PROJ, GEOS or GDAL: on Linux, two copies of
#: PROJ or GDAL in QGIS's process corrupt memory ("double free or corruption"), so pip must
#: build them from source against the system's libraries (the ones QGIS uses).
SOURCE_BUILDS: tuple[str, ...] = ("pyproj", "shapely", "pyogrio", "rasterio")
#: Those that pip installs along with a package when they are missing (its dependencies).
PULLED_IN: dict[str, tuple[str, ...]] = {"geopandas": ("pyproj", "shapely", "pyogrio")}
#: What building them needs on Debian/Ubuntu (the Makefile's BUILD_PACKAGES, plus a compiler).
BUILD_PACKAGES = "build-essential python3-dev libproj-dev proj-bin libgeos-dev libgdal-dev"


@dataclass(frozen=True)
class Problem:
    """A required package that is missing or too old."""

    package: str
    required: str
    installed: str | None  # None when missing

    def describe(self) -> Message:
        if self.installed is None:
            return Message("{package} (missing; needs >= {required})", package=self.package, required=self.required)
        return Message("{package} {installed} (too old; needs >= {required})", package=self.package,
                       installed=self.installed, required=self.required)


def version_tuple(text: str) -> tuple[int, ...]:
    """Leading numeric components of a version string: '2.9.0rc1' -> (2, 9, 0)."""
    parts = []
    for piece in text.split("."):
        match = re.match(r"\d+", piece)
        if not match:
            break
        parts.append(int(match.group()))
    return tuple(parts)


def installed_version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def problems(packages=ALL_PACKAGES) -> list[Problem]:
    """The packages among ``packages`` that are missing or older than required."""
    found = []
    for package in packages:
        required = MINIMUM_VERSIONS[package]
        version = installed_version(package)
        if version is None or version_tuple(version) < version_tuple(required):
            found.append(Problem(package, required, version))
    return found


def python_executable() -> str:
    """The Python interpreter behind QGIS (inside QGIS, sys.executable is QGIS itself)."""
    exe = sys.executable or ""
    if os.path.basename(exe).lower().startswith("python"):
        return exe
    if sys.platform == "win32":
        return os.path.join(sys.exec_prefix, "python.exe")
    candidate = os.path.join(
        sys.exec_prefix, "bin", f"python{sys.version_info.major}.{sys.version_info.minor}"
    )
    if os.path.exists(candidate):
        return candidate
    return os.path.join(sys.exec_prefix, "bin", "python3")


def is_linux(platform: str | None = None) -> bool:
    return (platform or sys.platform).startswith("linux")


def source_builds(found: list[Problem], platform: str | None = None) -> list[str]:
    """The packages of :data:`SOURCE_BUILDS` that pip may install for ``found`` (named, or
    pulled in by one of them) and must build from source: on Linux only."""
    if not is_linux(platform):
        return []
    wanted = set()
    for problem in found:
        wanted.add(problem.package)
        wanted.update(PULLED_IN.get(problem.package, ()))
    return [package for package in SOURCE_BUILDS if package in wanted]


def build_note(found: list[Problem], platform: str | None = None) -> Message | None:
    """What the source builds of :func:`pip_command` need, or None when there are none."""
    builds = source_builds(found, platform)
    if not builds:
        return None
    if "pyproj" in builds:
        return Message(
            "On Linux, pip builds {packages} from source against the system's PROJ, GEOS and GDAL "
            "(their PyPI wheels bundle other copies, which crash QGIS with 'double free or "
            "corruption'); this needs the development packages ({build_packages} on Debian/Ubuntu). "
            "With PROJ 9.1 (Debian 12) pyproj must be 3.6.1, built with Cython 3.0 (see the plugin's README).",
            packages=", ".join(builds), build_packages=BUILD_PACKAGES)
    return Message(
        "On Linux, pip builds {packages} from source against the system's PROJ, GEOS and GDAL "
        "(their PyPI wheels bundle other copies, which crash QGIS with 'double free or "
        "corruption'); this needs the development packages ({build_packages} on Debian/Ubuntu).",
        packages=", ".join(builds), build_packages=BUILD_PACKAGES)


def pip_command(found: list[Problem], platform: str | None = None) -> str:
    """The exact command that installs or upgrades ``found`` into QGIS's Python."""
    requirements = [f'"{p.package}>={p.required}"' for p in found]
    numpy = installed_version("numpy")
    if numpy and version_tuple(numpy) < (2,):
        # Keep the numpy that GDAL and QGIS were built against.
        requirements.append('"numpy<2"')
    exe = python_executable()
    if " " in exe:
        exe = f'"{exe}"'
    extra = ""
    if is_linux(platform) and exe.startswith("/usr/"):
        # Debian/Ubuntu's Python is "externally managed" (PEP 668).
        extra = " --user --break-system-packages"
    builds = source_builds(found, platform)
    if builds:
        extra += " --no-binary " + ",".join(builds)
    return f"{exe} -m pip install --upgrade{extra} " + " ".join(requirements)
