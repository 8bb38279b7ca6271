"""The "Digital Resilience" Processing provider (id ``resilience``)."""

from __future__ import annotations

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from .algorithm import ICON_PATH
from .algorithms import algorithm_classes


class ResilienceProvider(QgsProcessingProvider):
    """Lists the toolkit's algorithms in the Toolbox, the Modeler and qgis_process."""

    ID = "resilience"

    def id(self) -> str:
        return self.ID

    def name(self) -> str:
        return QCoreApplication.translate("ResilienceProvider", "Digital Resilience")

    def longName(self) -> str:
        return QCoreApplication.translate(
            "ResilienceProvider", "Digital Resilience Toolkit: digital economy and urban resilience"
        )

    def icon(self) -> QIcon:
        return QIcon(str(ICON_PATH))

    def svgIconPath(self) -> str:
        return str(ICON_PATH)

    def loadAlgorithms(self) -> None:
        for algorithm_class in algorithm_classes():
            self.addAlgorithm(algorithm_class())
