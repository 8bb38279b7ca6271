"""Graphical Modeler models shipped with the plugin (``resources/models/*.model3``).

The provider lists each model beside the algorithms (``resilience:studychain``): a model's
id is ``<provider id>:<model name>``, and QGIS 3.22 uses the model name as the algorithm
name, so the file's ``model_name`` is the stable, lower-case id. :class:`ResilienceModel`
keeps the model as QGIS runs it and adds what a plain model lacks: a translated display
name, group and help, and ``createInstance`` returning the same class.

A model finds its steps (``resilience:…``) in the Processing registry when it is loaded,
and the provider loads its algorithms *before* the registry lists it; so the provider
re-attaches the steps once it is registered (:func:`reattach`), as QGIS's own model
provider reloads its models when a provider is added. Loading costs a few milliseconds and
imports nothing heavy.
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsProcessingModelAlgorithm, QgsProcessingParameterDefinition
from qgis.PyQt.QtCore import QCoreApplication

from .algorithm import GROUPS, HELP_URL, PLUGIN_DIR, group_icon_path
from .translation import translator

MODEL_DIR = PLUGIN_DIR / "resources" / "models"
STUDY_CHAIN = "studychain"
STUDY_CHAIN_FILE = "study_chain.model3"
WORKFLOW_GROUP_ID = "workflows"
WORKFLOW_GROUP = GROUPS[WORKFLOW_GROUP_ID]
#: The explanations of the study chain's short input labels (each input's help; written into the
#: .model3 too, but QGIS 3.22 does not read a model input's help back, so loading sets it).
INPUT_HELP = {
    "TABLE": "Indicator table (CSV or XLSX; long or wide)",
    "CITIES": "City layer (polygons; points with k-nearest weights)",
    "ID_FIELD": "City code field (joins the table; identifies the cities)",
    "SYSTEM_FILE": "Own indicator system (CSV or XLSX; replaces the template)",
    "YEAR": "Year of the LISA map (the spillover model uses every year)",
    "CONTROLS": "Control variables of the spillover model (indicator stems, comma-separated)",
    "RESILIENCE": "Stem of the resilience index (dependent variable)",
    "POLICY_CITIES": "Policy cities: where the scenario raises the digital economy index, and whose gain counts "
                     "when choosing where to invest (an expression, e.g. \"region\" IN ('central', 'west'); "
                     "empty: every city)",
    "POLICY_CHANGE": "Scenario: the change of the digital economy index in the policy cities (% of each city's "
                     "value)",
}


tr = translator("ResilienceModel")


def model_texts(name: str) -> tuple[str, str, str]:
    """(display name, help, short description) of a shipped model, translated."""
    if name == STUDY_CHAIN:
        return (tr("Study chain: indices, weights, autocorrelation, coverage, spillover"), tr(
            "The study in one run, as a Graphical Modeler model (open it in the Modeler to see or change "
            "the chain):\n"
            "1. joins the indicator table to the cities (resilience:jointable);\n"
            "2. builds the digital economy and resilience indices with entropy weights on pooled city-years "
            "(resilience:compositeindex);\n"
            "3. builds the spatial weights (queen, rook or k-nearest neighbours) and saves them as a GAL "
            "file that every later step reads (resilience:spatialweights);\n"
            "4. Moran's I of both indices for every year (resilience:globalautocorrelation);\n"
            "5. the LISA cluster map of resilience in the chosen year, false discovery rate control "
            "(resilience:localmoran);\n"
            "6. the core-node coverage: the fewest core cities with every city within the radius, 300 km by "
            "default (resilience:corenodecoverage);\n"
            "7. the spatial Durbin model of resilience on the digital economy index and the controls, with "
            "city and year fixed effects over every year of the panel, its direct, indirect (spillover) and "
            "total effects and a map of residual clusters (resilience:spatialdurbin; cities without "
            "neighbours are left out).\n\n"
            "Inputs: the city layer with its code and name fields, the indicator table (long or wide; the "
            "sample is resources/sample/synthetic_panel.csv), the indicator system, the year of the LISA "
            "map, the controls as indicator stems (PATNT, URB, HUM, GOV on the sample), the weights and the "
            "radius. Advanced: the index stems (URI, DEI), the number of neighbours and of permutations.\n\n"
            "Outputs: the indices layer and the indicator weights, the weights file, Moran's I per year "
            "(table and chart), the LISA layer and Moran scatter plot, the cities by nearest core, the core "
            "cities, coverage circles, core-node links and the coverage report, the spillover model's "
            "report and its residual cluster map. Each layer loads with its style."
        ), tr("The whole study in one run, from the indicator table to the spillover model."))
    return name, "", ""


class ResilienceModel(QgsProcessingModelAlgorithm):
    """A shipped model with translated texts; QGIS runs it as any model."""

    def displayName(self) -> str:
        return model_texts(self.name())[0]

    def shortHelpString(self) -> str:
        return model_texts(self.name())[1] or super().shortHelpString()

    def groupId(self) -> str:
        # QGIS 3.22 reads a model's group id from its group name; ours are keys of GROUPS.
        group = super().group()
        return next((key for key, name in GROUPS.items() if name == group), super().groupId())

    def group(self) -> str:
        return QCoreApplication.translate("ResilienceAlgorithm", GROUPS.get(self.groupId(), super().group()))

    def helpUrl(self) -> str:
        return HELP_URL

    def shortDescription(self) -> str:
        return model_texts(self.name())[2]

    def icon(self):
        from qgis.PyQt.QtGui import QIcon

        return QIcon(self.svgIconPath())

    def svgIconPath(self) -> str:
        return str(group_icon_path(self.groupId()))

    def with_defaults(self, parameters) -> dict:
        """``parameters`` with every input and output left out set to its default, as the dialog
        does. QGIS 3.22 passes a model input left out of ``processing.run``/``qgis_process`` to
        the steps as no value (the step's own default, not the model's; NULL in expressions such
        as ``@YEAR``), and a missing output as no value (a step's mandatory output then fails).
        Outputs default to temporary files; an output given as None is still skipped."""
        filled = dict(parameters)
        for definition in self.parameterDefinitions():
            if definition.name() not in filled and definition.defaultValue() is not None:
                filled[definition.name()] = definition.defaultValue()
        return filled

    def checkParameterValues(self, parameters, context):
        return super().checkParameterValues(self.with_defaults(parameters), context)

    def processAlgorithm(self, parameters, context, feedback):
        return super().processAlgorithm(self.with_defaults(parameters), context, feedback)

    def createInstance(self):
        instance = ResilienceModel()
        instance.loadVariant(self.toVariant())
        instance.setSourceFilePath(self.sourceFilePath())
        optional_outputs(instance)
        return instance


def translate_texts(model) -> None:
    """Translate the model's input and output descriptions and enum options (context
    ``ResilienceModel``; ``scripts/i18n.py`` extracts them from the .model3 files). A model's
    texts live in its file, so they are translated when it is loaded, in QGIS's language."""
    for definition in list(model.parameterDefinitions()) + list(model.outputDefinitions()):
        definition.setDescription(tr(definition.description()))
        if hasattr(definition, "setHelp") and (definition.help() or definition.name() in INPUT_HELP):
            definition.setHelp(tr(definition.help() or INPUT_HELP[definition.name()]))
        if definition.type() == "enum":
            definition.setOptions([tr(option) for option in definition.options()])


def optional_outputs(model) -> None:
    """Mark the model's outputs optional: they default to temporary files (:meth:`with_defaults`),
    and qgis_process 3.22 demands every mandatory output on the command line otherwise. (A model
    copies each output's flags from its step, and rebuilds them whenever it attaches its steps.)"""
    for definition in model.destinationParameterDefinitions():
        definition.setFlags(definition.flags() | QgsProcessingParameterDefinition.FlagOptional)
    translate_texts(model)


def load_models(folder=MODEL_DIR) -> list[ResilienceModel]:
    """The models of ``folder`` (``*.model3``), sorted by file name; unreadable files skipped."""
    models = []
    for path in sorted(folder.glob("*.model3")):
        model = ResilienceModel()
        if model.fromFile(str(path)) and model.name():
            model.setSourceFilePath(str(path))
            optional_outputs(model)
            models.append(model)
    return models


def reattach(model: QgsProcessingModelAlgorithm) -> bool:
    """Link every step of ``model`` to its algorithm in the registry (steps whose provider was
    not registered when the model was loaded) and rebuild the model's outputs; True when
    every step has its algorithm."""
    for child_id in model.childAlgorithms():
        model.childAlgorithm(child_id).reattach()
    model.updateDestinationParameters()
    optional_outputs(model)
    return all(model.childAlgorithm(child_id).algorithm() is not None for child_id in model.childAlgorithms())


def editable_copy(folder, name: str = STUDY_CHAIN) -> Path:
    """Copy the shipped model ``name`` into ``folder`` (the profile's models folder) as a plain
    model the Graphical Modeler opens and saves: ``study_chain_copy.model3`` (``_2``, ``_3`` …
    beside an existing copy, which is never overwritten), named "Study chain (my copy)" so that
    QGIS lists it under Models beside the toolkit's own. Returns the file's path."""
    source = MODEL_DIR / (STUDY_CHAIN_FILE if name == STUDY_CHAIN else f"{name}.model3")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stem = source.stem + "_copy"
    target, number = folder / f"{stem}.model3", 1
    while target.exists():
        number += 1
        target = folder / f"{stem}_{number}.model3"
    model = QgsProcessingModelAlgorithm()
    if not model.fromFile(str(source)):
        raise OSError(tr("Could not read the model {path}.").format(path=source))
    label = tr("Study chain (my copy)") if number == 1 else tr("Study chain (my copy {number})").format(
        number=number)
    model.setName(label)
    if not model.toFile(str(target)):
        raise OSError(tr("Could not write the model copy {path}.").format(path=target))
    return target
