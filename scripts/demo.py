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


# ------------------------------------------------------------ spillover (issue 7)
SPILLOVER_STEMS = ["RES", "DIG", "INNOV", "URB", "HUM", "GOV", "OPEN"]
SPILLOVER_X = ["DIG_2019", "INNOV_2019", "URB_2019", "HUM_2019", "GOV_2019"]


def spillover_layer(demo: Demo) -> str:
    """The synthetic panel joined to the cities with pandas (wide STEM_YYYY fields): latent
    resilience RES, digital economy DIG and innovation INNOV, the controls and openness."""
    path = demo.out / "spillover_panel.gpkg"
    if not path.exists():
        import geopandas as gpd
        import pandas as pd

        panel = pd.read_csv(SAMPLE / "synthetic_panel.csv").merge(pd.read_csv(SAMPLE / "synthetic_latent.csv"),
                                                                    on=["adcode", "year"])
        panel = panel.assign(RES=panel.resilience, DIG=panel.digital_economy, INNOV=panel.innovation)
        wide = panel.pivot(index="adcode", columns="year", values=SPILLOVER_STEMS)
        wide.columns = [f"{stem}_{year}" for stem, year in wide.columns]
        cities = gpd.read_file(demo.cities, layer="cities")[["adcode", "name", "region", "geometry"]]
        cities.merge(wide.reset_index(), on="adcode").to_file(path, layer="cities", driver="GPKG")
    return f"{path}|layername=cities"


def spatial_durbin(demo: Demo):
    import pandas as pd
    import processing

    tables = demo.out / "spillover_tables"
    result = processing.run("resilience:spatialdurbin", {
        "INPUT": spillover_layer(demo), "DEPENDENT": "RES_2019", "EXPLANATORY": SPILLOVER_X,
        "WEIGHTS_ID_FIELD": "adcode", "WEIGHTS_KIND": 0, "DROP_ISLANDS": True, "MODEL": 3, "EFFECTS": 3,
        "REPORT": str(demo.out / "spillover_sdm.html"), "TABLES": str(tables),
        "OUTPUT": demo.layer("sdm_fitted"), "LISA": demo.layer("sdm_residual_lisa"),
    })
    effects = pd.read_csv(tables / "effects.csv", encoding="utf-8-sig").set_index(["variable", "effect"])
    parts = [f"{kind} {effects.loc[('DIG', kind), 'estimate']:.3f} (SE {effects.loc[('DIG', kind), 'se']:.3f})"
             for kind in ("direct", "indirect", "total")]
    return (f"SDM, two-way FE, queen, {result['OBSERVATIONS']} city-years: rho = {result['SPATIAL']:.3f}; "
            f"effects of DIG: {', '.join(parts)}")


def heterogeneity_period(demo: Demo):
    import processing

    result = processing.run("resilience:heterogeneity", {
        "INPUT": spillover_layer(demo), "DEPENDENT": "RES_2019", "EXPLANATORY": SPILLOVER_X,
        "WEIGHTS_ID_FIELD": "adcode", "WEIGHTS_KIND": 0, "DROP_ISLANDS": True, "MODEL": 3, "EFFECTS": 3,
        "GROUPING": 0, "SPLIT_YEAR": 2016, "REPORT": str(demo.out / "heterogeneity_period.html"),
        "TABLE": str(demo.out / "heterogeneity_period.csv"),
    })
    return (f"DIG before 2016 / from 2016 = {result['RATIO']:.2f} (difference z = {result['Z']:.1f}, "
            f"p = {result['P_VALUE']:.1g})")


def heterogeneity_openness(demo: Demo):
    import processing

    result = processing.run("resilience:heterogeneity", {
        "INPUT": spillover_layer(demo), "DEPENDENT": "RES_2019", "EXPLANATORY": SPILLOVER_X,
        "WEIGHTS_ID_FIELD": "adcode", "WEIGHTS_KIND": 2, "WEIGHTS_K": 6, "MODEL": 3, "EFFECTS": 3,
        "GROUPING": 2, "GROUP_FIELD": "OPEN_2019", "METHOD": 1,
        "REPORT": str(demo.out / "heterogeneity_openness.html"), "OUTPUT": demo.layer("openness_groups"),
    })
    return (f"DIG in the 30 % most open / 30 % least open cities = {result['RATIO']:.2f} "
            f"(interaction model, z = {result['Z']:.1f})")


STEPS = [
    ("Spatial weights (queen)", spatial_weights),
    ("Spatial weights (6 nearest neighbours)", knn_weights),
    ("Spatial Durbin model of resilience (panel, two-way FE)", spatial_durbin),
    ("Heterogeneity by period (2016)", heterogeneity_period),
    ("Heterogeneity by openness (top/bottom 30 %)", heterogeneity_openness),
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
