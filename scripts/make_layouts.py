"""Write the print layout templates ``resources/layouts/*.qpt`` (A4/A3, portrait/landscape).

    python scripts/make_layouts.py      (headless; run again after changing processing/maps/layouts.py)

The templates are built by ``processing.layouts.build_layout`` so every template has the
same items with the same ids; see that module for the list.
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
    from digital_resilience.processing.maps.layout_project import LayoutProject
    from digital_resilience.processing.maps.layouts import LAYOUT_DIR, TEMPLATES, build_layout, save_template

    LAYOUT_DIR.mkdir(parents=True, exist_ok=True)
    with LayoutProject() as private:  # freed before QGIS exits
        for key in TEMPLATES:
            path = LAYOUT_DIR / f"{key}.qpt"
            save_template(build_layout(private.project, key), path)
            print(path)
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
