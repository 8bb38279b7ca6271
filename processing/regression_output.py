"""Output helpers shared by the regression algorithms (convergence, mediation): the report
and chart parameters, table sinks (CSV, GeoPackage tables, memory layers) with field
aliases, and the texts under their paper-style tables."""

from __future__ import annotations

from qgis.core import QgsProcessingParameterFileDestination, QgsWkbTypes
from qgis.PyQt.QtCore import QCoreApplication

from .bridge import frame_to_sink
from .styling import Style, attach_style


def tr(text: str) -> str:
    return QCoreApplication.translate("RegressionOutput", text)


def add_report_parameters(algorithm, chart_label: str) -> None:
    """REPORT (an HTML report, optional) and CHART (a PNG file of the report's main chart,
    not created by default)."""
    algorithm.addParameter(QgsProcessingParameterFileDestination(
        "REPORT", tr("Report"), tr("HTML files (*.html)"), optional=True))
    algorithm.addParameter(QgsProcessingParameterFileDestination(
        "CHART", chart_label, tr("PNG files (*.png)"), optional=True, createByDefault=False))


def table_sink(algorithm, parameters, name, context, frame, aliases: dict, title: str, feedback=None):
    """Write ``frame`` (no geometry) to the sink ``name``; returns its destination id or None."""
    dest_id = frame_to_sink(algorithm, parameters, name, context, frame, QgsWkbTypes.NoGeometry,
                            aliases=aliases, feedback=feedback)
    if dest_id is not None:
        attach_style(context, dest_id, Style(aliases=aliases, name=title))
    return dest_id


def significance_note(se_label: str) -> str:
    return tr("{se} in parentheses. *** p < 0.01, ** p < 0.05, * p < 0.1.").format(se=se_label)


def se_label(se_type: str) -> str:
    return {
        "classical": tr("Classical standard errors"),
        "hc1": tr("Heteroskedasticity-robust (HC1) standard errors"),
        "cluster": tr("Standard errors clustered by unit"),
        "ml": tr("Asymptotic standard errors (maximum likelihood)"),
    }[se_type]


def yes_no(flag: bool) -> str:
    return tr("Yes") if flag else tr("No")


def estimate_with_se(value: float, se: float, digits: int = 4) -> str:
    """'0.0322 (0.0024)': an estimate with its standard error, for footer rows."""
    from ..core.regression.table import number

    text = number(value, digits)
    if not text:
        return "–"
    error = number(se, digits)
    return f"{text} ({error})" if error else text

