"""`make demo`: the analysis chain on the bundled sample, headless, through QGIS Processing.

Every step runs a ``resilience:`` algorithm with ``processing.run`` exactly as a user's
script would, writes into ``demo_output/`` (layers into one GeoPackage) and prints a
one-line summary with its time. Steps are added here as algorithms land.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "resources" / "sample"
# Import the plugin of *this* checkout as `digital_resilience` (never put the repository
# root itself on sys.path: its processing/ folder would shadow QGIS's `processing`).
PLUGINS = Path(__file__).resolve().parents[1] / ".build" / "plugins"
sys.path.insert(0, str(PLUGINS))


def start_qgis():
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    sys.path.append(os.path.join(QgsApplication.pkgDataPath(), "python", "plugins"))
    from processing.core.Processing import Processing

    Processing.initialize()
    from digital_resilience.processing.provider import ResilienceProvider

    provider = ResilienceProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    return app, provider


class Demo:
    def __init__(self, out: Path):
        self.out = out
        self.gpkg = out / "demo.gpkg"
        self.cities = str(out / "china_cities.gpkg")
        self.steps: list[tuple[str, float, str]] = []

    def layer(self, name: str) -> str:
        """A destination inside the demo GeoPackage."""
        return f"ogr:dbname='{self.gpkg}' table=\"{name}\" (geom)"

    def step(self, title: str, function) -> None:
        start = time.perf_counter()
        summary = function()
        elapsed = time.perf_counter() - start
        self.steps.append((title, elapsed, summary))
        print(f"[{elapsed:6.2f} s] {title}: {summary}", flush=True)


def spatial_weights(demo: Demo):
    import processing

    result = processing.run("resilience:spatialweights", {
        "INPUT": demo.cities, "ID_FIELD": "adcode", "KIND": 0,
        "OUTPUT": demo.layer("connectivity_queen"),
        "WEIGHTS_OUTPUT": str(demo.out / "queen.gal"),
        "REPORT": str(demo.out / "weights_queen.html"),
    })
    return (f"queen contiguity, {result['UNITS']} units, {result['LINKS']} links, "
            f"mean {result['MEAN_NEIGHBOURS']:.2f} neighbours, {result['ISLANDS']} island(s)")


def knn_weights(demo: Demo):
    import processing

    result = processing.run("resilience:spatialweights", {
        "INPUT": demo.cities, "ID_FIELD": "adcode", "KIND": 2, "K": 6,
        "OUTPUT": demo.layer("connectivity_knn6"),
        "WEIGHTS_OUTPUT": str(demo.out / "knn6.gal"),
    })
    return f"6 nearest neighbours (geodesic), {result['LINKS']} links"


def panel_layer(demo: Demo) -> str:
    """The cities with yearly indicator fields STEM_YYYY, joined from the synthetic panel.

    Until resilience:jointable and resilience:compositeindex land, the autocorrelation
    steps use two raw digital-economy indicators of the synthetic panel: BBAND (broadband
    subscribers per 100 people) and DIFI (digital inclusive finance index).
    """
    path = demo.out / "cities_panel.gpkg"
    if not path.exists():
        import geopandas as gpd
        import pandas as pd

        cities = gpd.read_file(demo.cities, layer="cities")
        panel = pd.read_csv(SAMPLE / "synthetic_panel.csv")
        wide = panel.pivot(index="adcode", columns="year", values=["BBAND", "DIFI"])
        wide.columns = [f"{stem}_{year}" for stem, year in wide.columns]
        cities.merge(wide, left_on="adcode", right_index=True).to_file(path, layer="panel", driver="GPKG")
    return f"{path}|layername=panel"


def moran_per_year(demo: Demo):
    import processing

    result = processing.run("resilience:globalautocorrelation", {
        "INPUT": panel_layer(demo), "FIELDS": ["BBAND_2019", "DIFI_2019"], "ALL_YEARS": True,
        "WEIGHTS_FILE": str(demo.out / "queen.gal"), "WEIGHTS_ID_FIELD": "adcode", "PERMUTATIONS": 999,
        "OUTPUT": str(demo.out / "moran_by_year.csv"), "CHART": str(demo.out / "moran_by_year.png"),
    })
    import pandas as pd

    table = pd.read_csv(result["OUTPUT"])
    moran = table[(table["statistic"] == "Moran's I") & (table["inference"] == "permutation")]
    bband = moran[moran["field"] == "BBAND"].set_index("year")["value"]
    return (f"Moran's I of BBAND {bband.index.min()}–{bband.index.max()}: "
            f"{bband.iloc[0]:.3f} → {bband.iloc[-1]:.3f} (all p = {moran['p_value'].max():.3f}); "
            f"table and chart in moran_by_year.*")


def lisa_last_year(demo: Demo):
    import processing

    result = processing.run("resilience:localmoran", {
        "INPUT": panel_layer(demo), "FIELD": "BBAND_2019",
        "WEIGHTS_FILE": str(demo.out / "queen.gal"), "WEIGHTS_ID_FIELD": "adcode", "PERMUTATIONS": 999,
        "CORRECTION": 1, "OUTPUT": demo.layer("lisa_bband_2019"),
        "SCATTER_PLOT": str(demo.out / "moran_scatter_bband_2019.png"),
    })
    return (f"LISA of BBAND 2019 (FDR 5 %): {result['HIGH_HIGH']} High-High, {result['LOW_LOW']} Low-Low, "
            f"{result['HIGH_LOW']} High-Low, {result['LOW_HIGH']} Low-High cities")


STEPS = [
    ("Spatial weights (queen)", spatial_weights),
    ("Spatial weights (6 nearest neighbours)", knn_weights),
    ("Global Moran's I per year", moran_per_year),
    ("LISA clusters, last year", lisa_last_year),
]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("demo_output"))
    args = parser.parse_args(argv)
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    shutil.copyfile(SAMPLE / "china_cities.gpkg", args.out / "china_cities.gpkg")
    app, provider = start_qgis()
    demo = Demo(args.out)
    started = time.perf_counter()
    for title, function in STEPS:
        demo.step(title, lambda function=function: function(demo))
    print(f"Done in {time.perf_counter() - started:.1f} s; outputs in {args.out}/")
    del provider
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
