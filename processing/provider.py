"""The "Digital Resilience" Processing provider (id ``resilience``)."""

from __future__ import annotations

from qgis.core import QgsApplication, QgsProcessingProvider
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from .algorithm import ICON_PATH
from .algorithms import algorithm_classes
from .models import ResilienceModel, load_models, reattach
from .translation import ensure_translator


class ResilienceProvider(QgsProcessingProvider):
    """Lists the toolkit's algorithms and models in the Toolbox, the Modeler and qgis_process."""

    ID = "resilience"

    def __init__(self):
        super().__init__()
        # Models find their steps (resilience:…) in the registry, which lists this provider
        # only after loading it: re-attach them once it is registered.
        QgsApplication.processingRegistry().providerAdded.connect(self._provider_added)

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

    def load(self) -> bool:
        # A script that registers the provider without the plugin gets QGIS's language too
        # (the algorithms' texts are made when they are added).
        ensure_translator()
        return super().load()

    def loadAlgorithms(self) -> None:
        for algorithm_class in algorithm_classes():
            self.addAlgorithm(algorithm_class())
        for model in load_models():
            self.addAlgorithm(model)

    def _provider_added(self, provider_id: str) -> None:
        if provider_id != self.ID or QgsApplication.processingRegistry().providerById(self.ID) is not self:
            return
        for algorithm in self.algorithms():
            if isinstance(algorithm, ResilienceModel):
                reattach(algorithm)
