"""What a planner sees in the dialogs: short labels (the batch table's column headers) with
the explanation in each parameter's help and the algorithm's help panel, a one-line
description, an icon per Toolbox group, the study chain's inputs in filling order."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAX_LABEL = 40


def algorithms(provider):
    return list(provider.algorithms())


def test_every_label_is_short_and_its_explanation_is_in_the_help(provider):
    long_labels = [(alg.id(), d.name(), d.description()) for alg in algorithms(provider)
                   for d in alg.parameterDefinitions() if len(d.description()) > MAX_LABEL]
    assert not long_labels
    lisa = provider.algorithm("localmoran")
    helps = {d.name(): d.help() for d in lisa.parameterDefinitions()}
    assert helps["ALL_YEARS"].startswith("Every year of the chosen field (DEI_2019 → DEI_2011")
    assert helps["WEIGHTS_DISTANCE"].startswith("Distance: band threshold")
    assert "Sokal" in helps["CONDITIONAL"]
    # The help panel lists each parameter's explanation under its short label.
    panel = lisa.shortHelpString()
    assert "• Every year: Every year of the chosen field" in panel
    assert "• Attach islands to their nearest unit: Attach islands (units without neighbours)" in panel


def test_every_algorithm_has_a_short_description_and_its_group_s_icon(provider):
    from qgis.PyQt.QtSvg import QSvgRenderer

    icons = {}
    for alg in algorithms(provider):
        assert alg.shortDescription().strip(), alg.id()
        assert len(alg.shortDescription()) <= 100, alg.id()
        icons.setdefault(alg.groupId(), set()).add(alg.svgIconPath())
    assert set(icons) == {"indices", "weights", "autocorrelation", "coverage", "econometrics", "maps", "workflows"}
    assert all(len(paths) == 1 for paths in icons.values()), icons  # one icon per group …
    paths = [next(iter(paths)) for paths in icons.values()]
    assert len(set(paths)) == len(paths)  # … a different one for each group
    for path in paths:
        assert Path(path).parent == ROOT / "resources" / "icons" and QSvgRenderer(path).isValid(), path


def test_coverage_name_does_not_state_a_radius(provider):
    coverage = provider.algorithm("corenodecoverage")
    assert coverage.displayName() == "Core–node coverage" and "km" not in coverage.displayName()


def test_the_study_chain_lists_its_inputs_in_filling_order(provider):
    from qgis.core import QgsApplication

    model = QgsApplication.processingRegistry().algorithmById("resilience:studychain")
    inputs = [d.name() for d in model.parameterDefinitions() if not d.isDestination()]
    assert inputs[:4] == ["TABLE", "CITIES", "ID_FIELD", "NAME_FIELD"]
    assert all(len(model.parameterDefinition(name).description()) <= MAX_LABEL for name in inputs)
    assert model.parameterDefinition("TABLE").help() == "Indicator table (CSV or XLSX; long or wide)"
    assert model.shortDescription()
    # A fresh instance (what the dialog runs) keeps the order.
    instance = model.createInstance()  # (kept: its definitions die with it)
    assert [d.name() for d in instance.parameterDefinitions()][:2] == ["TABLE", "CITIES"]
    assert instance.parameterDefinition("CITIES").help().startswith("City layer (polygons")


@pytest.mark.parametrize("algorithm_id", ["localmoran", "spatialdurbin", "scenario", "targeting"])
def test_chinese_labels_and_help(provider, algorithm_id):
    """Short labels and their help are in the translation file (test_i18n checks none is unfinished)."""
    ts = (ROOT / "resources" / "i18n" / "digital_resilience_zh_CN.ts").read_text(encoding="utf-8")
    for definition in provider.algorithm(algorithm_id).parameterDefinitions():
        for text in (definition.description(), definition.help()):
            assert not text or f"<source>{html.escape(text, quote=False)}</source>" in ts, text


@pytest.mark.parametrize("algorithm_id", ["scenario", "targeting"])
def test_the_policy_variable_defaults_to_the_latest_digital_economy_index(provider, algorithm_id):
    """The dialog's policy variable follows its layer and selects DEI_2019 (the dependent
    variable of the same dialog selects URI_2019)."""
    from qgis.core import QgsFeature, QgsVectorLayer

    from digital_resilience.processing.parameters.field_defaults import WRAPPER_CLASS, layer_likely_field
    from digital_resilience.processing.qgis_compat import FieldType, new_field

    algorithm = provider.algorithm(algorithm_id)
    layer = QgsVectorLayer("Point?crs=EPSG:4326", "cities", "memory")
    layer.dataProvider().addAttributes([new_field(name, FieldType.DOUBLE) for name in
                                        ("adcode", "URI_2011", "URI_2019", "DEI_2011", "DEI_2019", "GDP")])
    layer.updateFields()
    layer.dataProvider().addFeature(QgsFeature(layer.fields()))
    picks = {}
    for name in ("REGRESSOR", "DEPENDENT"):
        metadata = algorithm.parameterDefinition(name).metadata()
        assert metadata["widget_wrapper"] == {"class": WRAPPER_CLASS}
        picks[name] = layer_likely_field(layer, True, metadata.get("likely_stems"))
    assert picks == {"REGRESSOR": "DEI_2019", "DEPENDENT": "URI_2019"}


def test_an_editable_copy_of_the_study_chain_opens_and_saves(provider, tmp_path):
    """The menu's "Open the study chain in the Modeler…" copies the model into the profile's models
    folder as a plain model; the copy loads with every step attached, saves, and a second copy
    never overwrites the first."""
    from qgis.core import QgsProcessingModelAlgorithm

    from digital_resilience.processing.models import editable_copy

    first = editable_copy(tmp_path / "models")
    second = editable_copy(tmp_path / "models")
    assert (first.name, second.name) == ("study_chain_copy.model3", "study_chain_copy_2.model3")
    model = QgsProcessingModelAlgorithm()
    assert model.fromFile(str(first))
    assert model.name() == "Study chain (my copy)" and model.id() != "resilience:studychain"
    ok, issues = model.validate()
    assert ok, issues
    assert {d.name() for d in model.parameterDefinitions()} >= {"TABLE", "CITIES", "YEAR"}
    model.setHelpContent({**model.helpContent(), "ALG_DESC": "my change"})
    assert model.toFile(str(first))
    again = QgsProcessingModelAlgorithm()
    assert again.fromFile(str(first)) and again.helpContent()["ALG_DESC"] == "my change"


def test_the_weights_warning_names_islands_by_name_and_code(provider, cities_path):
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    class Warnings(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.warnings = []

        def pushWarning(self, text):
            self.warnings.append(text)
            super().pushWarning(text)

    feedback = Warnings()
    result = processing.run("resilience:spatialweights", {"INPUT": str(cities_path), "KIND": 0,
                                                          "OUTPUT": "TEMPORARY_OUTPUT"},
                            context=QgsProcessingContext(), feedback=feedback)
    assert result["ISLANDS"] == 1
    assert any("1 unit(s) have no neighbours: 三沙市 (460300)." in text for text in feedback.warnings), \
        feedback.warnings
