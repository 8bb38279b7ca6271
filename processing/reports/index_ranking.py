"""The index ranking chart of ``resilience:compositeindex`` (issue 8): the top and bottom
cities of an index in one year as a bar chart file (PNG or SVG), drawn by
``core.charts.ranking``. Its parameters are optional and advanced, so the algorithm runs
as before unless a chart file is asked for."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ..algorithm import core_text
from ..parameters.help import as_advanced, with_help
from ..parameters.panel import NAME_FIELD, add_name_parameter
from ..translation import translator

RANKING_CHART = "RANKING_CHART"
RANKING_INDEX = "RANKING_INDEX"
RANKING_YEAR = "RANKING_YEAR"
RANKING_COUNT = "RANKING_COUNT"


tr = translator("IndexRanking")


def add_ranking_parameters(algorithm) -> None:
    """RANKING_CHART (the file, not created by default), and advanced: RANKING_INDEX,
    RANKING_YEAR, RANKING_COUNT and NAME_FIELD (the bars' labels)."""
    advanced_parameters = [
        with_help(QgsProcessingParameterString(
            RANKING_INDEX, tr("Index to rank"),
            defaultValue="", optional=True),
                tr("Index to rank (field stem, e.g. URI or URSOC; empty: the first index, as on the map)")),
        QgsProcessingParameterNumber(
            RANKING_YEAR, tr("Year to rank (0 = the latest year)"), QgsProcessingParameterNumber.Integer,
            defaultValue=0, minValue=0, maxValue=2200),
        with_help(QgsProcessingParameterNumber(
            RANKING_COUNT, tr("Cities at the top and bottom"),
            QgsProcessingParameterNumber.Integer, defaultValue=10, minValue=1, maxValue=50),
                tr("Cities at the top and at the bottom of the ranking")),
    ]
    for parameter in advanced_parameters:
        algorithm.addParameter(as_advanced(parameter))
    add_name_parameter(algorithm)
    algorithm.addParameter(QgsProcessingParameterFileDestination(
        RANKING_CHART, tr("Index ranking chart"), tr("PNG images (*.png);;SVG images (*.svg)"), optional=True,
        createByDefault=False))


def ranked_values(found, stem: str, year):
    """(rows of ``found.frame``, their values of ``stem`` in ``year``) of a
    ``core.indices.panel_layers.LayerIndices``: the ``STEM_YYYY`` field of a wide layer, the
    year's features of a long one, the plain field of a cross-section."""
    from ...core.panel import year_field

    frame = found.frame
    if found.year_field:
        frame = frame[frame[found.year_field] == year]
        return frame, frame[stem].to_numpy(dtype=float)
    column = year_field(stem, year) if found.wide and year is not None else stem
    return frame, frame[column].to_numpy(dtype=float)


def unit_names(algorithm, parameters, context, frame, id_field: str | None) -> list[str]:
    """The bars' labels: the name field, else a field called “name”, else the city id
    field, else the feature number."""
    name_field = algorithm.field_name(parameters, NAME_FIELD, context)
    if not name_field:
        name_field = next((c for c in frame.columns if str(c).lower() == "name"), None) or id_field
    if not name_field:
        return [str(position + 1) for position in range(len(frame))]
    return [str(v) if v is not None and v == v else "–" for v in frame[name_field]]


def write_ranking_chart(algorithm, parameters, context, found, system, path: str, id_field, feedback) -> str:
    """Draw the ranking of the chosen index and year to ``path``; returns the path."""
    from ..parameters.autocorrelation import require_matplotlib

    require_matplotlib()
    from ...core.charts.base import save_chart
    from ...core.charts.ranking import ranking_chart

    stem = algorithm.parameterAsString(parameters, RANKING_INDEX, context).strip() or system.indices[0].stem
    labels = found.result.labels
    if stem not in labels:
        raise QgsProcessingException(tr("The index to rank, {stem}, is not an output of this indicator system; "
                                        "use one of {stems}.").format(stem=stem, stems=", ".join(labels)))
    year = algorithm.parameterAsInt(parameters, RANKING_YEAR, context) or found.years[-1]
    if found.years[-1] is None:
        year = None
    elif year not in found.years:
        raise QgsProcessingException(tr("The year to rank, {year}, is not in the data ({first}–{last}).").format(
            year=year, first=found.years[0], last=found.years[-1]))
    count = algorithm.parameterAsInt(parameters, RANKING_COUNT, context)
    frame, values = ranked_values(found, stem, year)
    names = unit_names(algorithm, parameters, context, frame, id_field)
    label = core_text(labels[stem])
    when = "" if year is None else f" {year}"
    figure = ranking_chart(
        names, values, top=count, bottom=count,
        title=tr("{index}{year}\ntop and bottom {count} cities").format(index=label, year=when, count=count),
        xlabel=f"{stem}{when}", top_label=tr("Top {n}"), bottom_label=tr("Bottom {n}"))
    feedback.pushInfo(tr("Ranking chart of {index}{year}: {path}.").format(index=label, year=when, path=path))
    return save_chart(figure, path)
