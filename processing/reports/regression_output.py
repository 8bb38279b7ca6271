"""Output helpers shared by the regression algorithms (spatialdurbin, heterogeneity,
convergence, mediation): the report and chart parameters, the paper tables (XLSX, DOCX,
LaTeX, CSV through ``core.regression.export``), table sinks (CSV, GeoPackage tables, memory
layers) with field aliases (the texts of the tables themselves are the core's:
``core.regression.table``)."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingParameterFileDestination,
    QgsWkbTypes,
)

from ...core.regression.options import TABLE_FORMATS as TABLE_FORMAT_KEYS
from ..io.bridge import frame_to_sink
from ..parameters.choices import chosen_many, enum_parameter
from ..parameters.help import with_help
from ..styling import Style, attach_style
from ..translation import translator

tr = translator("RegressionOutput")

REPORT = "REPORT"
CHART = "CHART"


REPORT = "REPORT"


def add_report_parameters(algorithm, chart_label: str | None = None, by_default: bool = True) -> None:
    """REPORT (an HTML report, optional; created by default unless ``by_default`` is False) and,
    with a ``chart_label``, CHART (a PNG file of the report's main chart, not created by default)."""
    algorithm.addParameter(QgsProcessingParameterFileDestination(
        REPORT, tr("Report"), tr("HTML files (*.html)"), optional=True, createByDefault=by_default))
    if chart_label is not None:
        algorithm.addParameter(QgsProcessingParameterFileDestination(
            CHART, chart_label, tr("PNG files (*.png)"), optional=True, createByDefault=False))


PAPER_TABLES = "PAPER_TABLES"
TABLE_FORMATS = "TABLE_FORMATS"
DEFAULT_FORMATS = ["xlsx", "docx", "tex"]


def add_paper_table_parameters(algorithm) -> None:
    """PAPER_TABLES (a file: its name without extension is used for every format, written side by
    side; optional, not created by default) and TABLE_FORMATS (XLSX, DOCX and LaTeX by default)."""
    algorithm.addParameter(with_help(QgsProcessingParameterFileDestination(
        PAPER_TABLES, tr("Paper tables"), tr("Excel workbooks (*.xlsx)"), optional=True, createByDefault=False),
        tr("Paper tables (XLSX; the other formats beside it, same name)")))
    # Optional (empty: XLSX, DOCX and LaTeX): models made before this parameter existed, the study
    # chain's included, leave it out, and QGIS 3.22 refuses a missing mandatory parameter.
    algorithm.addParameter(enum_parameter(TABLE_FORMATS, tr("Formats of the paper tables"), TABLE_FORMAT_KEYS, {
        "xlsx": tr("Excel (XLSX)"), "docx": tr("Word (DOCX)"), "tex": tr("LaTeX (booktabs)"), "csv": tr("CSV")},
        DEFAULT_FORMATS, multiple=True, optional=True))


def write_paper_tables(algorithm, parameters, context, tables, feedback=None) -> dict:
    """Write ``tables`` (``PaperTable`` objects, translated) in the chosen formats next to the
    PAPER_TABLES path; a format whose Python package is missing is skipped with a warning.
    Returns {PAPER_TABLES: the first file written} or {} when no tables were asked for."""
    from pathlib import Path

    from ...core.regression.export import PACKAGES, format_available, write_tables

    if parameters.get(PAPER_TABLES) is None:
        return {}
    path = algorithm.parameterAsFileOutput(parameters, PAPER_TABLES, context)
    if not path:
        return {}
    formats = list(chosen_many(algorithm, parameters, TABLE_FORMATS, TABLE_FORMAT_KEYS, context)) or DEFAULT_FORMATS
    usable = []
    for fmt in formats:
        if format_available(fmt):
            usable.append(fmt)
        elif feedback is not None:
            feedback.pushWarning(tr("{format} tables were not written: QGIS's Python lacks the package {package} "
                                    "(install it with the plugin's dependency installer).").format(
                format=fmt.upper(), package={"docx": "python-docx"}.get(PACKAGES[fmt], PACKAGES[fmt])))
    target = Path(path)
    written = write_tables(tables, target.parent, target.stem, usable)
    if feedback is not None:
        for name in written:
            feedback.pushInfo(tr("Paper table written: {path}").format(path=name))
    return {PAPER_TABLES: written[0]} if written else {}


def table_sink(algorithm, parameters, name, context, frame, aliases: dict, title: str, feedback=None):
    """Write ``frame`` (no geometry) to the sink ``name``; returns its destination id or None."""
    dest_id = frame_to_sink(algorithm, parameters, name, context, frame, QgsWkbTypes.NoGeometry,
                            aliases=aliases, feedback=feedback)
    if dest_id is not None:
        attach_style(context, dest_id, Style(aliases=aliases, name=title))
    return dest_id
