"""The plugin object that QGIS creates through ``classFactory``.

``initProcessing`` registers the Processing provider: QGIS desktop calls it through
``initGui``, and ``qgis_process`` calls it on its own (``hasProcessingProvider=yes``).
``initGui`` adds the "Digital Resilience" menu (one entry per algorithm, grouped as in
the Toolbox, each opening the algorithm's dialog, and "Install dependencies…") and reports
missing packages: the first time with the install dialog, later in the message bar with a
button that opens it. The plugin's package folder (``plugin/installer.py``) goes on
``sys.path`` when the plugin is created, before any algorithm runs (desktop and qgis_process).
"""

from __future__ import annotations

import sys
from functools import partial

from qgis.core import Qgis, QgsApplication, QgsMessageLog
from qgis.PyQt.QtCore import QCoreApplication, QTimer
from qgis.PyQt.QtWidgets import QAction, QMenu, QPushButton

from ..core import dependencies
from ..processing.algorithm import GROUPS, missing_packages_message
from ..processing.provider import ResilienceProvider
from ..processing.translation import ensure_translator, install_translator, remove_translator
from . import installer

__all__ = ["DigitalResiliencePlugin", "install_translator"]

MENU_OBJECT_NAME = "mDigitalResilienceMenu"
#: The name QGIS imports the plugin under (its folder in the profile's python/plugins).
PACKAGE = __name__.split(".")[0]


def tr(text: str) -> str:
    return QCoreApplication.translate("DigitalResiliencePlugin", text)


class DigitalResiliencePlugin:
    """Registers the provider and the menu; removes both cleanly on unload."""

    def __init__(self, iface):
        self.iface = iface
        self.provider: ResilienceProvider | None = None
        self.menu: QMenu | None = None
        self.actions: list[QAction] = []
        ensure_translator()  # QGIS's language, before any text is made
        self.dialog = None
        installer.activate()

    # ------------------------------------------------------------ processing
    def initProcessing(self) -> None:
        if self.provider is None:
            provider = ResilienceProvider()
            # On failure (a provider with this id is already registered) QGIS deletes it.
            if QgsApplication.processingRegistry().addProvider(provider):
                self.provider = provider
            else:
                QgsMessageLog.logMessage(
                    tr("The Digital Resilience provider is already registered."),
                    tr("Digital Resilience"), Qgis.Warning,
                )

    # ------------------------------------------------------------------- GUI
    def initGui(self) -> None:
        self.initProcessing()
        self.menu = self._build_menu()
        menu_bar = self.iface.mainWindow().menuBar()
        help_menu = self.iface.helpMenu() if hasattr(self.iface, "helpMenu") else None
        if help_menu is not None and help_menu.menuAction() in menu_bar.actions():
            menu_bar.insertMenu(help_menu.menuAction(), self.menu)
        else:
            menu_bar.addMenu(self.menu)
        self.report_missing_packages()

    def _build_menu(self) -> QMenu:
        menu = QMenu(tr("Digital Resilience"), self.iface.mainWindow())
        menu.setObjectName(MENU_OBJECT_NAME)
        submenus: dict[str, QMenu] = {}
        provider = self.provider or QgsApplication.processingRegistry().providerById("resilience")
        for group_id in GROUPS:
            algorithms = [a for a in provider.algorithms() if a.groupId() == group_id]
            if not algorithms:
                continue
            submenus[group_id] = menu.addMenu(algorithms[0].group())
            for algorithm in algorithms:
                action = QAction(algorithm.icon(), algorithm.displayName(), menu)
                action.setObjectName(f"mAction_{algorithm.name()}")
                action.setToolTip(algorithm.shortDescription() or algorithm.displayName())
                action.triggered.connect(partial(self.open_dialog, algorithm.id()))
                submenus[group_id].addAction(action)
                self.actions.append(action)
        menu.addSeparator()
        action = QAction(tr("Open the study chain in the Modeler…"), menu)
        action.setObjectName("mAction_edit_study_chain")
        action.setToolTip(tr("Copy the study chain model into your models folder and open the copy in the "
                             "Graphical Modeler, to change and save it"))
        action.triggered.connect(self.edit_study_chain)
        menu.addAction(action)
        self.actions.append(action)
        action = QAction(tr("Install dependencies…"), menu)
        action.setObjectName("mAction_install_dependencies")
        action.setToolTip(tr("Install the Python packages the algorithms need into QGIS's own Python"))
        action.triggered.connect(self.open_dependencies)
        menu.addAction(action)
        self.actions.append(action)
        return menu

    def open_dependencies(self, _checked: bool = False):
        """Show the "Install dependencies…" dialog (one per session, raised if already open)."""
        from .dependencies_dialog import DependenciesDialog

        if self.dialog is None:
            self.dialog = DependenciesDialog(self.iface.mainWindow())
        else:
            self.dialog.refresh()
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog

    def edit_study_chain(self, _checked: bool = False):
        """Copy the study chain into the profile's models folder (Processing › Models) and open the
        copy in the Graphical Modeler; the shipped model stays as it is. Returns the Modeler."""
        from processing.modeler.ModelerDialog import ModelerDialog
        from processing.modeler.ModelerUtils import ModelerUtils
        from qgis.core import QgsProcessingModelAlgorithm

        from ..processing.models import editable_copy

        path = editable_copy(ModelerUtils.modelsFolders()[0])
        models = QgsApplication.processingRegistry().providerById("model")
        if models is not None:
            models.refreshAlgorithms()
        model = QgsProcessingModelAlgorithm()
        model.fromFile(str(path))
        model.setSourceFilePath(str(path))
        dialog = ModelerDialog.create(model)
        dialog.show()
        self.iface.messageBar().pushMessage(tr("Digital Resilience"), tr(
            "The study chain was copied to {path}: change it and save it in the Modeler; it is listed under "
            "Processing › Models.").format(path=path), level=0, duration=10)
        return dialog

    @staticmethod
    def open_dialog(algorithm_id: str, _checked: bool = False) -> None:
        """Open the standard Processing dialog of an algorithm."""
        import processing  # QGIS's own module (imported late: it needs the GUI)

        processing.execAlgorithmDialog(algorithm_id)

    def report_missing_packages(self) -> list:
        """Name missing/outdated packages once: in the log and the message bar (with a button
        that opens the install dialog), and the first time also with the dialog itself."""
        from qgis.core import QgsSettings

        found = dependencies.problems()
        if found:
            text = missing_packages_message(found)
            QgsMessageLog.logMessage(text, tr("Digital Resilience"), Qgis.Warning)
            bar = self.iface.messageBar() if hasattr(self.iface, "messageBar") else None
            if bar is not None and hasattr(bar, "createMessage"):
                missing = ", ".join(problem.package for problem in found)
                item = bar.createMessage(tr("Digital Resilience"), tr("Missing Python packages: {packages}.").format(
                    packages=missing))
                button = QPushButton(tr("Install…"), item)
                button.clicked.connect(self.open_dependencies)
                item.layout().addWidget(button)
                bar.pushWidget(item, Qgis.Warning, 0)
            elif bar is not None:
                bar.pushMessage(tr("Digital Resilience"), text, Qgis.Warning, 0)
            settings = QgsSettings()
            if not settings.value(installer.SETTINGS_ASKED, False, type=bool):
                settings.setValue(installer.SETTINGS_ASKED, True)
                QTimer.singleShot(0, self._first_use)
        return found

    def _first_use(self) -> None:
        if self.menu is not None:  # still loaded
            self.open_dependencies()

    def unload(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()
            self.dialog.deleteLater()
            self.dialog = None
        if self.menu is not None:
            self.menu.menuAction().setVisible(False)
            menu_bar = self.iface.mainWindow().menuBar()
            menu_bar.removeAction(self.menu.menuAction())
            self.menu.deleteLater()
            self.menu = None
        self.actions.clear()
        remove_translator()
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        if unloaded_by_qgis(self):
            forget_modules(PACKAGE)


def unloaded_by_qgis(plugin) -> bool:
    """True when QGIS's plugin machinery (``qgis.utils``) holds ``plugin``: it is unloading it to
    disable, reload, reinstall or upgrade it."""
    utils = sys.modules.get("qgis.utils")
    return utils is not None and getattr(utils, "plugins", {}).get(PACKAGE) is plugin


def forget_modules(package: str) -> list[str]:
    """Remove ``package`` and every module below it from ``sys.modules``; return their names.

    QGIS removes only the modules its import hook recorded, which leaves out packages whose
    modules were imported by dotted name (``digital_resilience.core.weights`` when only
    ``…weights.build`` was imported): they would survive an upgrade with the old code and the
    new modules would be attached to them. After this the next ``loadPlugin`` imports every
    module afresh from the plugin folder.
    """
    names = [name for name in list(sys.modules) if name == package or name.startswith(package + ".")]
    for name in names:
        sys.modules.pop(name, None)
    return names
