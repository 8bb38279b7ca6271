"""Report maps on the 367 sample cities: ``resilience:reportmap`` against QGIS's own layout export.

Peer, measured in the same run: the same template loaded into a layout with the same layers,
already styled (no classification, no layer copies, no basemaps), exported with
``QgsLayoutExporter`` — what a user's hand-made layout costs. For the year atlas the peer
changes the class field and exports one PDF per year in a loop. The ratio (peer / ours) shows
what reportmap adds on top of QGIS's rendering (classification, copies, province basemaps,
inset, legend set-up).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from common import resilience_provider, timed


def panel_layer(folder: Path, years) -> Path:
    import pandas as pd
    import pyogrio

    from digital_resilience.processing.algorithm import PLUGIN_DIR

    sample = PLUGIN_DIR / "resources" / "sample"
    cities = pyogrio.read_dataframe(sample / "china_cities.gpkg", layer="cities")
    panel = pd.read_csv(sample / "synthetic_panel.csv")
    wide = panel[panel.year.isin(years)].pivot(index="adcode", columns="year", values="BBAND")
    wide.columns = [f"BBAND_{year}" for year in wide.columns]
    path = folder / "panel.gpkg"
    pyogrio.write_dataframe(cities.merge(wide, left_on="adcode", right_index=True), path, layer="cities")
    return path


def peer_export(path: Path, fields, out: Path) -> None:
    from qgis.core import QgsLayoutExporter, QgsProject, QgsVectorLayer

    from digital_resilience.processing.maps import layouts
    from digital_resilience.processing.styling import apply_style, graduated_style

    project = QgsProject()
    layer = QgsVectorLayer(f"{path}|layername=cities", "cities", "ogr")
    project.addMapLayer(layer)
    values = [f[fields[0]] for f in layer.getFeatures()]
    apply_style(layer, graduated_style(values, fields[0]))
    layout = layouts.load_layout(project, layouts.template_path("a4_landscape"))
    main = layouts.layout_items(layout)[layouts.MAIN_MAP]
    main.setLayers([layer])
    main.setExtent(layer.extent())
    for field in fields:
        renderer = layer.renderer().clone()
        renderer.setClassAttribute(field)
        layer.setRenderer(renderer)
        QgsLayoutExporter(layout).exportToPdf(str(out / f"peer_{field}.pdf"), QgsLayoutExporter.PdfExportSettings())


def run(quick: bool = False) -> list[dict]:
    resilience_provider()
    import processing

    years = list(range(2017, 2020)) if quick else list(range(2011, 2020))
    folder = Path(tempfile.mkdtemp(prefix="bench-maps-"))
    path = panel_layer(folder, years)
    fields = [f"BBAND_{year}" for year in years]
    rows = []
    try:
        for label, atlas, peer_fields in (("report map, 1 page PDF", 0, fields[-1:]),
                                          (f"year atlas, {len(years)} pages PDF", 1, fields)):
            def ours(atlas=atlas):
                processing.run("resilience:reportmap", {
                    "INPUT": f"{path}|layername=cities", "FIELD": fields[-1], "ATLAS": atlas, "TITLE": "Bench",
                    "CHINA": 2, "OUTPUT": str(folder / f"ours_{atlas}.pdf")})

            ours_s, _ = timed(ours, 2)
            peer_s, _ = timed(lambda peer_fields=peer_fields: peer_export(path, peer_fields, folder), 2)
            rows.append({"benchmark": f"{label} (367 cities)", "ours_s": round(ours_s, 3),
                         "peer": "QgsLayoutExporter on a prepared layout", "peer_s": round(peer_s, 3),
                         "ratio": round(peer_s / ours_s, 2),
                         "notes": "ours adds classification, layer copies, legend set-up (China inset off)"})
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return rows
