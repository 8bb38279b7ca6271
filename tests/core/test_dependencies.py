import os
import sys
from pathlib import Path

import pytest

from digital_resilience.core import dependencies
from digital_resilience.core.dependencies import (
    Problem,
    add_site,
    constraints,
    find_python,
    installed_by_pip,
    pip_arguments,
    pip_command,
    pip_environment,
    plan_install,
    problems,
    proj_libraries,
    restart_needed,
    user_site,
    version_tuple,
)


def test_version_tuple_reads_leading_numbers():
    assert version_tuple("2.9.0") == (2, 9, 0)
    assert version_tuple("1.26.4") == (1, 26, 4)
    assert version_tuple("2.10.0rc1") == (2, 10, 0)
    assert version_tuple("4.14.1.post2") == (4, 14, 1)
    assert version_tuple("2.10") > version_tuple("2.9")


def test_problems_finds_missing_and_old_packages(monkeypatch):
    versions = {"highspy": None, "mapclassify": "2.4.0", "geopandas": "1.0.1"}
    monkeypatch.setattr(dependencies, "installed_version", lambda name: versions.get(name))
    found = problems(("highspy", "mapclassify", "geopandas"))
    assert [p.package for p in found] == ["highspy", "mapclassify"]
    assert found[0].describe() == "highspy (missing; needs >= 1.8)"
    assert found[1].describe() == "mapclassify 2.4.0 (too old; needs >= 2.5)"


def test_everything_needed_is_installed_in_the_test_environment():
    assert problems() == []


# ------------------------------------------------------------------ QGIS's interpreter
def fake_tree(root: Path, files) -> None:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")


def probe_from(versions: dict):
    """A stand-in for running an interpreter: the version each fake file 'reports'."""
    return lambda path: versions.get(path)


def test_windows_osgeo4w_and_standalone_layouts(tmp_path):
    """OSGeo4W/standalone: sys.prefix is <QGIS>\\apps\\Python39 (python.exe there); sys.executable is
    qgis-bin.exe, which must never be taken for Python."""
    root = tmp_path / "OSGeo4W"
    fake_tree(root, ["bin/qgis-bin.exe", "apps/Python39/python.exe", "bin/python3.exe"])
    prefix = str(root / "apps" / "Python39").replace("/", "\\")
    expected = prefix + "\\python.exe"
    exists = lambda path: Path(path.replace("\\", "/")).is_file()  # noqa: E731
    found = find_python("win32", prefix, prefix, (3, 9), exists=exists, probe=probe_from({expected: (3, 9)}))
    assert found == expected
    # A prefix at the QGIS root (some builds): apps\Python3X\python.exe.
    rooted = str(root).replace("/", "\\")
    found = find_python("win32", rooted, rooted, (3, 9), exists=exists, probe=probe_from({expected: (3, 9)}))
    assert found == expected
    # Another version answering is not QGIS's.
    assert find_python("win32", prefix, prefix, (3, 9), exists=exists, probe=probe_from({expected: (3, 12)})) is None


def test_linux_layout_takes_the_versioned_interpreter_of_the_prefix_not_path(tmp_path):
    root = tmp_path / "usr"
    fake_tree(root, ["bin/python3.11", "bin/python3", "bin/python3.12"])
    home = tmp_path / "home" / ".pyenv" / "shims"
    fake_tree(home, ["python3"])
    probe = probe_from({str(root / "bin" / "python3.11"): (3, 11), str(root / "bin" / "python3"): (3, 12),
                        str(home / "python3"): (3, 12)})
    assert find_python("linux", str(root), str(root), (3, 11), probe=probe) == str(root / "bin" / "python3.11")
    # A venv's exec_prefix first, its base prefix next.
    venv = tmp_path / "venv"
    fake_tree(venv, ["bin/python3.11"])
    probe = probe_from({str(venv / "bin" / "python3.11"): (3, 11), str(root / "bin" / "python3.11"): (3, 11)})
    assert find_python("linux", str(venv), str(root), (3, 11), probe=probe) == str(venv / "bin" / "python3.11")
    # Only an unversioned python3 of the right version.
    other = tmp_path / "opt"
    fake_tree(other, ["bin/python3"])
    assert find_python("linux", str(other), str(other), (3, 11),
                       probe=probe_from({str(other / "bin" / "python3"): (3, 11)})) == str(other / "bin" / "python3")


def test_macos_app_bundle_layout(tmp_path):
    contents = tmp_path / "Applications" / "QGIS.app" / "Contents"
    fake_tree(contents, ["MacOS/QGIS", "MacOS/bin/python3", "Frameworks/Python.framework/Versions/3.9/lib/x"])
    prefix = str(contents / "Frameworks" / "Python.framework" / "Versions" / "3.9")
    python = str(contents / "MacOS" / "bin" / "python3")
    assert find_python("darwin", prefix, prefix, (3, 9), probe=probe_from({python: (3, 9)})) == python
    # A prefix inside the bundle's MacOS folder.
    macos = str(contents / "MacOS")
    assert find_python("darwin", macos, macos, (3, 9), probe=probe_from({python: (3, 9)})) == python


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="this machine: Debian 12")
def test_on_this_machine_qgis_python_is_usr_bin_python3():
    """QGIS on Debian runs /usr/bin/python3.X (3.11 on Debian 12, 3.13 on 13; sys.base_prefix /usr);
    real probe, no stand-ins."""
    found = find_python("linux", sys.base_prefix, sys.base_prefix)
    system = os.path.realpath("/usr/bin/python3")
    assert found in (system, "/usr/bin/python3")
    assert os.path.realpath(found) == system


# ------------------------------------------------------------------ where packages go
def test_user_site_follows_python_site_rules():
    assert user_site("/p/base", "linux", (3, 11)) == "/p/base/lib/python3.11/site-packages"
    assert user_site(r"C:\Users\a\AppData\Roaming\QGIS\QGIS3\profiles\default\python\pk", "win32", (3, 9)) == \
        r"C:\Users\a\AppData\Roaming\QGIS\QGIS3\profiles\default\python\pk\Python39\site-packages"
    assert user_site("/p/base", "darwin", (3, 9), framework=True) == "/p/base/lib/python/site-packages"
    assert user_site("/p/base", "darwin", (3, 9), framework=False) == "/p/base/lib/python3.9/site-packages"


def test_user_site_is_what_python_itself_uses(tmp_path):
    import subprocess

    env = dict(os.environ, PYTHONUSERBASE=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", "import site; print(site.getusersitepackages())"],
                         capture_output=True, text=True, env=env).stdout.strip()
    assert out == user_site(str(tmp_path))


def test_add_site_goes_before_the_system_packages(tmp_path):
    path = ["/usr/share/qgis/python", "/usr/lib/python311.zip", "/usr/lib/python3.11",
            "/usr/local/lib/python3.11/dist-packages", "/usr/lib/python3/dist-packages"]
    assert not add_site(str(tmp_path / "absent"), path)
    assert add_site(str(tmp_path), path)
    assert path.index(str(tmp_path)) == 3
    assert add_site(str(tmp_path), path) and path.count(str(tmp_path)) == 1


# ------------------------------------------------------------------ install plan
DEBIAN = {"numpy": "1.24.2", "pyproj": "3.4.1", "GDAL": "3.6.2", "scipy": "1.10.1"}


def test_constraints_pin_qgis_numpy_pyproj_gdal():
    assert constraints(DEBIAN.get) == ["pyproj==3.4.1", "numpy==1.24.2", "GDAL==3.6.2"]
    # pyproj missing: forbidden outright (no version satisfies '<0'), so pip cannot bring its wheel.
    assert constraints({"numpy": "1.24.2"}.get) == ["pyproj<0", "numpy==1.24.2"]
    # numpy being upgraded is not pinned.
    assert constraints(DEBIAN.get, {"numpy"}) == ["pyproj==3.4.1", "GDAL==3.6.2"]


def test_plan_installs_everything_but_pyproj_from_pip():
    found = [Problem("pandas", "1.4", None), Problem("geopandas", "0.12", None), Problem("libpysal", "4.9", None)]
    plan = plan_install(found, DEBIAN.get, "linux", conda=False)
    assert plan.requirements() == ["pandas>=1.4", "geopandas>=0.12", "libpysal>=4.9"]
    assert plan.refused == [] and plan.distribution_command is None
    assert "pyproj==3.4.1" in plan.constraints


@pytest.mark.parametrize(("platform", "conda", "command"), [
    ("linux", False, "sudo apt install python3-pyproj"),
    ("win32", False, "OSGeo4W Setup"),
    ("linux", True, "conda install -c conda-forge pyproj"),
])
def test_plan_refuses_pyproj_and_what_pulls_it_in(platform, conda, command):
    found = [Problem("pandas", "1.4", None), Problem("pyproj", "3.3", None), Problem("geopandas", "0.12", None),
             Problem("mapclassify", "2.5", None), Problem("highspy", "1.8", None)]
    plan = plan_install(found, {"numpy": "1.24.2"}.get, platform, conda=conda)
    assert plan.requirements() == ["pandas>=1.4", "mapclassify>=2.5", "highspy>=1.8"]
    assert [p.package for p in plan.refused] == ["pyproj", "geopandas"]
    assert command in plan.distribution_command
    assert "pyproj<0" in plan.constraints
    # Too old counts as missing: pip must not replace it with a wheel either.
    plan = plan_install([Problem("pyproj", "3.3", "3.0.1")], {"pyproj": "3.0.1"}.get, "linux", conda=False)
    assert plan.install == [] and plan.refused


def test_pip_arguments_and_environment():
    plan = plan_install([Problem("pandas", "1.4", None)], DEBIAN.get, "linux", conda=False)
    arguments = pip_arguments(plan, "/tmp/c.txt", "https://pypi.tuna.tsinghua.edu.cn/simple", "http://proxy:3128")
    assert arguments[:5] == ["-m", "pip", "install", "--user", "--upgrade"]
    assert arguments[arguments.index("--constraint") + 1] == "/tmp/c.txt"
    assert arguments[arguments.index("--index-url") + 1] == "https://pypi.tuna.tsinghua.edu.cn/simple"
    assert arguments[arguments.index("--proxy") + 1] == "http://proxy:3128"
    assert arguments[-1] == "pandas>=1.4"
    assert "--target" not in arguments  # --target ignores installed packages: a second numpy, a pyproj wheel
    assert "--index-url" not in pip_arguments(plan, "/tmp/c.txt")
    env = pip_environment("/profile/python/digital_resilience_packages",
                          {"PATH": "/usr/bin", "PYTHONNOUSERSITE": "1", "PYTHONPATH": "/qgis/python",
                           "PIP_TARGET": "x"})
    assert env["PYTHONUSERBASE"] == "/profile/python/digital_resilience_packages"
    assert env["PYTHONPATH"] == "/qgis/python" and env["PIP_BREAK_SYSTEM_PACKAGES"] == "1"
    assert "PYTHONNOUSERSITE" not in env and "PIP_TARGET" not in env


def test_pip_command_for_a_terminal():
    found = [Problem("pandas", "1.4", None), Problem("geopandas", "0.12", None)]
    command = pip_command(found, "linux", "/usr/bin/python3.11", DEBIAN.get, managed=True)
    assert command == ('/usr/bin/python3.11 -m pip install --user --break-system-packages "pandas>=1.4" '
                       '"geopandas>=0.12" pyproj==3.4.1 numpy==1.24.2 GDAL==3.6.2')
    windows = pip_command(found, "win32", r"C:\Program Files\QGIS 3.22.16\apps\Python39\python.exe",
                          {"numpy": "1.22.4", "pyproj": "3.4.1"}.get, managed=False)
    assert windows.startswith(r'"C:\Program Files\QGIS 3.22.16\apps\Python39\python.exe" -m pip install --user ')
    assert "pyproj==3.4.1" in windows and "--break-system-packages" not in windows
    # Nothing pip may install: no command.
    assert pip_command([Problem("pyproj", "3.3", None)], "linux", "/usr/bin/python3", {}.get) == ""


# ------------------------------------------------------------------ after pip
def test_installed_by_pip_and_restart():
    log = ("Collecting pandas\nInstalling collected packages: tzdata, pandas\n"
           "Successfully installed pandas-2.3.3 scikit-learn-1.9.1 tzdata-2026.6\n")
    names = installed_by_pip(log)
    assert names == ["pandas", "scikit-learn", "tzdata"]
    assert restart_needed(names, {"pandas": object()}) == ["pandas"]
    assert restart_needed(names, {"sklearn": object()}) == ["scikit-learn"]
    assert restart_needed(names, {"numpy": object()}) == []


def test_proj_libraries_in_a_maps_file():
    maps = ("7f0 r-xp 00000000 08:01 1 /usr/lib/x86_64-linux-gnu/libproj.so.25.9.1.1\n"
            "7f1 r--p 00000000 08:01 2 /usr/lib/x86_64-linux-gnu/libproj.so.25.9.1.1\n"
            "7f2 r-xp 00000000 08:01 3 /home/u/.local/lib/python3.11/site-packages/pyproj.libs/"
            "libproj-b7b9ba08.so.25.9.6.0\n"
            "7f3 r-xp 00000000 08:01 4 /usr/lib/x86_64-linux-gnu/libgdal.so.32\n7f4 rw-p 00000000 00:00 0\n")
    assert proj_libraries(maps) == {
        "/usr/lib/x86_64-linux-gnu/libproj.so.25.9.1.1",
        "/home/u/.local/lib/python3.11/site-packages/pyproj.libs/libproj-b7b9ba08.so.25.9.6.0"}
