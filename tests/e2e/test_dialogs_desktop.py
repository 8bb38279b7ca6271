"""The dialogs in QGIS desktop under Xvfb: the LISA dialog opens on the likely field (the last
year's resilience index, else the first numeric field that is no id), a field the user picks
stays, and the LISA batch table fits short column headers (its width is measured and saved
with screenshots in the test's folder)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

_spec = importlib.util.spec_from_file_location("desktop", Path(__file__).parent / "test_desktop.py")
desktop = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(desktop)

DIALOG_DEFAULTS_CODE = r'''
import json, os
import processing
from qgis.core import QgsApplication, QgsProcessingContext, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QTimer
from qgis.utils import iface

out = os.environ["DR_OUT"]
state = {}
keep = []


def field_of(dialog, name):
    return dialog.mainWidget().wrappers[name].wrappedWidget().currentText()


def step1():
    indices = QgsVectorLayer(
        "Polygon?crs=EPSG:4326&field=adcode:integer&field=name:string&field=lon:double&field=GDPPC_2019:double"
        "&field=URI_2011:double&field=URI_2019:double&field=URI_2015:double", "indices", "memory")
    cities = QgsVectorLayer(os.environ["DR_CITIES"] + "|layername=cities", "cities", "ogr")
    QgsProject.instance().addMapLayers([cities, indices])
    keep.extend([cities, indices])
    dialog = processing.createAlgorithmDialog("resilience:localmoran", {"INPUT": indices.id()})
    keep.append(dialog)
    dialog.resize(1000, 760)
    dialog.show()
    QTimer.singleShot(1500, step2)


def step2():
    dialog, cities = keep[2], keep[0]
    state["indices"] = field_of(dialog, "FIELD")
    dialog.grab().save(os.path.join(out, "lisa_dialog.png"))
    dialog.mainWidget().wrappers["INPUT"].setWidgetValue(cities.id(), QgsProcessingContext())
    QTimer.singleShot(800, step3)


def step3():
    dialog, indices = keep[2], keep[1]
    state["cities"] = field_of(dialog, "FIELD")
    dialog.mainWidget().wrappers["INPUT"].setWidgetValue(indices.id(), QgsProcessingContext())
    QTimer.singleShot(800, step4)


def step4():
    dialog = keep[2]
    state["indices_again"] = field_of(dialog, "FIELD")
    combo = dialog.mainWidget().wrappers["FIELD"].wrappedWidget()
    combo.setCurrentIndex(combo.findText("GDPPC_2019"))
    QTimer.singleShot(800, step5)


def step5():
    dialog = keep[2]
    state["picked"] = field_of(dialog, "FIELD")
    dialog.close()
    from processing.gui.BatchAlgorithmDialog import BatchAlgorithmDialog
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("resilience:localmoran")
    batch = BatchAlgorithmDialog(algorithm, parent=iface.mainWindow())
    keep.append(batch)
    batch.resize(1200, 500)
    batch.show()
    QTimer.singleShot(1500, step6)


def step6():
    batch = keep[-1]
    table = batch.mainWidget().tblParameters
    header = table.horizontalHeader()
    rows = batch.mainWidget().wrappers
    state["batch_field"] = next(w.wrappedWidget().currentText() for w in rows[0]
                                if w.parameterDefinition().name() == "FIELD")
    state["batch_columns"] = table.columnCount()
    state["batch_width"] = header.length()
    state["batch_sections"] = {table.horizontalHeaderItem(i).text(): header.sectionSize(i)
                               for i in range(table.columnCount())}
    batch.grab().save(os.path.join(out, "lisa_batch.png"))
    batch.close()
    from qgis.utils import plugins
    modeler = plugins["digital_resilience"].edit_study_chain()
    keep.append(modeler)
    QTimer.singleShot(1500, step7)


def step7():
    modeler = keep[-1]
    state["modeler_title"] = modeler.windowTitle()
    state["modeler_visible"] = modeler.isVisible()
    state["modeler_file"] = modeler.model().sourceFilePath()
    state["modeler_steps"] = len(modeler.model().childAlgorithms())
    modeler.grab().save(os.path.join(out, "modeler.png"))
    # A LISA step added in the Modeler: QGIS's own Modeler widget for the field.
    from processing.modeler.ModelerParametersDialog import ModelerParametersDialog
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("resilience:localmoran")
    step = ModelerParametersDialog(algorithm, modeler.model())
    state["modeler_field_widget"] = type(step.widget.widget.wrappers["FIELD"]).__name__
    step.close()
    if hasattr(modeler, "setDirty"):
        modeler.setDirty(False)
    modeler.close()
    with open(os.path.join(out, "state.json"), "w", encoding="utf-8") as handle:
        json.dump(state, handle)
    QgsProject.instance().clear()
    QTimer.singleShot(0, iface.actionExit().trigger)
    QTimer.singleShot(15000, lambda: os._exit(3))


QTimer.singleShot(1500, step1)
'''


def run_dialogs(tmp_path, cities_path, plugins: str | None = None) -> dict:
    """The state DIALOG_DEFAULTS_CODE saw (``plugins``: another checkout's plugin folder, to
    measure it the same way)."""
    env = {"DR_CITIES": str(cities_path), **({"QGIS_PLUGINPATH": plugins} if plugins else {})}
    desktop.launch_qgis(tmp_path, DIALOG_DEFAULTS_CODE, ini="[PythonPlugins]\ndigital_resilience=true\n",
                        env=env, timeout=90, watchdog=60)
    return json.loads((tmp_path / "state.json").read_text(encoding="utf-8"))


def test_lisa_dialog_defaults_to_the_likely_field_and_batch_headers_are_short(cities_path, tmp_path):
    state = run_dialogs(tmp_path, cities_path)
    # The last year of the resilience index; on the bare cities the first numeric non-id field
    # (fid, adcode, province_adcode, lon and lat are ids or coordinates); back to URI_2019.
    assert (state["indices"], state["cities"], state["indices_again"]) == ("URI_2019", "area_km2", "URI_2019")
    assert state["picked"] == "GDPPC_2019"  # the user's choice stays
    assert state["batch_field"] == "area_km2"  # each batch row follows its layer too
    # Long labels made the 37 columns 8,390 px wide.
    assert state["batch_columns"] >= 30
    assert state["batch_width"] < 5000, state  # 4,529 px measured (8,390 px before)
    assert (tmp_path / "lisa_dialog.png").exists() and (tmp_path / "lisa_batch.png").exists()
    # Digital Resilience › Open the study chain in the Modeler…: a copy in the profile's models folder.
    assert state["modeler_visible"] and state["modeler_steps"] >= 7, state
    assert state["modeler_field_widget"] == "QgsProcessingModelerParameterWidget"
    copy = Path(state["modeler_file"])
    assert copy.name == "study_chain_copy.model3" and copy.is_relative_to(tmp_path / "profile") and copy.exists()
