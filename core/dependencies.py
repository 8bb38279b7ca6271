"""Which third-party Python packages are present, and how to install the missing ones.

QGIS-free and import-free: versions are read with :mod:`importlib.metadata`, so
checking costs milliseconds and never imports the (heavy) packages themselves.
The plugin uses this at start-up and in its "Install dependencies…" dialog
(``plugin/installer.py``); every algorithm uses it before it runs, to fail with a
clear message naming its own packages instead of an import traceback.

Installing (the dialog, or the command line it shows):

* pip of **QGIS's own interpreter** (:func:`find_python`: from ``sys.exec_prefix`` /
  ``sys.base_prefix`` and the platform's layout, never ``PATH``, checked to report the
  same version; inside QGIS ``sys.executable`` is QGIS itself or whatever ``python3``
  comes first on ``PATH``);
* ``--user`` with ``PYTHONUSERBASE`` set to a folder of the plugin's own in the QGIS
  profile (:func:`packages_base`, :func:`user_site`), which the plugin puts on
  ``sys.path`` at start-up (:func:`add_site`). Unlike ``--target`` (which ignores what is
  installed and would bring a second numpy and a pyproj wheel), ``--user`` lets pip see
  the packages QGIS's Python already has; unlike the plain user site, the folder is
  QGIS's alone (no other Python on the machine sees it, one folder to delete) and
  needs no administrator rights on Windows;
* pyproj comes from the distribution only (:data:`DISTRIBUTION_ONLY`): its PyPI wheels
  bundle their own PROJ, and two PROJs in QGIS's process abort it ("double free or
  corruption" on Linux; on Windows a wheel's PROJ reads QGIS's ``proj.db``). The
  constraints file (:func:`constraints`) pins it to the installed version, so pip picks
  releases that work with it (geopandas 1.0.1 with Debian 12's pyproj 3.4.1), or, when
  it is missing or too old, forbids it, and the packages that pull it in are refused
  with the distribution's command (:func:`distribution_command`). numpy is pinned too
  (GDAL's bindings are built against QGIS's numpy). Wheels of shapely, pyogrio and
  rasterio are safe in QGIS's process (measured on Debian 12 with QGIS 3.22).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from importlib import metadata

from .errors import Message

#: Minimum versions. shapely 2 is needed for its vectorised API; the rest are the oldest
#: versions tested to work.
MINIMUM_VERSIONS: dict[str, str] = {
    "numpy": "1.22",
    "scipy": "1.8",
    "pandas": "1.4",
    "shapely": "2.0",
    "pyproj": "3.3",
    "geopandas": "0.12",
    "mapclassify": "2.5",
    # The exact MIP solver of the coverage model (resilience:corenodecoverage); a wheel
    # with its own HiGHS library and no GDAL/PROJ/GEOS, safe in QGIS's Python. 1.8 added
    # the callbacks (cbMipInterrupt, cbSimplexInterrupt) behind progress and Cancel.
    "highspy": "1.8",
}
# libpysal, esda, spopt and spreg are not needed at run time: the spatial weights (core/weights),
# the permutation engine (core/autocorrelation), the coverage models (core/coverage) and the
# spatial ML models (core/econometrics, also behind spatial β-convergence) are our own, for the
# reasons given there; the four libraries remain test and benchmark peers (requirements-dev.txt).

#: The packages whose absence the plugin reports at start-up.
ALL_PACKAGES: tuple[str, ...] = tuple(MINIMUM_VERSIONS)

#: Packages that only some algorithms need, checked when those run (not at start-up):
#: rasterio for zonal statistics of rasters, openpyxl for XLSX indicator tables and paper tables,
#: python-docx (imported as ``docx``) for Word paper tables, matplotlib for charts (each skipped
#: with a note when it is missing).
OPTIONAL_VERSIONS: dict[str, str] = {"rasterio": "1.3", "openpyxl": "3.0", "python-docx": "1.0", "matplotlib": "3.3"}
MINIMUM_VERSIONS.update(OPTIONAL_VERSIONS)

#: Packages that must come from the distribution (built against the PROJ QGIS uses), with
#: the packages whose installation pulls them in (their dependencies, direct or not).
DISTRIBUTION_ONLY: tuple[str, ...] = ("pyproj",)
PULLS_IN: dict[str, tuple[str, ...]] = {
    "pyproj": ("pyproj",),
    "geopandas": ("pyproj",),
}
#: Installed packages pinned to their installed version whenever pip runs: pyproj (PROJ) and
#: numpy and GDAL (QGIS's GDAL bindings, SciPy and matplotlib are built against that numpy).
PINNED: tuple[str, ...] = ("pyproj", "numpy", "GDAL")

#: The folder (in the QGIS profile's ``python/`` folder) where the dialog installs.
PACKAGES_FOLDER = "digital_resilience_packages"


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

    def requirement(self) -> str:
        return f"{self.package}>={self.required}"


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


# ------------------------------------------------------------ QGIS's interpreter
def python_candidates(platform: str, prefixes, version: tuple[int, int]) -> list[str]:
    r"""Where QGIS's own Python interpreter may be, best first, for each of ``prefixes``
    (``sys.exec_prefix``, ``sys.base_prefix``):

    * Windows (OSGeo4W, standalone installer): ``sys.prefix`` is ``<QGIS>\apps\Python39``
      and holds ``python.exe``; from the QGIS root, ``apps\Python3X\python.exe``;
    * macOS (QGIS.app): ``<prefix>/bin/python3.X``, and the app bundle's
      ``Contents/MacOS/bin/python3``;
    * Linux and the rest: ``<prefix>/bin/python3.X``, then ``<prefix>/bin/python3``.
    """
    major, minor = version[0], version[1]
    found: list[str] = []

    def add(path: str) -> None:
        if path not in found:
            found.append(path)

    for prefix in prefixes:
        if not prefix:
            continue
        if platform == "win32":
            join = _ntjoin
            add(join(prefix, "python.exe"))
            add(join(prefix, "apps", f"Python{major}{minor}", "python.exe"))
            add(join(prefix, "bin", "python.exe"))
            add(join(prefix, "bin", "python3.exe"))
            continue
        add(os.path.join(prefix, "bin", f"python{major}.{minor}"))
        add(os.path.join(prefix, "bin", f"python{major}"))
        if platform == "darwin":
            contents = _app_contents(prefix)
            if contents:
                add(os.path.join(contents, "MacOS", "bin", f"python{major}.{minor}"))
                add(os.path.join(contents, "MacOS", "bin", f"python{major}"))
    return found


def _ntjoin(*parts: str) -> str:
    return "\\".join(part.rstrip("\\/") for part in parts)


def _app_contents(prefix: str) -> str | None:
    """``…/QGIS.app/Contents`` when ``prefix`` lies inside a macOS app bundle."""
    parts = prefix.split("/")
    for index, part in enumerate(parts):
        if part.endswith(".app") and index + 1 < len(parts) and parts[index + 1] == "Contents":
            return "/".join(parts[: index + 2])
    return None


def probe_version(executable: str) -> tuple[int, int] | None:
    """The (major, minor) version an interpreter reports, or None when it does not run."""
    try:
        result = subprocess.run([executable, "-c", "import sys; print(sys.version_info[0], sys.version_info[1])"],
                                capture_output=True, text=True, timeout=30, env=_clean_environment(os.environ),
                                **_no_window())
    except (OSError, subprocess.SubprocessError):
        return None
    numbers = result.stdout.split()
    if result.returncode != 0 or len(numbers) != 2:
        return None
    return int(numbers[0]), int(numbers[1])


def _no_window() -> dict:
    """No console window flashing up on Windows."""
    return {"creationflags": getattr(subprocess, "CREATE_NO_WINDOW", 0)} if sys.platform == "win32" else {}


def find_python(platform: str | None = None, exec_prefix: str | None = None, base_prefix: str | None = None,
                version: tuple[int, int] | None = None, exists=os.path.isfile, probe=probe_version) -> str | None:
    """QGIS's own Python interpreter: the first candidate of :func:`python_candidates` that
    exists and reports ``version`` (default: this interpreter's), or None."""
    platform = platform or sys.platform
    version = tuple(version or sys.version_info[:2])
    prefixes = (sys.exec_prefix if exec_prefix is None else exec_prefix,
                sys.base_prefix if base_prefix is None else base_prefix)
    for candidate in python_candidates(platform, prefixes, version):
        if exists(candidate) and probe(candidate) == version:
            return candidate
    return None


_PYTHON: list[str] = []


def python_executable() -> str:
    """QGIS's Python interpreter (:func:`find_python`, found once per session); when none
    is found, the interpreter's expected path, for a message."""
    if not _PYTHON:
        found = find_python()
        _PYTHON.append(found or python_candidates(sys.platform, (sys.exec_prefix,), sys.version_info[:2])[0])
    return _PYTHON[0]


# ------------------------------------------------------------ where packages go
def packages_base(profile_dir: str) -> str:
    """The plugin's package folder (pip's ``PYTHONUSERBASE``) in a QGIS profile folder."""
    return os.path.join(profile_dir, "python", PACKAGES_FOLDER)


def user_site(base: str, platform: str | None = None, version: tuple[int, int] | None = None,
              framework: bool | None = None) -> str:
    """The ``site-packages`` folder that ``pip install --user`` fills with ``PYTHONUSERBASE=base``
    (the rule of Python's ``site._get_path``)."""
    platform = platform or sys.platform
    major, minor = tuple(version or sys.version_info[:2])
    if platform == "win32":
        return _ntjoin(base, f"Python{major}{minor}", "site-packages")
    if framework is None:
        framework = bool(getattr(sys, "_framework", ""))
    if platform == "darwin" and framework:
        return os.path.join(base, "lib", "python", "site-packages")
    return os.path.join(base, "lib", f"python{major}.{minor}", "site-packages")


def add_site(site_dir: str, path: list | None = None) -> bool:
    """Put ``site_dir`` on ``path`` (default ``sys.path``) before the first site-packages or
    dist-packages folder, where Python puts the user site, so that a package installed there
    replaces an older copy of the system's. False when the folder does not exist."""
    path = sys.path if path is None else path
    if not os.path.isdir(site_dir):
        return False
    normal = os.path.normcase(os.path.abspath(site_dir))
    path[:] = [entry for entry in path if os.path.normcase(os.path.abspath(entry or ".")) != normal]
    position = next((index for index, entry in enumerate(path)
                     if os.path.basename(os.path.normpath(entry or ".")).lower() in ("site-packages", "dist-packages")),
                    len(path))
    path.insert(position, site_dir)
    return True


def is_conda(prefix: str | None = None) -> bool:
    return os.path.isdir(os.path.join(prefix or sys.prefix, "conda-meta"))


def externally_managed() -> bool:
    """The interpreter is "externally managed" (PEP 668: Debian, Ubuntu, Fedora...); a
    virtual environment never is."""
    import sysconfig

    if sys.prefix != sys.base_prefix:
        return False
    return os.path.isfile(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED"))


# ---------------------------------------------------------------- install plan
@dataclass
class InstallPlan:
    """What pip installs, what it must not (and the distribution's command for those), and
    the constraints that keep QGIS's own packages."""

    install: list[Problem]
    refused: list[Problem] = field(default_factory=list)
    constraints: list[str] = field(default_factory=list)
    distribution_command: str | None = None

    def requirements(self) -> list[str]:
        return [problem.requirement() for problem in self.install]


def distribution_command(platform: str | None = None, conda: bool | None = None) -> Message:
    """How to install pyproj built against QGIS's PROJ on this platform."""
    platform = platform or sys.platform
    if conda if conda is not None else is_conda():
        return Message("conda install -c conda-forge pyproj (in QGIS's conda environment)")
    if platform == "win32":
        return Message("the OSGeo4W Setup (Advanced Install), package python3-pyproj")
    if platform == "darwin":
        return Message("a QGIS.app that ships pyproj (the official installers do), or QGIS from conda-forge")
    return Message("sudo apt install python3-pyproj (Debian, Ubuntu) or sudo dnf install python3-pyproj (Fedora)")


def constraints(installed=None, upgrading=()) -> list[str]:
    """Constraint lines: each package of :data:`PINNED` (but those in ``upgrading``) at its
    installed version; pyproj, when missing, at no version at all (pip then refuses anything
    that needs it rather than bring a wheel with its own PROJ)."""
    installed = installed or installed_version
    lines = []
    for package in PINNED:
        if package in upgrading:
            continue
        version = installed(package)
        if version:
            lines.append(f"{package}=={version}")
        elif package in DISTRIBUTION_ONLY:
            lines.append(f"{package}<0")
    return lines


def plan_install(found: list[Problem], installed=None, platform: str | None = None,
                 conda: bool | None = None) -> InstallPlan:
    """The :class:`InstallPlan` for ``found`` (from :func:`problems`)."""
    unavailable = {problem.package for problem in found if problem.package in DISTRIBUTION_ONLY}
    install, refused = [], []
    for problem in found:
        if problem.package in DISTRIBUTION_ONLY or unavailable & set(PULLS_IN.get(problem.package, ())):
            refused.append(problem)
        else:
            install.append(problem)
    command = distribution_command(platform, conda) if refused else None
    return InstallPlan(install, refused, constraints(installed, {p.package for p in install}), command)


def pip_arguments(plan: InstallPlan, constraints_file: str, index_url: str | None = None,
                  proxy: str | None = None) -> list[str]:
    """The arguments after the interpreter: ``-m pip install --user …`` (run with
    :func:`pip_environment`)."""
    arguments = ["-m", "pip", "install", "--user", "--upgrade", "--upgrade-strategy", "only-if-needed",
                 "--disable-pip-version-check", "--no-input", "--progress-bar", "off",
                 "--constraint", constraints_file]
    if index_url:
        arguments += ["--index-url", index_url]
    if proxy:
        arguments += ["--proxy", proxy]
    return arguments + plan.requirements()


def pip_environment(base: str, environ=None) -> dict:
    """The environment of the pip run: QGIS's own (Windows QGIS needs its PYTHONHOME and
    PYTHONPATH), pip's user scheme pointed at ``base``, PEP 668's guard lifted (the folder is
    the plugin's, not the system's)."""
    env = _clean_environment(os.environ if environ is None else environ)
    env.update({"PYTHONUSERBASE": base, "PIP_BREAK_SYSTEM_PACKAGES": "1", "PYTHONIOENCODING": "utf-8",
                "PYTHONUNBUFFERED": "1"})
    return env


def _clean_environment(environ) -> dict:
    """``environ`` without what would stop a child Python from seeing the user site or make
    it ignore QGIS's paths."""
    drop = {"PYTHONNOUSERSITE", "PYTHONSAFEPATH", "PIP_USER", "PIP_TARGET", "PIP_PREFIX", "PIP_REQUIRE_VIRTUALENV"}
    return {key: value for key, value in environ.items() if key not in drop}


def quoted(argument: str, platform: str | None = None) -> str:
    """An argument as a shell (or cmd.exe) needs it."""
    if argument and not re.search(r'[\s"\'<>|&;()*?$`!\\]' if (platform or sys.platform) != "win32"
                                  else r'[\s"<>|&^()]', argument):
        return argument
    return '"' + argument.replace('"', '\\"') + '"'


def pip_command(found: list[Problem], platform: str | None = None, python: str | None = None,
                installed=None, managed: bool | None = None) -> str:
    """The command-line equivalent of the dialog's Install, for a terminal (the OSGeo4W Shell
    on Windows): the packages pip may install into the user site, with QGIS's numpy and
    pyproj pinned as requirements (already installed, so pip keeps them)."""
    platform = platform or sys.platform
    plan = plan_install(found, installed, platform)
    if not plan.install:
        return ""
    pins = [line for line in plan.constraints if "==" in line]
    extra = []
    if managed if managed is not None else (platform.startswith("linux") and externally_managed()):
        extra.append("--break-system-packages")
    words = [python or python_executable(), "-m", "pip", "install", "--user", *extra, *plan.requirements(), *pins]
    return " ".join(quoted(word, platform) for word in words)


# ---------------------------------------------------------------- after pip
def installed_by_pip(log: str) -> list[str]:
    """The distributions named in pip's "Successfully installed a-1.0 b-2.0" line."""
    names = []
    for line in log.splitlines():
        if line.startswith("Successfully installed "):
            for item in line[len("Successfully installed "):].split():
                names.append(item.rsplit("-", 1)[0])
    return names


#: Import names of distributions whose name is not their module's.
IMPORT_NAMES = {"scikit-learn": "sklearn", "beautifulsoup4": "bs4", "python-dateutil": "dateutil",
                "pyyaml": "yaml", "pillow": "PIL", "gdal": "osgeo"}


def restart_needed(distributions, modules=None) -> list[str]:
    """The distributions among ``distributions`` whose module this session has already
    imported: the new version takes effect only after QGIS restarts."""
    modules = sys.modules if modules is None else modules
    stale = []
    for name in distributions:
        key = name.lower().replace("_", "-")
        module = IMPORT_NAMES.get(key, key.replace("-", "_"))
        if module in modules:
            stale.append(name)
    return stale


def proj_libraries(maps: str) -> set[str]:
    """The PROJ shared libraries named in a ``/proc/<pid>/maps`` text."""
    found = set()
    for line in maps.splitlines():
        path = line.split()[-1] if line.split() else ""
        if re.search(r"/libproj[-.\w]*\.so", path) or re.search(r"proj_\d+.*\.(dll|dylib)$", path):
            found.add(path)
    return found
