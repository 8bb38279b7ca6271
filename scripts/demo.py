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


def synthetic_indices(demo: Demo) -> str:
    """The cities joined (pandas) to the synthetic panel: the latent resilience, digital
    economy and innovation as yearly indices RES_/DE_/INNO_YYYY, PATNT and URB as
    observed. A stand-in until the composite-index step builds the indices itself."""
    import geopandas as gpd
    import pandas as pd

    path = demo.out / "synthetic_indices.gpkg"
    if not path.exists():
        cities = gpd.read_file(demo.cities, layer="cities")[["adcode", "name", "region", "geometry"]]
        latent = pd.read_csv(SAMPLE / "synthetic_latent.csv")
        panel = pd.read_csv(SAMPLE / "synthetic_panel.csv")
        for table, column, stem in ((latent, "resilience", "RES"), (latent, "digital_economy", "DE"),
                                    (latent, "innovation", "INNO"), (panel, "PATNT", "PATNT"),
                                    (panel, "URB", "URB")):
            wide = table.pivot(index="adcode", columns="year", values=column).add_prefix(f"{stem}_")
            cities = cities.merge(wide, left_on="adcode", right_index=True)
        cities.to_file(path, layer="cities", driver="GPKG")
    return f"{path}|layername=cities"


def convergence(demo: Demo):
    import processing

    result = processing.run("resilience:convergence", {
        "INPUT": synthetic_indices(demo), "FIELD": "RES_2019", "ID_FIELD": "adcode", "NAME_FIELD": "name",
        "GROUP_FIELD": "region", "CONTROLS": ["URB_2019"], "SPATIAL_MODELS": [0, 1, 2],
        "WEIGHTS_FILE": str(demo.out / "knn6.gal"),  # from the step above: every city has neighbours
        "OUTPUT": demo.layer("convergence_growth"),
        "SIGMA_TABLE": str(demo.out / "convergence_sigma.csv"),
        "BETA_TABLE": str(demo.out / "convergence_beta.csv"),
        "GROUP_TABLE": str(demo.out / "convergence_groups.csv"),
        "REPORT": str(demo.out / "convergence.html"),
        "CHART": str(demo.out / "convergence_sigma.png"),
    })
    return (f"σ: CV of resilience {result['CV_START']:.3f} (2011) -> {result['CV_END']:.3f} (2019); "
            f"β = {result['BETA']:.4f}, speed {result['SPEED'] * 100:.2f} %/yr, "
            f"half-life {result['HALF_LIFE']:.1f} years")


def mediation(demo: Demo):
    import processing

    result = processing.run("resilience:mediation", {
        "INPUT": synthetic_indices(demo), "X_FIELD": "DE_2019", "M_FIELD": "INNO_2019", "Y_FIELD": "RES_2019",
        "ID_FIELD": "adcode", "NAME_FIELD": "name", "CONTROLS": ["URB_2019"], "MODEL": 3, "SE_TYPE": 2,
        "DRAWS": 999, "SEED": 1,
        "COEFFICIENTS": str(demo.out / "mediation_coefficients.csv"),
        "EFFECTS": str(demo.out / "mediation_effects.csv"),
        "REPORT": str(demo.out / "mediation.html"),
        "CHART": str(demo.out / "mediation_bootstrap.png"),
    })
    return (f"digital economy -> innovation -> resilience (two-way FE): indirect {result['INDIRECT']:.3f} "
            f"[{result['CI_LOW']:.3f}, {result['CI_HIGH']:.3f}], {result['PROPORTION']:.0%} of the total, "
            f"Sobel z = {result['SOBEL_Z']:.1f}; {result['VERDICT']}")


STEPS = [
    ("Spatial weights (queen)", spatial_weights),
    ("Spatial weights (6 nearest neighbours)", knn_weights),
    ("Convergence (σ and β)", convergence),
    ("Mediation (digital economy -> innovation -> resilience)", mediation),
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
