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


def core_node_coverage(demo: Demo):
    import processing

    result = processing.run("resilience:corenodecoverage", {
        "INPUT": demo.cities, "ID_FIELD": "adcode", "NAME_FIELD": "name", "RADIUS": 300, "BACKUP": True,
        "COMPARE_RADII": "200, 300, 500",
        "OUTPUT": demo.layer("coverage_cities"), "CORES": demo.layer("coverage_cores"),
        "CIRCLES": demo.layer("coverage_circles"), "LINKS": demo.layer("coverage_links"),
        "REPORT": str(demo.out / "coverage_300km.html"),
    })
    return (f"set covering at 300 km: {result['N_CORES']} core cities cover all "
            f"{100 * result['CITIES_SHARE']:.0f} % of cities, farthest city {result['MAX_KM']:.0f} km, "
            f"{'proven optimal' if result['OPTIMAL'] else 'gap %.2f %%' % (100 * result['GAP'])}")


def population_coverage(demo: Demo):
    """Maximal covering: 20 cores that reach the most people (POP 2019 of the SYNTHETIC panel)."""
    import geopandas as gpd
    import pandas as pd
    import processing

    panel = pd.read_csv(SAMPLE / "synthetic_panel.csv")
    population = panel.loc[panel.year == 2019, ["adcode", "POP"]].rename(columns={"POP": "POP_2019"})
    cities = gpd.read_file(demo.cities, layer="cities").merge(population, on="adcode", how="left")
    path = demo.out / "cities_pop2019.gpkg"
    cities.to_file(path, layer="cities")
    result = processing.run("resilience:corenodecoverage", {
        "INPUT": f"{path}|layername=cities", "ID_FIELD": "adcode", "NAME_FIELD": "name", "PROBLEM": 1,
        "P": 20, "WEIGHT_FIELD": "POP_2019", "RADIUS": 300, "COMPARE_RADII": "200, 300, 500",
        "OUTPUT": demo.layer("mclp_cities"), "CORES": demo.layer("mclp_cores"),
        "CIRCLES": demo.layer("mclp_circles"), "REPORT": str(demo.out / "coverage_mclp_pop.html"),
    })
    return (f"maximal covering, 20 cores within 300 km: {100 * result['DEMAND_SHARE']:.1f} % of the "
            f"(synthetic) 2019 population, {100 * result['CITIES_SHARE']:.1f} % of cities, "
            f"{'proven optimal' if result['OPTIMAL'] else 'gap %.2f %%' % (100 * result['GAP'])}")


STEPS = [
    ("Spatial weights (queen)", spatial_weights),
    ("Spatial weights (6 nearest neighbours)", knn_weights),
    ("Core-node coverage (300 km, set covering)", core_node_coverage),
    ("Core-node coverage (20 cores, population)", population_coverage),
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
