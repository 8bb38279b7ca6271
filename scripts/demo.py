"""`make demo`: the whole study on the bundled sample, headless, through QGIS Processing.

Every step runs a ``resilience:`` algorithm with ``processing.run`` exactly as a user's
script would, in the order of the study: join → indices → weights → Moran's I per year →
LISA (and hot spots) for the last year → 300 km core-node coverage → spillover model
(+ heterogeneity, scenario, targeting) → convergence (+ mediation) → project and report. It writes
``demo_output/``:

* ``demo.gpkg``: every layer and table of the chain (the sample cities first);
* ``demo.qgz``: a QGIS project with every layer styled by its algorithm's own style
  (the post-processors that style outputs in the Toolbox), grouped by analysis;
* ``report.pdf``: the multi-page report (maps made by ``resilience:reportmap``, charts by
  ``core/charts``);
* ``reports/*.html`` (the algorithms' reports), ``charts/``, ``weights/``, ``tables/``.

Each step prints a one-line summary with its time.

    python scripts/demo.py [--out demo_output]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "resources" / "sample"
# Import the plugin of *this* checkout as `digital_resilience` (never put the repository
# root itself on sys.path: its processing/ folder would shadow QGIS's `processing`).
PLUGINS = ROOT / ".build" / "plugins"
sys.path.insert(0, str(PLUGINS))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # demo_report

LAST_YEAR = 2019


def stop_qgis(app, provider) -> None:
    """Remove the provider, then leave QGIS."""
    from qgis.core import QgsApplication

    QgsApplication.processingRegistry().removeProvider(provider)
    app.exitQgis()


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


#: Groups of the project's layer tree, top first: the headline maps (LISA clusters, indices)
#: above the layers they are read against; inputs at the bottom.
GROUPS = (
    ("autocorrelation", "Spatial clusters: LISA, hot spots, Moran's I"),
    ("indices", "Digital economy and resilience indices"),
    ("coverage", "Core-node coverage (300 km)"),
    ("spillover", "Spillover model and heterogeneity"),
    ("convergence", "Convergence and mediation"),
    ("weights", "Spatial weights"),
    ("inputs", "Cities and indicator panel"),
    ("context", "Taiwan, Hong Kong, Macao and the South China Sea dashed line"),
)
#: What maps of China show besides the sample's cities (resources/sample/china_context.gpkg):
#: {layer in that file: (layer in demo.gpkg, title in the project)}.
CHINA_CONTEXT = {"no_data_regions": ("china_no_data_regions", "Taiwan, Hong Kong and Macao (no data)"),
                 "maritime_boundary": ("china_maritime_boundary", "South China Sea dashed line")}


class Demo:
    """The output folder, the GeoPackage, the project being assembled and the steps' summaries."""

    def __init__(self, out: Path):
        from qgis.core import QgsProject

        from digital_resilience.processing.maps.layouts import china_albers

        self.out = out
        self.gpkg = out / "demo.gpkg"
        self.cities = self.layer_source("cities")
        for folder in ("reports", "charts", "weights", "tables"):
            (out / folder).mkdir(parents=True, exist_ok=True)
        self.steps: list[tuple[str, float, str]] = []
        #: The outputs of the steps that the report reads ({key: processing.run's result}).
        self.results: dict[str, dict] = {}
        self.project = QgsProject()
        self.project.setTitle("Digital economy and urban resilience: China's cities, 2011–2019 (SYNTHETIC panel)")
        # The Albers projection of the report maps, named (a bare PROJ string is a nameless CRS).
        self.project.setCrs(china_albers())
        self.project.setEllipsoid("EPSG:7030")
        self.groups = {}
        root = self.project.layerTreeRoot()
        for key, title in GROUPS:
            self.groups[key] = root.addGroup(title)

    # -------------------------------------------------------------- destinations
    def layer(self, name: str) -> str:
        """A destination inside the demo GeoPackage."""
        return f"ogr:dbname='{self.gpkg}' table=\"{name}\" (geom)"

    def table(self, name: str) -> str:
        """A table (no geometry) inside the demo GeoPackage."""
        return f"ogr:dbname='{self.gpkg}' table=\"{name}\""

    def layer_source(self, name: str) -> str:
        """A layer of the demo GeoPackage, as an input."""
        return f"{self.gpkg}|layername={name}"

    def file(self, folder: str, name: str) -> str:
        return str(self.out / folder / name)

    # --------------------------------------------------------------------- runs
    def run(self, algorithm_id: str, parameters: dict, layers: dict | None = None) -> dict:
        """``processing.run`` with the outputs in ``layers`` ({output: (group, name, visible)},
        top first) added to the project and styled by the algorithm's own post-processors, as
        the Toolbox does when it loads results."""
        import processing
        from qgis.core import (
            QgsProcessingContext,
            QgsProcessingFeedback,
            QgsProcessingOutputLayerDefinition,
        )

        layers = layers or {}
        parameters = dict(parameters)
        for name in layers:  # ask the algorithm to load (and so to style) these outputs
            parameters[name] = QgsProcessingOutputLayerDefinition(parameters[name], self.project)
        context = QgsProcessingContext()  # no project: inputs are files, never the project's layers
        feedback = QgsProcessingFeedback()
        result = processing.run(algorithm_id, parameters, context=context, feedback=feedback)
        to_load = context.layersToLoadOnCompletion()
        for name, (group, title, visible) in layers.items():
            details = to_load.get(result[name])
            if details is None or details.postProcessor() is None:
                raise RuntimeError(f"{algorithm_id} attached no style to its output {name}")
            layer = self.add_layer(result[name], group, title, visible)
            details.postProcessor().postProcessLayer(layer, context, feedback)
            layer.setName(title)
        return result

    def add_layer(self, source: str, group: str, title: str, visible: bool = False):
        """A layer of the GeoPackage under ``group``: maps below the group's maps so far, tables
        at the end."""
        from qgis.core import QgsVectorLayer

        layer = QgsVectorLayer(source, title, "ogr")
        if not layer.isValid():
            raise RuntimeError(f"the demo could not open its own output {source}")
        self.project.addMapLayer(layer, False)
        parent = self.groups[group]
        children = parent.children()
        position = len(children)
        if layer.isSpatial():
            position = next((i for i, node in enumerate(children) if not node.layer().isSpatial()), position)
        node = parent.insertLayer(position, layer)
        node.setItemVisibilityChecked(visible)
        node.setExpanded(False)
        return layer

    def project_layer(self, title: str):
        found = self.project.mapLayersByName(title)
        if not found:
            raise KeyError(title)
        return found[0]

    def close(self) -> None:
        """Free the project and its layers now, while QGIS runs: left to Python, the project would
        be freed after QgsApplication.exitQgis() and QGIS 3.40 crashes there (SIGSEGV at exit)."""
        from qgis.PyQt import sip

        project, self.project, self.groups = self.project, None, {}
        project.removeAllMapLayers()
        project.clear()
        sip.delete(project)

    def step(self, title: str, function) -> None:
        start = time.perf_counter()
        summary = function()
        elapsed = time.perf_counter() - start
        self.steps.append((title, elapsed, summary))
        print(f"[{elapsed:6.2f} s] {title}: {summary}", flush=True)


# ============================================================ 1 indicators and indices
def join_panel(demo: Demo):
    result = demo.run("resilience:jointable", {
        "INPUT": demo.cities, "LAYER_KEY": "adcode", "TABLE": str(SAMPLE / "synthetic_panel.csv"),
        "OUTPUT": demo.layer("cities_panel"), "REPORT": demo.table("join_report"),
    }, {"OUTPUT": ("inputs", "Indicator panel (joined)", False), "REPORT": ("inputs", "Join report", False)})
    from qgis.core import QgsProcessingContext

    from digital_resilience.processing.styling import Single, Style, apply_style, save_output_style

    cities = demo.add_layer(demo.cities, "inputs", "Cities (sample)", False)
    style = Style(renderer=Single(color="#F2F2F2", outline="#9E9E9E", width=0.15))
    apply_style(cities, style)
    save_output_style(QgsProcessingContext(), demo.cities, style)  # demo.gpkg opens styled anywhere
    return (f"synthetic panel joined by adcode: {result['MATCHED_ROWS']} city-years, "
            f"{len(result['FIELDS'].split(','))} indicators as STEM_YYYY fields, "
            f"{result['UNMATCHED_ROWS']} rows unmatched, {result['UNITS_WITHOUT_DATA']} cities without data")


def composite_indices(demo: Demo):
    result = demo.run("resilience:compositeindex", {
        "INPUT": demo.layer_source("cities_panel"), "SYSTEM": 0,  # digital economy + urban resilience
        "OUTPUT": demo.layer("indices"), "WEIGHTS": demo.table("index_weights"),
    }, {"OUTPUT": ("indices", f"Digital economy index {LAST_YEAR}", True),
        "WEIGHTS": ("indices", "Indicator weights (entropy)", False)})
    resilience_map(demo)
    from qgis.core import QgsVectorLayer

    cities = list(QgsVectorLayer(result["OUTPUT"], "indices", "ogr").getFeatures())
    leaders = []
    for stem in ("DEI", "URI"):
        best = max(cities, key=lambda f, field=f"{stem}_{LAST_YEAR}": f[field])
        leaders.append(f"{stem} {best['name']} ({best[f'{stem}_{LAST_YEAR}']:.2f})")
    return (f"entropy weights, pooled 2011–{result['LATEST_YEAR']}: fields "
            f"{', '.join(s + '_YYYY' for s in result['INDICES'].split(','))} in layer indices; "
            f"highest in {LAST_YEAR}: {', '.join(leaders)}")


def resilience_map(demo: Demo) -> None:
    """The resilience index as a second view of the indices layer, styled as the algorithm styles
    its digital economy map (``styling.graduated_style``: Fisher–Jenks classes of the last year,
    the same ramp), with the same field aliases."""
    from digital_resilience.processing.styling import apply_style, graduated_style

    digital = demo.project_layer(f"Digital economy index {LAST_YEAR}")
    layer = demo.add_layer(demo.layer_source("indices"), "indices", f"Urban resilience index {LAST_YEAR}", True)
    field = f"URI_{LAST_YEAR}"
    apply_style(layer, graduated_style([f[field] for f in layer.getFeatures()], field, ramp="YlGnBu"))
    for index in range(digital.fields().count()):
        if digital.attributeAlias(index):
            layer.setFieldAlias(index, digital.attributeAlias(index))


def coupling_coordination(demo: Demo):
    result = demo.run("resilience:couplingcoordination", {
        "INPUT": demo.layer_source("indices"), "FIELD_A": f"DEI_{LAST_YEAR}", "FIELD_B": f"URI_{LAST_YEAR}",
        "ALL_YEARS": True, "OUTPUT": demo.layer("coupling"),
    }, {"OUTPUT": ("indices", "Coupling coordination of DEI and URI", False)})
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(result["OUTPUT"], "coupling", "ogr")
    levels = sorted(f[f"CCL_{LAST_YEAR}"] for f in layer.getFeatures())
    return (f"DEI × URI, 2011–2019: CPL/CPT/CCD/CCL/CCT_YYYY; {LAST_YEAR} median level {levels[len(levels) // 2]}, "
            f"{sum(1 for v in levels if v >= 6)} of {len(levels)} cities coordinated (D ≥ 0.5)")


# ================================================================== 2 spatial weights
def spatial_weights(demo: Demo):
    result = demo.run("resilience:spatialweights", {
        "INPUT": demo.cities, "ID_FIELD": "adcode", "KIND": 0,
        "OUTPUT": demo.layer("connectivity_queen"),
        "WEIGHTS_OUTPUT": demo.file("weights", "queen.gal"),
        "REPORT": demo.file("reports", "weights_queen.html"),
    }, {"OUTPUT": ("weights", "Queen contiguity links", False)})
    return (f"queen contiguity, {result['UNITS']} units, {result['LINKS']} links, "
            f"mean {result['MEAN_NEIGHBOURS']:.2f} neighbours, {result['ISLANDS']} island(s)")


def knn_weights(demo: Demo):
    result = demo.run("resilience:spatialweights", {
        "INPUT": demo.cities, "ID_FIELD": "adcode", "KIND": 2, "K": 6,
        "OUTPUT": demo.layer("connectivity_knn6"),
        "WEIGHTS_OUTPUT": demo.file("weights", "knn6.gal"),
    }, {"OUTPUT": ("weights", "6 nearest neighbours links", False)})
    return f"6 nearest neighbours (geodesic), {result['LINKS']} links"


def distance_weights(demo: Demo):
    result = demo.run("resilience:spatialweights", {
        "INPUT": demo.cities, "ID_FIELD": "adcode", "KIND": 4,  # inverse distance, no cut-off
        "OUTPUT": None,  # 134,322 links: no connectivity layer
        "WEIGHTS_OUTPUT": demo.file("weights", "inverse_distance.gwt"),
    })
    return f"geographic distance weights 1/d (geodesic km), {result['LINKS']} links -> weights/inverse_distance.gwt"


def economic_geographic_weights(demo: Demo):
    """The nested economic-geographic weights of the study's robustness checks, on GDP per
    capita (GDPPC of the joined panel) averaged over 2011-2019."""
    result = demo.run("resilience:spatialweights", {
        "INPUT": demo.layer_source("indices"), "ID_FIELD": "adcode", "KIND": 7,
        "ECON_FIELD": f"GDPPC_{LAST_YEAR}", "ECON_ALL_YEARS": True, "ECON_SHARE": 0.5,
        "OUTPUT": None,
        "WEIGHTS_OUTPUT": demo.file("weights", "economic_geographic.gwt"),
        "REPORT": demo.file("reports", "weights_economic_geographic.html"),
    })
    return (f"nested economic-geographic weights (phi = 0.5, GDPPC 2011-2019), {result['LINKS']} links "
            "-> weights/economic_geographic.gwt")


# ======================================================== 3 spatial autocorrelation
def moran_per_year(demo: Demo):
    result = demo.run("resilience:globalautocorrelation", {
        "INPUT": demo.layer_source("indices"), "FIELDS": [f"DEI_{LAST_YEAR}", f"URI_{LAST_YEAR}"],
        "ALL_YEARS": True, "WEIGHTS_FILE": demo.file("weights", "queen.gal"), "WEIGHTS_ID_FIELD": "adcode",
        "PERMUTATIONS": 999, "OUTPUT": demo.table("moran_by_year"), "CHART": demo.file("charts", "moran_by_year.png"),
    }, {"OUTPUT": ("autocorrelation", "Moran's I per year (table)", False)})
    from demo_report import read_table

    table = read_table(result["OUTPUT"])
    moran = table[(table["statistic"] == "Moran's I") & (table["inference"] == "permutation")]
    parts = []
    for stem in ("DEI", "URI"):
        series = moran[moran["field"] == stem].set_index("year")["value"]
        parts.append(f"{stem} {series.index.min()}–{series.index.max()}: "
                     f"{series.iloc[0]:.3f} → {series.iloc[-1]:.3f}")
    return f"Moran's I of {'; '.join(parts)} (largest p = {moran['p_value'].max():.3f}, 999 permutations)"


def lisa_last_year(demo: Demo):
    result = demo.run("resilience:localmoran", {
        "INPUT": demo.layer_source("indices"), "FIELD": f"URI_{LAST_YEAR}",
        "WEIGHTS_FILE": demo.file("weights", "queen.gal"), "WEIGHTS_ID_FIELD": "adcode", "PERMUTATIONS": 999,
        "CORRECTION": 1, "OUTPUT": demo.layer(f"lisa_uri_{LAST_YEAR}"),
        "SCATTER_PLOT": demo.file("charts", f"moran_scatter_uri_{LAST_YEAR}.png"),
    }, {"OUTPUT": ("autocorrelation", f"LISA clusters of resilience {LAST_YEAR}", True)})
    return (f"LISA of the resilience index URI {LAST_YEAR} (FDR 5 %): {result['HIGH_HIGH']} High-High, "
            f"{result['LOW_LOW']} Low-Low, {result['HIGH_LOW']} High-Low, {result['LOW_HIGH']} Low-High cities")


def hot_spots(demo: Demo):
    demo.run("resilience:hotspots", {
        "INPUT": demo.layer_source("indices"), "FIELD": f"URI_{LAST_YEAR}",
        "WEIGHTS_FILE": demo.file("weights", "knn6.gal"), "WEIGHTS_ID_FIELD": "adcode", "STAR": True,
        "PERMUTATIONS": 0, "CORRECTION": 1, "OUTPUT": demo.layer(f"hotspots_uri_{LAST_YEAR}"),
    }, {"OUTPUT": ("autocorrelation", f"Hot and cold spots of resilience {LAST_YEAR} (Gi*)", False)})
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(demo.layer_source(f"hotspots_uri_{LAST_YEAR}"), "hot", "ogr")
    bins = [f["GI_BIN"] for f in layer.getFeatures()]
    return (f"Getis-Ord Gi* of URI {LAST_YEAR} (6 nearest neighbours, FDR): {sum(b > 0 for b in bins)} cities in "
            f"hot spots, {sum(b < 0 for b in bins)} in cold spots")


# ============================================================= 4 core-node coverage
def core_node_coverage(demo: Demo):
    result = demo.run("resilience:corenodecoverage", {
        "INPUT": demo.cities, "ID_FIELD": "adcode", "NAME_FIELD": "name", "RADIUS": 300, "BACKUP": True,
        "COMPARE_RADII": "200, 300, 500",
        "OUTPUT": demo.layer("coverage_cities"), "CORES": demo.layer("coverage_cores"),
        "CIRCLES": demo.layer("coverage_circles"), "LINKS": demo.layer("coverage_links"),
        "REPORT": demo.file("reports", "coverage_300km.html"),
    }, {"CORES": ("coverage", "Core cities (300 km)", False), "LINKS": ("coverage", "Core-node links", False),
        "CIRCLES": ("coverage", "300 km around each core", False),
        "OUTPUT": ("coverage", "Cities by nearest core", False)})
    return (f"set covering at 300 km: {result['N_CORES']} core cities cover all "
            f"{100 * result['CITIES_SHARE']:.0f} % of cities, farthest city {result['MAX_KM']:.0f} km, "
            f"{'proven optimal' if result['OPTIMAL'] else 'gap %.2f %%' % (100 * result['GAP'])}")


def network_redundancy(demo: Demo):
    """N−1 of the 300 km cores: what each core's failure costs and the fewest cores to add."""
    result = demo.run("resilience:networkredundancy", {
        "INPUT": demo.layer_source("coverage_cities"), "ID_FIELD": "adcode", "NAME_FIELD": "name",
        "CORE_EXPRESSION": '"IS_CORE" = 1', "RADIUS": 300,
        "COUNTIES": str(SAMPLE / "china_counties.gpkg"), "COUNTY_TARGET": 90,
        "OUTPUT": demo.layer("redundancy_cities"), "CORES": demo.layer("redundancy_cores"),
        "COUNTIES_OUTPUT": demo.layer("redundancy_counties"),
        "REPORT": demo.file("reports", "redundancy_300km.html"),
    }, {"CORES": ("coverage", "Cores and their N-1 loss (300 km)", False),
        "OUTPUT": ("coverage", "Cities by redundancy (300 km)", False),
        "COUNTIES_OUTPUT": ("coverage", "Counties by coverage (300 km)", False)})
    demo.results["networkredundancy"] = result
    return (f"N-1 at 300 km: {100 * result['BACKUP_SHARE']:.1f} % of cities covered twice, worst single failure "
            f"uncovers {result['WORST_LOST']} cities; {result['N_ADDED']} more cores keep every city covered under "
            f"any single failure ({result['N_UNPROTECTABLE']} cities reachable by one candidate only), "
            f"{'proven optimal' if result['OPTIMAL'] else 'gap %.2f %%' % (100 * result['GAP'])}; "
            f"{100 * result['COUNTY_SHARE']:.1f} % of the 2,848 counties within 300 km (target 90 %: "
            f"{result['N_COUNTY_TARGET']} more cores)")


def population_coverage(demo: Demo):
    """Maximal covering: 20 cores that reach the most people (POP 2019 of the SYNTHETIC panel)."""
    result = demo.run("resilience:corenodecoverage", {
        "INPUT": demo.layer_source("indices"), "ID_FIELD": "adcode", "NAME_FIELD": "name", "PROBLEM": 1,
        "P": 20, "WEIGHT_FIELD": f"POP_{LAST_YEAR}", "RADIUS": 300, "COMPARE_RADII": "200, 300, 500",
        "OUTPUT": demo.layer("mclp_cities"), "CORES": demo.layer("mclp_cores"),
        "CIRCLES": demo.layer("mclp_circles"), "REPORT": demo.file("reports", "coverage_mclp_pop.html"),
    }, {"CORES": ("coverage", "20 cores reaching the most people", False),
        "CIRCLES": ("coverage", "300 km around the 20 cores", False),
        "OUTPUT": ("coverage", "Cities by nearest of the 20 cores", False)})
    return (f"maximal covering, 20 cores within 300 km: {100 * result['DEMAND_SHARE']:.1f} % of the "
            f"(synthetic) {LAST_YEAR} population, {100 * result['CITIES_SHARE']:.1f} % of cities, "
            f"{'proven optimal' if result['OPTIMAL'] else 'gap %.2f %%' % (100 * result['GAP'])}")


# ================================================================= 5 spillover model
#: Paper tables of the regression steps: XLSX, DOCX and LaTeX (resilience:* PAPER_TABLES).
PAPER_FORMATS = [0, 1, 2]
SPILLOVER_X = [f"{stem}_{LAST_YEAR}" for stem in ("DEI", "PATNT", "URB", "HUM", "GOV")]


def spatial_durbin(demo: Demo):
    import pandas as pd

    tables = demo.out / "tables" / "spillover_sdm"
    result = demo.run("resilience:spatialdurbin", {
        "INPUT": demo.layer_source("indices"), "DEPENDENT": f"URI_{LAST_YEAR}", "EXPLANATORY": SPILLOVER_X,
        "WEIGHTS_ID_FIELD": "adcode", "WEIGHTS_KIND": 0, "DROP_ISLANDS": True, "MODEL": 3, "EFFECTS": 3,
        "REPORT": demo.file("reports", "spillover_sdm.html"), "TABLES": str(tables),
        "PAPER_TABLES": demo.file("tables", "spillover_sdm.xlsx"), "TABLE_FORMATS": PAPER_FORMATS,
        "OUTPUT": demo.layer("sdm_fitted"), "LISA": demo.layer("sdm_residual_lisa"),
    }, {"LISA": ("spillover", "Residual clusters of the spillover model", False),
        "OUTPUT": ("spillover", "Fitted resilience and residuals", False)})
    effects = pd.read_csv(tables / "effects.csv", encoding="utf-8-sig").set_index(["variable", "effect"])
    parts = [f"{kind} {effects.loc[('DEI', kind), 'estimate']:.3f} (SE {effects.loc[('DEI', kind), 'se']:.3f})"
             for kind in ("direct", "indirect", "total")]
    return (f"SDM, two-way FE, queen, {result['OBSERVATIONS']} city-years: rho = {result['SPATIAL']:.3f}; "
            f"effects of DEI: {', '.join(parts)}")


def heterogeneity_period(demo: Demo):
    from digital_resilience.core.regression.table import p_text

    result = demo.run("resilience:heterogeneity", {
        "INPUT": demo.layer_source("indices"), "DEPENDENT": f"URI_{LAST_YEAR}", "EXPLANATORY": SPILLOVER_X,
        "WEIGHTS_ID_FIELD": "adcode", "WEIGHTS_KIND": 0, "DROP_ISLANDS": True, "MODEL": 3, "EFFECTS": 3,
        "GROUPING": 0, "SPLIT_YEAR": 2016, "REPORT": demo.file("reports", "heterogeneity_period.html"),
        "TABLE": demo.file("tables", "heterogeneity_period.csv"),
        "PAPER_TABLES": demo.file("tables", "heterogeneity_period.xlsx"), "TABLE_FORMATS": PAPER_FORMATS,
    })
    # RATIO and Z compare the first group (before 2016) with the second (from 2016).
    return (f"effect of DEI from 2016 = {1 / result['RATIO']:.2f} × the effect before 2016 "
            f"(difference z = {-result['Z']:.1f}, {p_text(result['P_VALUE'])})")


def heterogeneity_openness(demo: Demo):
    result = demo.run("resilience:heterogeneity", {
        "INPUT": demo.layer_source("indices"), "DEPENDENT": f"URI_{LAST_YEAR}", "EXPLANATORY": SPILLOVER_X,
        "WEIGHTS_ID_FIELD": "adcode", "WEIGHTS_KIND": 2, "WEIGHTS_K": 6, "MODEL": 3, "EFFECTS": 3,
        "GROUPING": 2, "GROUP_FIELD": f"OPEN_{LAST_YEAR}", "METHOD": 1,
        "REPORT": demo.file("reports", "heterogeneity_openness.html"), "OUTPUT": demo.layer("openness_groups"),
        "PAPER_TABLES": demo.file("tables", "heterogeneity_openness.xlsx"), "TABLE_FORMATS": PAPER_FORMATS,
    }, {"OUTPUT": ("spillover", "Openness groups (top / bottom 30 %)", False)})
    return (f"DEI in the 30 % most open / 30 % least open cities = {result['RATIO']:.2f} "
            f"(interaction model, z = {result['Z']:.1f})")


def elasticity_gap(demo: Demo):
    """The paper's question: did the gap between the eastern and the central/western cities' elasticity
    narrow? A zone field (east, central/west, northeast) from the region, then the gap over time."""
    import tempfile

    from digital_resilience.core.regression.table import p_text

    with tempfile.TemporaryDirectory() as scratch:  # the zones layer is a step, not a result of the demo
        zones = str(Path(scratch) / "zones.gpkg")
        demo.run("native:fieldcalculator", {
            "INPUT": demo.layer_source("indices"), "FIELD_NAME": "zone", "FIELD_TYPE": 2, "FIELD_LENGTH": 20,
            "FORMULA": "CASE WHEN \"region\" IN ('central', 'west') THEN 'central/west' ELSE \"region\" END",
            "OUTPUT": zones})
        result = demo.run("resilience:heterogeneity", {
            "INPUT": zones, "DEPENDENT": f"URI_{LAST_YEAR}", "EXPLANATORY": SPILLOVER_X,
            "WEIGHTS_ID_FIELD": "adcode", "WEIGHTS_KIND": 2, "WEIGHTS_K": 6, "MODEL": 3, "EFFECTS": 3,
            "GROUPING": 1, "GROUP_FIELD": "zone", "METHOD": 2, "REFERENCE": "central/west",
            "REPORT": demo.file("reports", "elasticity_gap.html"),
            "GAP_TABLE": demo.file("tables", "elasticity_gap.csv")})
    return (f"east − central/west elasticity of URI to DEI: {result['GAP_FIRST']:.3f} (2011) → "
            f"{result['GAP_LAST']:.3f} ({LAST_YEAR}), trend {result['GAP_TREND']:+.4f} a year "
            f"({p_text(result['GAP_TREND_P'])}); SDM, two-way FE, 6-NN")


def spillover_scenario(demo: Demo):
    result = demo.run("resilience:scenario", {
        "INPUT": demo.layer_source("indices"), "DEPENDENT": f"URI_{LAST_YEAR}", "EXPLANATORY": SPILLOVER_X,
        "WEIGHTS_ID_FIELD": "adcode", "WEIGHTS_KIND": 2, "WEIGHTS_K": 6, "MODEL": 3, "EFFECTS": 3,
        "REGRESSOR": f"DEI_{LAST_YEAR}", "CHANGE_KIND": 1, "DELTA": 10.0,
        "CITIES_EXPRESSION": "\"region\" IN ('central', 'west')",
        "REPORT": demo.file("reports", "scenario_dei_central_west.html"),
        "TABLE": demo.file("tables", "scenario_dei_central_west.csv"), "OUTPUT": demo.layer("scenario_dei"),
    }, {"OUTPUT": ("spillover", "Scenario: +10 % digital economy in central and western cities", False)})
    demo.results["scenario"] = result
    share = 100 * result["TOTAL_RECEIVED"] / result["TOTAL_CHANGE"]
    return (f"+10 % DEI in {result['CHOSEN']} central/western cities (SDM, two-way FE, 6-NN): total change of "
            f"URI {result['TOTAL_CHANGE']:.4f}, of which {share:.0f} % spillover")


def investment_targeting(demo: Demo):
    result = demo.run("resilience:targeting", {
        "INPUT": demo.layer_source("indices"), "DEPENDENT": f"URI_{LAST_YEAR}", "EXPLANATORY": SPILLOVER_X,
        "WEIGHTS_ID_FIELD": "adcode", "WEIGHTS_KIND": 2, "WEIGHTS_K": 6, "MODEL": 3, "EFFECTS": 3, "DRAWS": 0,
        "REGRESSOR": f"DEI_{LAST_YEAR}", "CHANGE_KIND": 0, "DELTA": 0.1, "K": 20,
        "TARGET": "\"region\" IN ('central', 'west')", "OUTPUT": demo.layer("targeting_dei"),
        "REPORT": demo.file("reports", "targeting_dei_central_west.html"),
    }, {"OUTPUT": ("spillover", "Where to invest first: 20 cities for central and western resilience", False)})
    demo.results["targeting"] = result
    return (f"20 cities where +0.1 DEI lifts central/western resilience most: gain {result['GAIN']:.4f}, "
            f"against {result['NAIVE_GAIN']:.4f} for the 20 cities with the highest DEI")


# ========================================================= 6 convergence and mediation
def convergence(demo: Demo):
    result = demo.run("resilience:convergence", {
        "INPUT": demo.layer_source("indices"), "FIELD": f"URI_{LAST_YEAR}", "ID_FIELD": "adcode",
        "NAME_FIELD": "name", "GROUP_FIELD": "region", "CONTROLS": [f"URB_{LAST_YEAR}"], "SPATIAL_MODELS": [0, 1, 2],
        "WEIGHTS_FILE": demo.file("weights", "knn6.gal"),  # every city has neighbours
        "OUTPUT": demo.layer("convergence_growth"),
        "SIGMA_TABLE": demo.table("convergence_sigma"),
        "BETA_TABLE": demo.table("convergence_beta"),
        "GROUP_TABLE": demo.table("convergence_groups"),
        "REPORT": demo.file("reports", "convergence.html"),
        "CHART": demo.file("charts", "convergence_sigma.png"),
        "PAPER_TABLES": demo.file("tables", "convergence_beta.xlsx"), "TABLE_FORMATS": PAPER_FORMATS,
    }, {"OUTPUT": ("convergence", "Growth of resilience 2011–2019", False),
        "SIGMA_TABLE": ("convergence", "σ-convergence (table)", False),
        "BETA_TABLE": ("convergence", "β-convergence (table)", False),
        "GROUP_TABLE": ("convergence", "σ-convergence by region (table)", False)})
    return (f"σ: CV of resilience {result['CV_START']:.3f} (2011) -> {result['CV_END']:.3f} ({LAST_YEAR}); "
            f"β = {result['BETA']:.4f}, speed {result['SPEED'] * 100:.2f} %/yr, "
            f"half-life {result['HALF_LIFE']:.1f} years")


def mediation(demo: Demo):
    result = demo.run("resilience:mediation", {
        "INPUT": demo.layer_source("indices"), "X_FIELD": f"DEI_{LAST_YEAR}", "M_FIELD": f"PATNT_{LAST_YEAR}",
        "Y_FIELD": f"URI_{LAST_YEAR}",
        "ID_FIELD": "adcode", "NAME_FIELD": "name", "CONTROLS": [f"URB_{LAST_YEAR}"], "MODEL": 3, "SE_TYPE": 2,
        "DRAWS": 999, "SEED": 1,
        "COEFFICIENTS": demo.table("mediation_coefficients"),
        "EFFECTS": demo.table("mediation_effects"),
        "REPORT": demo.file("reports", "mediation.html"),
        "CHART": demo.file("charts", "mediation_bootstrap.png"),
        "PAPER_TABLES": demo.file("tables", "mediation.xlsx"), "TABLE_FORMATS": PAPER_FORMATS,
    }, {"COEFFICIENTS": ("convergence", "Mediation: regressions (table)", False),
        "EFFECTS": ("convergence", "Mediation: effects (table)", False)})
    return (f"digital economy -> innovation -> resilience (two-way FE): indirect {result['INDIRECT']:.3f} "
            f"[{result['CI_LOW']:.3f}, {result['CI_HIGH']:.3f}], {result['PROPORTION']:.0%} of the total, "
            f"Sobel z = {result['SOBEL_Z']:.1f}; {result['VERDICT']}")


# ================================================================ project and report
def add_china_context(demo: Demo) -> None:
    """Copy Taiwan, Hong Kong, Macao and the dashed line into the GeoPackage and show them under
    every other layer, so maps made from the project show China whole (as the report does)."""
    from qgis.core import QgsCoordinateTransformContext, QgsProcessingContext, QgsVectorFileWriter, QgsVectorLayer

    from digital_resilience.processing.styling import (
        apply_style,
        maritime_line_style,
        no_data_region_style,
        save_output_style,
    )

    for source_name, (name, title) in CHINA_CONTEXT.items():
        source = QgsVectorLayer(f"{SAMPLE / 'china_context.gpkg'}|layername={source_name}", title, "ogr")
        options = QgsVectorFileWriter.SaveVectorOptions()
        options.driverName = "GPKG"
        options.layerName = name
        options.actionOnExistingFile = QgsVectorFileWriter.CreateOrOverwriteLayer
        error = QgsVectorFileWriter.writeAsVectorFormatV3(source, str(demo.gpkg), QgsCoordinateTransformContext(),
                                                          options)
        if error[0] != QgsVectorFileWriter.NoError:
            raise RuntimeError(f"could not copy {source_name} into {demo.gpkg}: {error[1]}")
        style = maritime_line_style() if source_name == "maritime_boundary" else no_data_region_style()
        save_output_style(QgsProcessingContext(), demo.layer_source(name), style)
        layer = demo.add_layer(demo.layer_source(name), "context", title, True)
        apply_style(layer, style)


def set_view_on_china(demo: Demo) -> None:
    """Open the project on China (the sample cities' extent, in the project's CRS), not at 1:1 on
    an empty canvas: the default view and the full extent (zoom full) of the project."""
    from qgis.core import QgsCoordinateTransform, QgsFeatureRequest, QgsRectangle, QgsReferencedRectangle

    cities = demo.project_layer("Cities (sample)")
    transform = QgsCoordinateTransform(cities.crs(), demo.project.crs(), demo.project)
    extent = QgsRectangle()  # null: the first combineExtentWith takes the other's box (3.22 to 3.40+)
    for feature in cities.getFeatures(QgsFeatureRequest().setNoAttributes()):
        geometry = feature.geometry()
        geometry.transform(transform)  # the cities themselves: a lon/lat box would bulge in Albers
        extent.combineExtentWith(geometry.boundingBox())
    extent.scale(1.05)
    view = QgsReferencedRectangle(extent, demo.project.crs())
    demo.project.viewSettings().setDefaultViewExtent(view)
    demo.project.viewSettings().setPresetFullExtent(view)


def write_project(demo: Demo):
    add_china_context(demo)
    set_view_on_china(demo)
    path = demo.out / "demo.qgz"
    if not demo.project.write(str(path)):
        raise RuntimeError(f"could not write {path}: {demo.project.error()}")
    layers = demo.project.mapLayers().values()
    visible = [node.name() for node in demo.project.layerTreeRoot().findLayers() if node.isVisible()]
    return (f"demo.qgz: {len(layers)} styled layers and tables in {len(GROUPS)} groups; "
            f"visible: {', '.join(visible)}")


def report(demo: Demo):
    from demo_report import build_report

    pages = build_report(demo, demo.out / "report.pdf")
    return f"report.pdf: {len(pages)} pages ({', '.join(page.short for page in pages[1:])})"


STEPS = [
    ("Join the indicator panel", join_panel),
    ("Digital economy and resilience indices", composite_indices),
    ("Coupling coordination", coupling_coordination),
    ("Spatial weights (queen)", spatial_weights),
    ("Spatial weights (6 nearest neighbours)", knn_weights),
    ("Spatial weights (inverse distance)", distance_weights),
    ("Spatial weights (economic-geographic)", economic_geographic_weights),
    ("Global Moran's I per year", moran_per_year),
    ("LISA clusters, last year", lisa_last_year),
    ("Hot spots, last year", hot_spots),
    ("Core-node coverage (300 km, set covering)", core_node_coverage),
    ("Network redundancy (N-1, 300 km)", network_redundancy),
    ("Core-node coverage (20 cores, population)", population_coverage),
    ("Spatial Durbin model of resilience (panel, two-way FE)", spatial_durbin),
    ("Heterogeneity by period (2016)", heterogeneity_period),
    ("Heterogeneity by openness (top/bottom 30 %)", heterogeneity_openness),
    ("Regional elasticity gap over time (east vs central/west)", elasticity_gap),
    ("Spillover scenario (+10 % digital economy, central and west)", spillover_scenario),
    ("Where to invest first (20 cities, central and western gain)", investment_targeting),
    ("Convergence (σ and β)", convergence),
    ("Mediation (digital economy -> innovation -> resilience)", mediation),
    ("QGIS project", write_project),
    ("Report", report),
]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("demo_output"))
    args = parser.parse_args(argv)
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    # The sample cities are the GeoPackage's first layer; every step adds its layers to it.
    shutil.copyfile(SAMPLE / "china_cities.gpkg", args.out / "demo.gpkg")
    started = time.perf_counter()
    app, provider = start_qgis()
    demo = Demo(args.out)
    for title, function in STEPS:
        demo.step(title, lambda function=function, demo=demo: function(demo))
    print(f"Done in {time.perf_counter() - started:.1f} s; outputs in {args.out}/: demo.gpkg, demo.qgz, "
          "report.pdf, reports/ (HTML), charts/, weights/, tables/")
    demo.close()  # free the project and its layers before QGIS exits
    stop_qgis(app, provider)
    return 0


if __name__ == "__main__":
    sys.exit(main())
