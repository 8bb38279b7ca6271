"""The shipped print layout templates (resources/layouts/*.qpt)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("key", ["a4_landscape", "a4_portrait", "a3_landscape", "a3_portrait"])
def test_template_loads_with_every_item(qgis_app, key):
    from qgis.core import QgsLayoutItemMap, QgsUnitTypes

    from digital_resilience.processing.maps import layouts
    from digital_resilience.processing.maps.layout_project import LayoutProject
    from digital_resilience.processing.qgis_compat import label_font

    with LayoutProject() as private:
        layout = private.load_layout(layouts.template_path(key))
        assert layout is not None
        items = layouts.layout_items(layout)
        assert set(layouts.ITEM_IDS) <= set(items)
        page = layout.pageCollection().page(0).pageSize()
        assert (page.width(), page.height()) == layouts.TEMPLATES[key]
        assert page.units() == QgsUnitTypes.LayoutMillimeters
        main, inset = items[layouts.MAIN_MAP], items[layouts.INSET_MAP]
        assert isinstance(main, QgsLayoutItemMap) and isinstance(inset, QgsLayoutItemMap)
        # The South China Sea inset sits framed in the lower right corner of the main map.
        m, i = main.sceneBoundingRect(), inset.sceneBoundingRect()
        assert m.contains(i) and inset.frameEnabled()
        assert i.center().x() > m.center().x() + m.width() / 4 and i.center().y() > m.center().y()
        assert items[layouts.INSET_LABEL].text() == "南海诸岛"
        assert items[layouts.SCALEBAR].linkedMap() is main and items[layouts.LEGEND].linkedMap() is main
        assert items[layouts.NORTH_ARROW].picturePath().endswith("arrows/NorthArrow_02.svg")
        assert label_font(items[layouts.TITLE]).family() == "Noto Sans CJK SC"


def test_templates_are_what_the_builder_makes(qgis_app):
    """The committed .qpt files hold the geometry of processing.layouts.build_layout
    (run scripts/make_layouts.py after changing it)."""
    from digital_resilience.processing.maps import layouts
    from digital_resilience.processing.maps.layout_project import LayoutProject

    for key, (width, height) in layouts.TEMPLATES.items():
        with LayoutProject() as private:
            items = layouts.layout_items(private.load_layout(layouts.template_path(key)))
            for item_id, rect in layouts.item_geometry(width, height).items():
                if len(rect) == 4:
                    position = items[item_id].pagePos()
                    assert (position.x(), position.y()) == pytest.approx(rect[:2], abs=0.01), (key, item_id)
