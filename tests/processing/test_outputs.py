"""Outputs (processing/io/outputs.py, used by every algorithm through the base class): a folder
or file that cannot be written is refused before the work with one clear message, an output
that is an input is refused, a GeoPackage's other layers are kept, and a failed or cancelled
run leaves nothing behind.

Read-only folders: root ignores permission bits, so the tests make the folder immutable with
``chattr +i`` (ext4, overlayfs and tmpfs support it); as another user they take ``chmod 555``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess

import pytest

MESSAGE = r"Cannot write .*{name}: permission denied"


def run(name, parameters, **kwargs):
    import processing

    return processing.run(f"resilience:{name}", parameters, **kwargs)


def gpkg_tables(path) -> list[str]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = connection.execute("SELECT table_name FROM gpkg_contents")
        return sorted(row[0] for row in rows if row[0] != "layer_styles")  # QGIS's stored styles
    finally:
        connection.close()


def feature_count(path, layer) -> int:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute(f'SELECT count(*) FROM "{layer}"').fetchone()[0]
    finally:
        connection.close()


@pytest.fixture()
def lock():
    """``lock(path)`` makes a folder or file read-only, even for root (undone afterwards)."""
    locked = []

    def make_read_only(path):
        if os.geteuid() == 0:
            if shutil.which("chattr") is None:  # e2fsprogs: in every Debian install, not in a bare chroot
                pytest.skip("chattr (e2fsprogs) is missing: as root only an immutable file is read-only")
            done = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
            if done.returncode != 0:
                pytest.skip(f"chattr +i is not supported here: {done.stderr.decode().strip()}")
        else:
            os.chmod(path, 0o555 if path.is_dir() else 0o444)
        locked.append(path)
        return path

    yield make_read_only
    for path in locked:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        else:
            os.chmod(path, 0o755 if path.is_dir() else 0o644)


@pytest.fixture()
def study(tmp_path, cities_path):
    """A copy of the sample cities in its own folder (the input of the run)."""
    folder = tmp_path / "study"
    folder.mkdir()
    path = folder / "cities.gpkg"
    shutil.copyfile(cities_path, path)
    return path


def weights_parameters(study, **extra):
    return {"INPUT": f"{study}|layername=cities", "ID_FIELD": "adcode", "KIND": 0, "OUTPUT": "TEMPORARY_OUTPUT",
            **extra}


def lisa_parameters(study, **extra):
    return {"INPUT": f"{study}|layername=cities", "FIELD": "area_km2", "WEIGHTS_ID_FIELD": "adcode",
            "PERMUTATIONS": 99, "OUTPUT": "TEMPORARY_OUTPUT", **extra}


def written(folder) -> list[str]:
    """Every file under ``folder`` (relative names), temporary ones included."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


# ----------------------------------------------------------- read-only outputs
# One case per kind of file output: (algorithm, parameters, the output's name in the locked folder).
READ_ONLY_CASES = {
    "GAL file": ("spatialweights", lambda s, out: weights_parameters(s, WEIGHTS_OUTPUT=str(out / "w.gal")), "w.gal"),
    "HTML report": ("spatialweights", lambda s, out: weights_parameters(s, REPORT=str(out / "w.html")), "w.html"),
    "PNG chart": ("localmoran", lambda s, out: lisa_parameters(s, SCATTER_PLOT=str(out / "s.png")), "s.png"),
    "SVG chart": ("globalautocorrelation", lambda s, out: {
        **lisa_parameters(s), "FIELDS": ["area_km2"], "CHART": str(out / "c.svg")}, "c.svg"),
    "YEAR_LAYERS folder": ("localmoran", lambda s, out: lisa_parameters(
        s, LAYOUT=1, YEAR_LAYERS=str(out / "years")), "years"),
    "TABLES folder": ("spatialdurbin", lambda s, out: {
        "INPUT": f"{s}|layername=cities", "LAYOUT": 1, "DEPENDENT": "area_km2", "EXPLANATORY": ["lon", "lat"],
        "WEIGHTS_ID_FIELD": "adcode", "OUTPUT": "TEMPORARY_OUTPUT", "TABLES": str(out / "tables")}, "tables"),
    "report PDF": ("reportmap", lambda s, out: {
        "INPUT": f"{s}|layername=cities", "TITLE": "x", "OUTPUT": str(out / "map.pdf")}, "map.pdf"),
    "layer (sink)": ("spatialweights", lambda s, out: weights_parameters(s, OUTPUT=str(out / "links.gpkg")),
                     "links.gpkg"),
}


@pytest.mark.parametrize("case", list(READ_ONLY_CASES))
def test_read_only_folder_is_refused_before_the_work(provider, study, tmp_path, lock, case):
    """Before: a PermissionError traceback (after the layers were written), or for the PDF
    "Could not write the report map …: 4"."""
    from qgis.core import QgsProcessingException

    algorithm, parameters, name = READ_ONLY_CASES[case]
    (tmp_path / "locked").mkdir()
    locked = lock(tmp_path / "locked")
    fresh = tmp_path / "fresh"
    full = parameters(study, locked)
    if algorithm == "spatialweights" and case != "layer (sink)":
        full["OUTPUT"] = str(fresh / "links.gpkg")  # a writable output: must not be written either
    with pytest.raises(QgsProcessingException, match=MESSAGE.format(name=name)) as raised:
        run(algorithm, full)
    assert "Traceback" not in str(raised.value)
    assert not fresh.exists()
    assert written(locked) == []
    assert written(study.parent) == ["cities.gpkg"]


def test_read_only_existing_file_is_refused_before_the_work(provider, study, tmp_path, lock):
    from qgis.core import QgsProcessingException

    report = tmp_path / "w.html"
    report.write_text("old report")
    lock(report)
    with pytest.raises(QgsProcessingException, match=MESSAGE.format(name="w.html")):
        run("spatialweights", weights_parameters(study, REPORT=str(report),
                                                 WEIGHTS_OUTPUT=str(tmp_path / "w.gal")))
    assert written(tmp_path) == ["study/cities.gpkg", "w.html"]
    assert report.read_text() == "old report"


def test_missing_folders_are_created_and_outputs_replaced(provider, study, tmp_path):
    for kind in (0, 2):  # the second run replaces the first's files
        result = run("spatialweights", weights_parameters(study, KIND=kind, K=4,
                                                          OUTPUT=str(tmp_path / "a" / "b" / "links.gpkg"),
                                                          WEIGHTS_OUTPUT=str(tmp_path / "c" / "w.gal")))
    assert result["WEIGHTS_OUTPUT"] == str(tmp_path / "c" / "w.gal")
    assert written(tmp_path) == ["a/b/links.gpkg", "c/w.gal", "study/cities.gpkg"]
    assert feature_count(tmp_path / "a" / "b" / "links.gpkg", "links") == 367 * 4
    assert (tmp_path / "c" / "w.gal").read_text().splitlines()[1].split()[1] == "4"


# ------------------------------------------------------------------ GeoPackages
def test_output_into_the_input_file_is_refused(provider, study):
    """Before: QGIS replaced the whole GeoPackage, the input layer left with 0 features."""
    from qgis.core import QgsProcessingException, QgsProcessingFeatureSourceDefinition

    with pytest.raises(QgsProcessingException, match=r"is one of the inputs.*ogr:dbname="):
        run("spatialweights", weights_parameters(study, OUTPUT=str(study)))
    with pytest.raises(QgsProcessingException, match=r"layer “cities”, is one of the inputs"):
        run("spatialweights", weights_parameters(study, OUTPUT=f"ogr:dbname='{study}' table=\"cities\" (geom)"))
    selected = QgsProcessingFeatureSourceDefinition(f"{study}|layername=cities", True)
    with pytest.raises(QgsProcessingException, match=r"is one of the inputs"):
        run("spatialweights", {**weights_parameters(study, OUTPUT=str(study)), "INPUT": selected})
    assert gpkg_tables(study) == ["cities"] and feature_count(study, "cities") == 367


def test_gpkg_with_other_layers_keeps_them(provider, study, tmp_path, cities_path):
    """A plain path to a GeoPackage holding other layers adds (or replaces) one layer only."""
    from qgis.core import QgsVectorLayer

    target = tmp_path / "project.gpkg"
    shutil.copyfile(cities_path, target)  # holds "cities"
    result = run("spatialweights", weights_parameters(study, OUTPUT=str(target)))
    assert gpkg_tables(target) == ["cities", "spatialweights"]
    assert feature_count(target, "cities") == 367 and feature_count(target, "spatialweights") == 1934
    assert QgsVectorLayer(result["OUTPUT"], "links", "ogr").featureCount() == 1934
    # Run again: the layer is replaced, not added twice; the ogr:dbname form names the layer.
    run("spatialweights", weights_parameters(study, OUTPUT=str(target)))
    run("spatialweights", weights_parameters(study, OUTPUT=f"ogr:dbname='{target}' table=\"queen\" (geom)"))
    assert gpkg_tables(target) == ["cities", "queen", "spatialweights"]
    assert feature_count(target, "spatialweights") == 1934 and feature_count(target, "queen") == 1934


def test_several_outputs_to_one_gpkg_get_one_layer_each(provider, study, tmp_path):
    """Before: each sink replaced the file the previous one had written, the last one left."""
    target = tmp_path / "coverage.gpkg"
    result = run("corenodecoverage", {"INPUT": f"{study}|layername=cities", "ID_FIELD": "adcode", "POINTS": 2,
                                      "LON_FIELD": "lon", "LAT_FIELD": "lat", "OUTPUT": str(target),
                                      "CORES": str(target), "CIRCLES": str(target), "LINKS": str(target)})
    assert gpkg_tables(target) == ["corenodecoverage", "corenodecoverage_circles", "corenodecoverage_cores",
                                   "corenodecoverage_links"]
    assert feature_count(target, "corenodecoverage") == 367
    assert feature_count(target, "corenodecoverage_cores") == result["N_CORES"] == 44


def test_table_into_a_gpkg_with_other_layers(provider, study, tmp_path, cities_path):
    """An output without geometry (Moran's I per field) as a layer of the study's GeoPackage."""
    target = tmp_path / "project.gpkg"
    shutil.copyfile(cities_path, target)
    run("globalautocorrelation", {**lisa_parameters(study), "FIELDS": ["area_km2", "lat"], "OUTPUT": str(target)})
    assert gpkg_tables(target) == ["cities", "globalautocorrelation"]
    assert feature_count(target, "globalautocorrelation") > 0 and feature_count(target, "cities") == 367
    connection = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
    query = "SELECT table_name, data_type FROM gpkg_contents WHERE table_name != 'layer_styles'"
    kinds = dict(connection.execute(query))
    connection.close()
    assert kinds == {"cities": "features", "globalautocorrelation": "attributes"}


def test_input_gpkg_with_other_layers_gets_a_new_layer(provider, study):
    """The input's own GeoPackage as a plain path: the input is kept, the output is a new layer."""
    shutil.copyfile(study, study.parent / "china.gpkg")
    target = study.parent / "china.gpkg"
    run("spatialweights", weights_parameters(target, OUTPUT=str(target)))
    assert gpkg_tables(target) == ["cities", "spatialweights"] and feature_count(target, "cities") == 367


def test_output_file_that_is_an_input_file_is_refused(provider, study, tmp_path, sample_dir):
    """The yearbook table as the joined layer's CSV, or a weights file over the one read."""
    from qgis.core import QgsProcessingException

    table = tmp_path / "panel.csv"
    shutil.copyfile(sample_dir / "synthetic_panel.csv", table)
    before = table.read_bytes()
    with pytest.raises(QgsProcessingException, match=r"panel\.csv is one of the inputs"):
        run("jointable", {"INPUT": f"{study}|layername=cities", "LAYER_KEY": "adcode", "TABLE": str(table),
                          "OUTPUT": str(table)})
    gal = tmp_path / "queen.gal"
    run("spatialweights", weights_parameters(study, WEIGHTS_OUTPUT=str(gal)))
    with pytest.raises(QgsProcessingException, match=r"queen\.gal is one of the inputs"):
        run("localmoran", lisa_parameters(study, WEIGHTS_FILE=str(gal), SCATTER_PLOT=str(gal)))
    assert table.read_bytes() == before and gal.read_text().count("\n") > 100


# ------------------------------------------------------- failed runs leave nothing
def fail_after(monkeypatch, owner, name, error=None):
    """Make ``owner.name`` do its work, then fail (a failure late in the run)."""
    from qgis.core import QgsProcessingException

    original = getattr(owner, name)

    def failing(*args, **kwargs):
        original(*args, **kwargs)
        raise error if error is not None else QgsProcessingException("a late failure")

    monkeypatch.setattr(owner, name, failing)


def test_failed_spatialweights_leaves_nothing_and_keeps_the_old_files(provider, study, tmp_path, monkeypatch):
    """Before: a complete GAL (and the links layer) stayed behind a failed run, and the files
    of an earlier run were already replaced."""
    from qgis.core import QgsProcessingException

    from digital_resilience.core.weights import report

    out = tmp_path / "out"
    out.mkdir()
    (out / "w.gal").write_text("old weights")
    shutil.copyfile(study, out / "links.gpkg")  # an earlier run's layer
    old_layer = (out / "links.gpkg").read_bytes()
    fail_after(monkeypatch, report, "write_report")
    with pytest.raises(QgsProcessingException, match="a late failure"):
        run("spatialweights", weights_parameters(study, OUTPUT=str(out / "links.gpkg"),
                                                 WEIGHTS_OUTPUT=str(out / "w.gal"), EDGES=str(out / "edges.csv"),
                                                 REPORT=str(out / "w.html")))
    assert written(out) == ["links.gpkg", "w.gal"] and (out / "w.gal").read_text() == "old weights"
    assert (out / "links.gpkg").read_bytes() == old_layer


def test_failed_run_removes_only_its_layer_from_an_existing_gpkg(provider, study, tmp_path, cities_path, monkeypatch):
    from qgis.core import QgsProcessingException

    from digital_resilience.core.weights import report

    target = tmp_path / "project.gpkg"
    shutil.copyfile(cities_path, target)
    fail_after(monkeypatch, report, "write_report")
    with pytest.raises(QgsProcessingException, match="a late failure"):
        run("spatialweights", weights_parameters(study, OUTPUT=str(target), REPORT=str(tmp_path / "w.html")))
    assert gpkg_tables(target) == ["cities"] and feature_count(target, "cities") == 367
    assert written(tmp_path) == ["project.gpkg", "study/cities.gpkg"]


def test_cancelled_lisa_leaves_no_geopackage(provider, study, tmp_path, monkeypatch):
    """Before: an empty 64 KB GeoPackage stayed behind a cancelled LISA."""
    from qgis.core import QgsProcessingException

    from digital_resilience.core.errors import Cancelled
    from digital_resilience.processing.io import bridge

    fail_after(monkeypatch, bridge, "write_frame", Cancelled())
    with pytest.raises(QgsProcessingException, match="Cancelled"):
        run("localmoran", lisa_parameters(study, OUTPUT=str(tmp_path / "lisa.gpkg"),
                                          SCATTER_PLOT=str(tmp_path / "s.png"), REPORT=str(tmp_path / "r.html")))
    assert written(tmp_path) == ["study/cities.gpkg"]


def test_cancel_at_the_end_of_the_run_leaves_nothing(provider, study, tmp_path):
    """A cancel the algorithm did not see (after its last check) still cancels the run."""
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(lambda progress: feedback.cancel() if progress >= 100 else None)
    with pytest.raises(QgsProcessingException, match="Cancelled"):
        run("reportmap", {"INPUT": f"{study}|layername=cities", "TITLE": "x", "OUTPUT": str(tmp_path / "m.pdf")},
            feedback=feedback)
    assert written(tmp_path) == ["study/cities.gpkg"]


def test_failed_report_map_leaves_no_file_and_keeps_the_old_one(provider, study, tmp_path, monkeypatch):
    from qgis.core import QgsProcessingException

    from digital_resilience.processing.algorithms.report_map import ReportMapAlgorithm

    (tmp_path / "m.pdf").write_bytes(b"old map")
    fail_after(monkeypatch, ReportMapAlgorithm, "export")
    with pytest.raises(QgsProcessingException, match="a late failure"):
        run("reportmap", {"INPUT": f"{study}|layername=cities", "TITLE": "x", "OUTPUT": str(tmp_path / "m.pdf")})
    assert written(tmp_path) == ["m.pdf", "study/cities.gpkg"] and (tmp_path / "m.pdf").read_bytes() == b"old map"


def test_failed_year_layers_leave_the_folder_as_it_was(provider, study, tmp_path, monkeypatch):
    import geopandas as gpd
    from qgis.core import QgsProcessingException

    from digital_resilience.processing.algorithms.local_moran import LocalMoranAlgorithm

    years = tmp_path / "years"
    years.mkdir()
    (years / "mine.txt").write_text("the user's file")
    original = LocalMoranAlgorithm.process

    def failing(self, *args, **kwargs):
        original(self, *args, **kwargs)
        assert any(p.suffix == ".gpkg" for p in years.iterdir())  # the run wrote its layers
        raise QgsProcessingException("a late failure")

    frame = gpd.read_file(study, layer="cities")
    frame["V_2018"], frame["V_2019"] = frame.area_km2, frame.area_km2 * frame.lat
    panel = tmp_path / "study" / "panel.gpkg"
    frame.to_file(panel, layer="panel", driver="GPKG")
    monkeypatch.setattr(LocalMoranAlgorithm, "process", failing)
    with pytest.raises(QgsProcessingException, match="a late failure"):
        run("localmoran", {**lisa_parameters(study), "INPUT": f"{panel}|layername=panel", "FIELD": "V_2019",
                           "ALL_YEARS": True, "LAYOUT": 1, "YEAR_LAYERS": str(years),
                           "OUTPUT": str(tmp_path / "last.gpkg")})
    assert written(tmp_path) == ["study/cities.gpkg", "study/panel.gpkg", "years/mine.txt"]


def test_multi_page_png_pages_are_moved_into_place(provider, study, tmp_path):
    result = run("reportmap", {"INPUT": f"{study}|layername=cities", "TITLE": "x", "ATLAS": 2,
                               "ATLAS_FIELD": "region", "OUTPUT": str(tmp_path / "m.png"), "DPI": 50})
    files = result["FILES"].split(";")
    assert len(files) > 1 and all(os.path.exists(f) and "/.~drt" not in f for f in files)
    assert sorted(os.path.basename(f) for f in files) == [f for f in written(tmp_path) if f.startswith("m_")]


def test_layout_export_errors_say_the_reason(provider):
    """Before: "Could not write the report map …: 4" (QgsLayoutExporter.PrintError)."""
    from qgis.core import QgsLayoutExporter

    from digital_resilience.processing.algorithms.report_map import ReportMapAlgorithm

    algorithm = ReportMapAlgorithm()
    for code in (QgsLayoutExporter.PrintError, QgsLayoutExporter.FileError):
        assert algorithm.export_error(code).startswith("the file cannot be written (a read-only folder")
    assert "resolution" in algorithm.export_error(QgsLayoutExporter.MemoryError)


@pytest.mark.parametrize("output", ["WEIGHTS_OUTPUT", "OUTPUT"])
def test_folder_that_cannot_be_created_is_named(provider, study, tmp_path, output):
    """A file where the output's folder should be (so the folder cannot be created)."""
    from qgis.core import QgsProcessingException

    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    name = "w.gal" if output == "WEIGHTS_OUTPUT" else "links.gpkg"
    message = rf"Cannot write .*blocker/sub/{name}: the folder does not exist and cannot be created"
    with pytest.raises(QgsProcessingException, match=message):
        run("spatialweights", weights_parameters(study, **{output: str(blocker / "sub" / name)}))
    assert written(tmp_path) == ["blocker", "study/cities.gpkg"]


def test_write_error_during_the_run_gets_the_same_message(provider, study, tmp_path, monkeypatch):
    """A file that becomes unwritable while the run works (e.g. opened in a browser on
    Windows): the same message, not a PermissionError traceback, and nothing left."""
    from qgis.core import QgsProcessingException

    from digital_resilience.core.html_report import HtmlReport

    def refuse(self, path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(HtmlReport, "write", refuse)
    with pytest.raises(QgsProcessingException, match=r"Cannot write .*/w\.html: permission denied") as raised:
        run("spatialweights", weights_parameters(study, REPORT=str(tmp_path / "w.html"),
                                                 WEIGHTS_OUTPUT=str(tmp_path / "w.gal")))
    assert ".~drt" not in str(raised.value)
    assert written(tmp_path) == ["study/cities.gpkg"]


def test_a_file_in_use_on_windows_is_called_so():
    from digital_resilience.processing.io.outputs import cannot_write_message

    class SharingViolation(PermissionError):
        winerror = 32

    message = cannot_write_message("C:/study/report.html", SharingViolation(13, "Permission denied"))
    assert message.startswith("Cannot write C:/study/report.html: the file is in use by another program")
