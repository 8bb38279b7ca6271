"""The thematic style of a report map, page by page.

One graduated style on the chosen field (pooled over all the years of a per-year atlas, or new
breaks each year), or the layer's own style re-pointed at each year's field when no field is
chosen (``resilience:reportmap``).
"""

from __future__ import annotations

from dataclasses import dataclass

from qgis.core import QgsFeatureRequest, QgsProcessingException

from ..algorithm import check_cancel
from ..styling import apply_style, graduated_style
from ..translation import translator
from .report_pages import Page

tr = translator("ReportMapAlgorithm")  # the report map's messages


def field_values(layer, column):
    """The numeric values of ``column`` (NaN for NULL), read with cancel checks."""
    import numpy as np

    from ...core.errors import InputError

    index = layer.fields().lookupField(column)
    if index < 0:
        raise InputError("The field {field} is not in the layer.", field=column)
    if not layer.fields().at(index).isNumeric():
        raise QgsProcessingException(tr(
            "The field {field} is not numeric; choose a numeric field to classify, or leave the field "
            "empty to keep the layer's style.").format(field=column))
    request = QgsFeatureRequest().setFlags(QgsFeatureRequest.NoGeometry).setSubsetOfAttributes([index])
    values = []
    for count, feature in enumerate(layer.getFeatures(request)):
        if count % 2000 == 0:
            check_cancel()
        values.append(feature.attributes()[index])
    return np.array([np.nan if v is None or not isinstance(v, (int, float)) else v for v in values],
                    dtype=float)


@dataclass
class PageStyle:
    """How the thematic layer is classified: ``scheme`` and ``k`` (mapclassify), the colour ramp,
    breaks per year or pooled, and whether a field was chosen at all (``classify``)."""

    scheme: str
    k: int
    ramp: str
    per_year: bool
    classify: bool
    pooled: object = None
    breaks: object = None

    def apply(self, layer, pages: list[Page], fields: list[str]) -> None:
        """The first page's style (pooled over every year of a per-year atlas); without a chosen
        field the layer keeps its own style."""
        import numpy as np

        if not self.classify:
            return
        columns = [page.column for page in pages if page.year is not None] or fields
        self.pooled = np.concatenate([field_values(layer, column) for column in columns])
        alias = layer.attributeDisplayName(layer.fields().lookupField(fields[0]))
        style = graduated_style(self.pooled, columns[0] if pages[0].year is not None else fields[0],
                                self.scheme, self.k, self.ramp)
        self.breaks = style.renderer.breaks
        apply_style(layer, style)
        stem = pages[0].column.rsplit("_", 1)[0] if pages[0].year is not None else None
        layer.setName(stem or alias)

    def for_year(self, layer, page: Page) -> None:
        """Point the style at the page's year (new breaks, or the pooled ones)."""
        if self.classify:
            values = field_values(layer, page.column)
            if self.per_year:
                style = graduated_style(values, page.column, self.scheme, self.k, self.ramp)
            else:
                style = graduated_style(self.pooled, page.column, breaks=self.breaks, ramp=self.ramp)
            apply_style(layer, style)
            return
        renderer = layer.renderer().clone()
        renderer.setClassAttribute(page.column)
        if self.per_year:  # the style's colours and number of classes, new breaks
            colors = [r.symbol().color().name() for r in renderer.ranges()]
            apply_style(layer, graduated_style(field_values(layer, page.column), page.column, self.scheme,
                                               len(colors), colors=colors))
            return
        layer.setRenderer(renderer)
