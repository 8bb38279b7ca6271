"""resilience:spatialweights in qgis_process, as a batch user runs it (weighted kinds, files,
and an error message on the command line)."""

import pytest

pytestmark = pytest.mark.e2e


def test_qgis_process_writes_inverse_distance_weights(run_algorithm, cities_path, tmp_path):
    import libpysal

    out = run_algorithm("spatialweights", INPUT=cities_path, ID_FIELD="adcode", KIND=4, DISTANCE=500,
                        POWER=2, ATTACH_ISLANDS="true", WEIGHTS_OUTPUT=tmp_path / "idw.gwt",
                        EDGES=tmp_path / "edges.csv", REPORT=tmp_path / "idw.html",
                        OUTPUT=tmp_path / "links.gpkg")
    results = out["results"]
    assert results["UNITS"] == 367 and results["ISLANDS"] == 0
    w = libpysal.io.open(str(tmp_path / "idw.gwt")).read()
    assert sum(len(v) for v in w.neighbors.values()) == results["LINKS"]
    assert all(0 < value < 1 for values in w.weights.values() for value in values)  # 1/d² with d > 1 km
    assert (tmp_path / "edges.csv").read_text().startswith("focal,neighbor,weight\n")
    assert "Histogram of neighbour counts" in (tmp_path / "idw.html").read_text(encoding="utf-8")


def test_qgis_process_reports_a_threshold_that_leaves_islands(qgis_process, cities_path):
    result = qgis_process("run", "resilience:spatialweights", "--", f"INPUT={cities_path}", "ID_FIELD=adcode",
                          "KIND=3", "DISTANCE=300", check=False)
    assert result.returncode != 0
    assert "Within 300 km, 7 unit(s) have no neighbour: 150700, 232700, 460300" in result.stdout + result.stderr


def test_qgis_process_read_only_folder_gets_a_message_and_writes_nothing(qgis_process, cities_path, tmp_path):
    """Before: a PermissionError traceback after the links layer was written. Root ignores
    permissions: the folder is made immutable (chattr +i)."""
    import os
    import subprocess

    locked = tmp_path / "locked"
    locked.mkdir()
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(locked)], capture_output=True).returncode != 0:
            pytest.skip("chattr +i is not supported here")
    else:
        locked.chmod(0o555)
    try:
        result = qgis_process("run", "resilience:spatialweights", "--", f"INPUT={cities_path}", "ID_FIELD=adcode",
                              f"OUTPUT={tmp_path / 'links.gpkg'}", f"WEIGHTS_OUTPUT={locked / 'w.gal'}", check=False)
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(locked)], check=True)
        else:
            locked.chmod(0o755)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"Cannot write {locked / 'w.gal'}: permission denied" in output and "Traceback" not in output
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["locked"]
