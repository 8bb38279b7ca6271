"""The study chain model (resources/models/study_chain.model3, ``resilience:studychain``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "resources" / "sample"
STEPS = {"join": "resilience:jointable", "indices": "resilience:compositeindex",
         "weights": "resilience:spatialweights", "moran": "resilience:globalautocorrelation",
         "lisa": "resilience:localmoran", "coverage": "resilience:corenodecoverage",
         "spillover": "resilience:spatialdurbin", "redundancy": "resilience:networkredundancy",
         "scenario": "resilience:scenario", "targeting": "resilience:targeting"}
OUTPUTS = {"indices:INDICES", "indices:INDEX_WEIGHTS", "weights:WEIGHTS", "moran:MORAN", "moran:MORAN_CHART",
           "lisa:LISA", "lisa:SCATTER", "coverage:COVERAGE", "coverage:CORES", "coverage:CIRCLES",
           "coverage:LINKS", "coverage:COVERAGE_REPORT", "spillover:SPILLOVER_REPORT", "spillover:RESIDUAL_LISA",
           "redundancy:REDUNDANCY", "redundancy:REDUNDANCY_CORES", "redundancy:REDUNDANCY_REPORT",
           "scenario:SCENARIO", "scenario:SCENARIO_REPORT", "targeting:TARGETING", "targeting:TARGETING_REPORT"}


def test_the_model_is_in_the_toolbox_under_the_provider(provider):
    from qgis.core import QgsApplication

    from digital_resilience.processing.models import ResilienceModel

    model = QgsApplication.processingRegistry().algorithmById("resilience:studychain")
    assert isinstance(model, ResilienceModel) and model.provider() is provider
    assert model.id() == "resilience:studychain"
    assert model.displayName().startswith("Study chain")
    assert (model.groupId(), model.group()) == ("workflows", "Study workflows")
    assert "resilience:spatialdurbin" in model.shortHelpString()
    assert model.sourceFilePath().endswith("resources/models/study_chain.model3")
    ok, issues = model.validate()
    assert ok, issues
    children = model.childAlgorithms()
    assert {key: child.algorithmId() for key, child in children.items()} == STEPS
    assert all(model.childAlgorithm(key).algorithm() is not None for key in children)
    names = {d.name() for d in model.parameterDefinitions()}
    assert {"CITIES", "ID_FIELD", "TABLE", "SYSTEM", "YEAR", "CONTROLS", "WEIGHTS", "RADIUS"} <= names
    assert {d.name() for d in model.destinationParameterDefinitions()} == OUTPUTS
    instance = model.createInstance()
    assert type(instance) is ResilienceModel and instance.displayName() == model.displayName()


def test_the_model_file_is_what_the_builder_makes(provider, tmp_path):
    """resources/models/study_chain.model3 is written by processing.study_model (run
    scripts/make_models.py after changing an algorithm's parameters)."""
    from qgis.core import QgsProcessingModelAlgorithm

    from digital_resilience.processing.models import MODEL_DIR, STUDY_CHAIN_FILE
    from digital_resilience.processing.study_model import write_models

    written = write_models(tmp_path)
    assert [p.name for p in written] == [STUDY_CHAIN_FILE]
    built, shipped = QgsProcessingModelAlgorithm(), QgsProcessingModelAlgorithm()
    assert built.fromFile(str(written[0])) and shipped.fromFile(str(MODEL_DIR / STUDY_CHAIN_FILE))
    # Qt writes XML attributes in a random order: compare the models, not the bytes.
    assert model_content(built) == model_content(shipped)
    # A file written by QGIS 3.40 (Version2) would rename the model's outputs: make it on QGIS 3.22.
    assert shipped.toVariant().get("internal_version", "Version1") == "Version1"


def model_content(model) -> dict:
    """``model.toVariant()`` without what depends on the QGIS that wrote the file: QGIS 3.40 writes
    ``internal_version`` Version2 and names a model output after its description ("lisa_clusters")
    where 3.22 wrote Version1 and named it after its step ("lisa:LISA"), a name every QGIS keeps for a
    Version1 file (the shipped file is one, so users' output names do not change with QGIS).
    Model outputs are keyed by their step and the step's output instead."""
    content = dict(model.toVariant())
    content.pop("internal_version", None)
    definitions = {}
    for name, definition in content.pop("parameterDefinitions").items():
        definition = dict(definition)
        metadata = definition.get("metadata") or {}
        if "_modelChildId" in metadata:
            definition.pop("name", None)
            name = (metadata["_modelChildId"], metadata["_modelChildOutputName"])
        definitions[name] = definition
    content["parameterDefinitions"] = definitions
    return content


def test_models_loaded_before_their_provider_is_registered_attach_once_it_is(no_provider):
    """The provider loads its models before the registry lists it (their steps cannot be
    found yet); registering it re-attaches them, so qgis_process help lists every output."""
    from qgis.core import QgsApplication

    from digital_resilience.processing.models import load_models, reattach
    from digital_resilience.processing.provider import ResilienceProvider

    model = load_models()[0]
    assert all(model.childAlgorithm(key).algorithm() is None for key in model.childAlgorithms())
    assert model.destinationParameterDefinitions() == []
    provider = ResilienceProvider()
    assert no_provider.addProvider(provider)
    try:
        listed = QgsApplication.processingRegistry().algorithmById("resilience:studychain")
        assert {d.name() for d in listed.destinationParameterDefinitions()} == OUTPUTS
        assert reattach(model)
        assert {d.name() for d in model.destinationParameterDefinitions()} == OUTPUTS
    finally:
        no_provider.removeProvider(provider)


def read_gal(path: Path) -> dict[str, list[str]]:
    """Neighbour lists of a GAL file (written out here: header line, then 'id count' and the
    neighbours' ids on the next line)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    count = int(lines[0].split()[1] if len(lines[0].split()) > 1 else lines[0])
    neighbours, row = {}, 1
    for _ in range(count):
        unit, k = lines[row].split()
        neighbours[unit] = lines[row + 1].split()  # an empty line for a unit without neighbours
        assert len(neighbours[unit]) == int(k)
        row += 2
    return neighbours


def brute_force_moran(values: dict[str, float], neighbours: dict[str, list[str]]) -> float:
    """Moran's I with row-standardised weights, written out: I = n / S0 · Σ_i z_i (Σ_j w_ij z_j) / Σ z²,
    a unit without neighbours contributing nothing (S0 counts the rows that have weights) and,
    as R spdep's moran.test (adjust.n = TRUE), n counting only units with neighbours."""
    ids = list(values)
    z = np.array([values[i] for i in ids]) - np.mean(list(values.values()))
    position = {unit: k for k, unit in enumerate(ids)}
    cross, s0 = 0.0, 0
    for k, unit in enumerate(ids):
        near = neighbours[unit]
        if near:
            s0 += 1
            cross += z[k] * np.mean([z[position[j]] for j in near])
    n = sum(1 for unit in ids if neighbours[unit])
    return n / s0 * cross / float(z @ z)


@pytest.fixture()
def clean_project(qgis_app):
    from qgis.core import QgsProject

    yield QgsProject.instance()
    QgsProject.instance().removeAllMapLayers()


def test_the_model_runs_the_study_on_the_sample(provider, cities_path, tmp_path, clean_project):
    """End to end through processing.runAndLoadResults (the Toolbox's path): every output, the
    right year and weights in each step, and the steps' styles on the loaded layers."""
    import processing
    from qgis.core import QgsVectorLayer

    cities = tmp_path / "cities.gpkg"
    shutil.copyfile(cities_path, cities)
    out = tmp_path / "out"
    out.mkdir()
    result = processing.runAndLoadResults("resilience:studychain", {
        "CITIES": f"{cities}|layername=cities", "TABLE": str(SAMPLE / "synthetic_panel.csv"), "PERMUTATIONS": 99,
        "indices:INDICES": str(out / "indices.gpkg"), "weights:WEIGHTS": str(out / "queen.gal"),
        "moran:MORAN": str(out / "moran.csv"), "lisa:LISA": str(out / "lisa.gpkg"),
        "coverage:CORES": str(out / "cores.gpkg"), "spillover:SPILLOVER_REPORT": str(out / "sdm.html"),
        "moran:MORAN_CHART": None,  # an output given as None is skipped
    })
    children = result["CHILD_RESULTS"]
    assert set(children) == set(STEPS)
    assert "moran:MORAN_CHART" not in result or not result["moran:MORAN_CHART"]
    for name in ("lisa:SCATTER", "coverage:COVERAGE_REPORT"):  # left out: temporary files
        assert Path(result[name]).exists()

    indices = QgsVectorLayer(str(out / "indices.gpkg"), "indices", "ogr")
    assert indices.featureCount() == 367
    values = {str(f["adcode"]): f["URI_2019"] for f in indices.getFeatures()}
    digital = {str(f["adcode"]): f["DEI_2011"] for f in indices.getFeatures()}
    neighbours = read_gal(out / "queen.gal")
    assert set(neighbours) == set(values) and sum(1 for n in neighbours.values() if not n) == 1

    import pandas as pd

    moran = pd.read_csv(out / "moran.csv")
    moran = moran[(moran["statistic"] == "Moran's I") & (moran["inference"] == "normality")]
    assert sorted(moran["field"].unique()) == ["DEI", "URI"]
    assert sorted(moran["year"].unique()) == list(range(2011, 2020))
    by_key = moran.set_index(["field", "year"])["value"]
    assert by_key[("URI", 2019)] == pytest.approx(brute_force_moran(values, neighbours), rel=1e-10)
    assert by_key[("DEI", 2011)] == pytest.approx(brute_force_moran(digital, neighbours), rel=1e-10)
    assert children["lisa"]["MORAN_I"] == pytest.approx(by_key[("URI", 2019)], rel=1e-12)

    # The published optimum of the sample (README; tests/processing/test_core_node_coverage*).
    assert children["coverage"]["N_CORES"] == 42 and children["coverage"]["OPTIMAL"]
    assert QgsVectorLayer(str(out / "cores.gpkg"), "cores", "ogr").featureCount() == 42
    # Spillover: URI on DEI and the four controls, 366 cities with neighbours × 9 years.
    inputs = result["CHILD_INPUTS"]["spillover"]
    assert inputs["DEPENDENT"] == "URI_2019"
    assert list(inputs["EXPLANATORY"]) == ["DEI_2019", "PATNT_2019", "URB_2019", "HUM_2019", "GOV_2019"]
    assert children["spillover"]["OBSERVATIONS"] == 366 * 9
    assert "DEI" in (out / "sdm.html").read_text(encoding="utf-8")

    loaded = {layer.name(): layer for layer in clean_project.mapLayers().values()}
    lisa = next(layer for layer in loaded.values() if layer.source().startswith(str(out / "lisa.gpkg")))
    colours = {c.value(): c.symbol().color().name() for c in lisa.renderer().categories()}
    assert colours["High-High"] == "#ff0000" and colours["Low-Low"] == "#0000ff"
    index_map = next(layer for layer in loaded.values() if layer.source().startswith(str(out / "indices.gpkg")))
    assert index_map.renderer().type() == "graduatedSymbol"


def test_bad_input_stops_with_the_step_s_message(provider, cities_path, tmp_path):
    """A wrong index stem: the first step that reads it says which field is missing (in the log),
    and the run stops naming the step."""
    import processing
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    class Log(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.errors = []

        def reportError(self, error, fatal=False):
            self.errors.append(error)

    cities = tmp_path / "cities.gpkg"
    shutil.copyfile(cities_path, cities)
    log = Log()
    with pytest.raises(QgsProcessingException, match="Error encountered while running") as raised:
        processing.run("resilience:studychain", {
            "CITIES": f"{cities}|layername=cities", "TABLE": str(SAMPLE / "synthetic_panel.csv"),
            "RESILIENCE": "NOPE", "PERMUTATIONS": 0,
        }, feedback=log)
    # QGIS 3.22 reports the step's message to the log, 3.40 puts it into the model's error.
    errors = [str(raised.value), *log.errors]
    # The steps that read the field run in no fixed order; whichever runs first names the field.
    assert any("The layer has no field NOPE_2019" in error for error in errors), errors
    assert not any("Traceback" in error for error in errors), errors
