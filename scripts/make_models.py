"""Write the Graphical Modeler models ``resources/models/*.model3``.

    python scripts/make_models.py      (headless; run again after changing an algorithm's
                                        parameters or processing/study_model.py)

The models are built by ``processing.study_model`` with QGIS's model API, against the
algorithms of this checkout, so every step carries the current parameters.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PLUGINS = Path(__file__).resolve().parents[1] / ".build" / "plugins"
sys.path.insert(0, str(PLUGINS))


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    from digital_resilience.processing.provider import ResilienceProvider
    from digital_resilience.processing.study_model import write_models

    provider = ResilienceProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    for path in write_models():
        print(path)
    QgsApplication.processingRegistry().removeProvider(provider)
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
