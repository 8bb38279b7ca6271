from digital_resilience.core import dependencies
from digital_resilience.core.dependencies import Problem, build_note, pip_command, problems, version_tuple


def test_version_tuple_reads_leading_numbers():
    assert version_tuple("2.9.0") == (2, 9, 0)
    assert version_tuple("1.26.4") == (1, 26, 4)
    assert version_tuple("2.10.0rc1") == (2, 10, 0)
    assert version_tuple("4.14.1.post2") == (4, 14, 1)
    assert version_tuple("2.10") > version_tuple("2.9")


def test_problems_finds_missing_and_old_packages(monkeypatch):
    versions = {"highspy": None, "spreg": "1.2.0", "libpysal": "4.14.1"}
    monkeypatch.setattr(dependencies, "installed_version", lambda name: versions.get(name))
    found = problems(("highspy", "spreg", "libpysal"))
    assert [p.package for p in found] == ["highspy", "spreg"]
    assert found[0].describe() == "highspy (missing; needs >= 1.8)"
    assert found[1].describe() == "spreg 1.2.0 (too old; needs >= 1.4)"


def test_everything_needed_is_installed_in_the_test_environment():
    assert problems() == []


def test_pip_command_names_each_package_and_keeps_numpy_1(monkeypatch):
    monkeypatch.setattr(dependencies, "python_executable", lambda: "/usr/bin/python3.11")
    monkeypatch.setattr(dependencies, "installed_version", lambda name: "1.24.2" if name == "numpy" else None)
    command = pip_command([Problem("esda", "2.5", None), Problem("spopt", "0.5", "0.4")], "linux")
    assert command == ('/usr/bin/python3.11 -m pip install --upgrade --user --break-system-packages '
                       '"esda>=2.5" "spopt>=0.5" "numpy<2"')
    # Nothing to compile: no build note.
    assert build_note([Problem("esda", "2.5", None)], "linux") is None


def test_pip_command_builds_the_proj_gdal_packages_from_source_on_linux(monkeypatch):
    """Their wheels bundle PROJ/GEOS/GDAL and crash QGIS on Linux (requirements.txt, README)."""
    monkeypatch.setattr(dependencies, "python_executable", lambda: "/usr/bin/python3.11")
    monkeypatch.setattr(dependencies, "installed_version", lambda name: None)
    found = [Problem("rasterio", "1.3", None), Problem("shapely", "2.0", "1.8.5"), Problem("spreg", "1.4", None)]
    command = pip_command(found, "linux")
    assert command == ('/usr/bin/python3.11 -m pip install --upgrade --user --break-system-packages '
                       '--no-binary shapely,rasterio "rasterio>=1.3" "shapely>=2.0" "spreg>=1.4"')
    note = build_note(found, "linux")
    assert note.startswith("On Linux, pip builds shapely, rasterio from source")
    assert "double free or corruption" in note
    assert "libproj-dev proj-bin libgeos-dev libgdal-dev" in note and "python3-dev" in note
    assert "pyproj must be 3.6.1" not in note
    # geopandas pulls in pyproj, shapely and pyogrio: they too must not come as wheels.
    found = [Problem("geopandas", "0.12", None)]
    assert "--no-binary pyproj,shapely,pyogrio " in pip_command(found, "linux")
    note = build_note(found, "linux")
    assert note.startswith("On Linux, pip builds pyproj, shapely, pyogrio from source")
    assert "pyproj must be 3.6.1, built with Cython 3.0" in note
    # Windows and macOS: the wheels are the way (OSGeo4W, QGIS.app), no source build.
    monkeypatch.setattr(dependencies, "python_executable", lambda: r"C:\OSGeo4W\bin\python.exe")
    for platform in ("win32", "darwin"):
        command = pip_command(found, platform)
        assert "--no-binary" not in command and "--break-system-packages" not in command
        assert build_note(found, platform) is None
