"""The zip must pass the QGIS plugin repository's rules."""

import configparser
import importlib.util
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = ("name", "description", "about", "version", "qgisMinimumVersion", "author", "email",
            "tracker", "repository")
RECOMMENDED = ("homepage", "tags", "icon", "changelog", "experimental")


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("build_zip", ROOT / "scripts" / "build_zip.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = module.build(tmp_path_factory.mktemp("dist"))
    with zipfile.ZipFile(path) as opened:
        yield path, opened.namelist(), opened


def test_single_top_folder_with_entry_files(archive):
    _, names, _ = archive
    assert {name.split("/")[0] for name in names} == {"digital_resilience"}
    for required in ("__init__.py", "metadata.txt", "LICENSE"):
        assert f"digital_resilience/{required}" in names


def test_metadata_has_every_field(archive):
    _, _, opened = archive
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(opened.read("digital_resilience/metadata.txt").decode("utf-8"))
    general = parser["general"]
    for key in REQUIRED + RECOMMENDED:
        assert general.get(key, "").strip(), key
    assert general["qgisMinimumVersion"] == "3.22"
    # Tested on 3.22 and 3.40 (README, "Tested versions"); QGIS 4 needs its own declaration.
    assert general["qgisMaximumVersion"] == "3.99"
    assert general["hasProcessingProvider"] == "yes"
    assert f"digital_resilience/{general['icon']}" in opened.namelist()
    assert "@" in general["email"] and general["repository"].startswith("https://")


def test_no_junk_tests_or_build_files(archive):
    path, names, _ = archive
    forbidden = ("__pycache__", ".pyc", ".git/", "/tests/", "/bench/", "/.ci/", "/scripts/",
                 "Makefile", "requirements", "/constraints/", "pyproject.toml", ".gitignore")
    assert [n for n in names if any(f in n for f in forbidden)] == []
    assert path.stat().st_size < 25 * 1024 * 1024


def test_zip_contains_the_packages_and_sample(archive):
    _, names, _ = archive
    for expected in ("core/__init__.py", "processing/provider.py", "plugin/plugin.py",
                     "resources/sample/china_cities.gpkg", "resources/icons/icon.svg"):
        assert f"digital_resilience/{expected}" in names


def test_every_python_file_compiles(archive):
    _, names, opened = archive
    for name in names:
        if name.endswith(".py"):
            compile(opened.read(name).decode("utf-8"), name, "exec")
