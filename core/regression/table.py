"""Paper-style regression tables: coefficients with significance stars and standard errors
in parentheses beneath, one column per model or group, statistics at the foot.

The layout economists expect, shared by every algorithm that reports regressions
(convergence, mediation, spatial Durbin, heterogeneity): build :class:`PaperColumn` objects,
then render a :class:`PaperTable` as HTML (:func:`add_to_report` puts it into a
``core.html_report.HtmlReport``) or as a CSV-ready DataFrame in the same layout.

Stars: *** p < 0.01, ** p < 0.05, * p < 0.1 (the convention of economics journals).
"""

from __future__ import annotations

import html
import math
import numbers
from dataclasses import dataclass, field

import pandas as pd

from ..errors import Message, english

STAR_LEVELS = ((0.01, "***"), (0.05, "**"), (0.1, "*"))
STAR_NOTE = Message("Standard errors in parentheses. *** p < 0.01, ** p < 0.05, * p < 0.1.")

TABLE_STYLE = """
table.paper { border-collapse: collapse; margin: .8em 0; border-top: 2px solid #222;
              border-bottom: 2px solid #222; }
table.paper th, table.paper td { border: none; padding: .12em .9em; text-align: center; white-space: nowrap; }
table.paper thead th { border-bottom: 1px solid #222; background: none; }
table.paper td.term { text-align: left; }
table.paper tr.se td { color: #444; padding-bottom: .35em; }
table.paper tr.first-stat td { border-top: 1px solid #222; }
table.paper caption { caption-side: top; text-align: left; font-weight: bold; padding-bottom: .3em; }
p.table-note { font-size: .85em; color: #555; margin-top: -.4em; }
"""


def stars(p: float) -> str:
    if p is None or not math.isfinite(p):
        return ""
    for level, mark in STAR_LEVELS:
        if p < level:
            return mark
    return ""


def p_value(p: float) -> str:
    """A p-value as papers print it: three decimals, "< 0.001" below (with a no-break space,
    so it stays on one line in narrow cells)."""
    if p is None or not math.isfinite(p):
        return ""
    return "<\u00a00.001" if p < 0.001 else f"{p:.3f}"


def p_text(p: float) -> str:
    """"p < 0.001" or "p = 0.012": a p-value in a sentence (never 1.5e-308)."""
    if p is None or not math.isfinite(p):
        return "p = –"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def number(value, digits: int = 4) -> str:
    """A table number: whole numbers with thousands separators; others with ``digits``
    decimals, small ones with three significant digits in fixed notation (0.0000626),
    very large ones in scientific notation; text as it is."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return f"{int(value):,}"
    try:
        value = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(value):
        return ""
    if abs(value) >= 1e6:
        return f"{value:.2e}"
    if value != 0 and abs(value) < 10 ** (1 - digits):
        decimals = digits + math.floor(-math.log10(abs(value))) - 1
        return f"{value:.{min(decimals, 12)}f}"
    return f"{value:.{digits}f}"


@dataclass
class PaperColumn:
    """One column: ``cells[term] = (estimate, standard error, p)``; ``stats[label] = value``
    (numbers are formatted by the table, text is shown as it is)."""

    title: str
    cells: dict = field(default_factory=dict)
    stats: dict = field(default_factory=dict)

    @classmethod
    def from_estimates(cls, title: str, names, coef, se, p, stats: dict | None = None) -> PaperColumn:
        """A column from parallel sequences of names, estimates, standard errors and p-values."""
        cells = {name: (float(c), float(s), float(q)) for name, c, s, q in zip(names, coef, se, p)}
        return cls(title, cells, dict(stats or {}))


@dataclass
class PaperTable:
    title: str
    columns: list
    terms: list | None = None  # row order (default: first appearance across columns)
    stat_labels: list | None = None
    digits: int = 4
    note: str = STAR_NOTE
    term_labels: dict = field(default_factory=dict)
    #: Further notes under the table (definitions: R², σ², the likelihood, the weights...).
    notes: list = field(default_factory=list)
    #: A short name for a sheet or file (e.g. "models"); the title when empty.
    name: str = ""

    def all_notes(self) -> list[str]:
        """The significance note then the other notes, without empty or repeated ones."""
        return [str(note) for note in dict.fromkeys([self.note, *self.notes]) if note]

    def _terms(self) -> list:
        if self.terms is not None:
            return [term for term in self.terms if any(term in column.cells for column in self.columns)]
        seen = []
        for column in self.columns:
            seen.extend(term for term in column.cells if term not in seen)
        return seen

    def _stats(self) -> list:
        if self.stat_labels is not None:
            return list(self.stat_labels)
        seen = []
        for column in self.columns:  # a label a column adds goes after its predecessor in that column
            previous = None
            for label in column.stats:
                if label not in seen:
                    seen.insert(seen.index(previous) + 1 if previous is not None else len(seen), label)
                previous = label
        # The footer rows (footer_rows) keep the convention's order among themselves.
        ranked = iter(sorted((label for label in seen if isinstance(label, FooterLabel)), key=lambda x: x.rank))
        seen = [next(ranked) if isinstance(label, FooterLabel) else label for label in seen]
        return seen

    def grid(self) -> list[tuple[str, list[str], str]]:
        """Rows as (kind, cells, term): kind is 'coef', 'se' or 'stat'."""
        rows = []
        for term in self._terms():
            estimates, errors = [], []
            for column in self.columns:
                if term in column.cells:
                    estimate, se, p = column.cells[term]
                    estimates.append(number(estimate, self.digits) + stars(p))
                    errors.append(f"({number(se, self.digits)})" if se is not None and math.isfinite(se) else "")
                else:
                    estimates.append("")
                    errors.append("")
            label = self.term_labels.get(term, term)
            rows.append(("coef", [label, *estimates], term))
            rows.append(("se", ["", *errors], term))
        for label in self._stats():
            values = [number(column.stats.get(label), self.digits) if label in column.stats else ""
                      for column in self.columns]
            rows.append(("stat", [label, *values], label))
        return rows

    def frame(self) -> pd.DataFrame:
        """The table in its paper layout (for a CSV a planner pastes into a manuscript)."""
        header = ["", *[column.title for column in self.columns]]
        return pd.DataFrame([cells for _, cells, _ in self.grid()], columns=header)

    def html(self) -> str:
        """A self-contained ``<table>`` (with its caption and note) for an HTML report."""
        lines = [f"<style>{TABLE_STYLE}</style>", '<table class="paper">',
                 f"<caption>{html.escape(self.title)}</caption>", "<thead><tr><th></th>"
                 + "".join(f"<th>{html.escape(c.title)}</th>" for c in self.columns) + "</tr></thead>", "<tbody>"]
        first_stat = True
        for kind, cells, _ in self.grid():
            css = ' class="se"' if kind == "se" else ""
            if kind == "stat" and first_stat:
                css, first_stat = ' class="first-stat"', False
            body = f'<td class="term">{html.escape(cells[0])}</td>' + "".join(
                f"<td>{html.escape(cell)}</td>" for cell in cells[1:])
            lines.append(f"<tr{css}>{body}</tr>")
        lines.append("</tbody></table>")
        for note in self.all_notes():
            lines.append(f'<p class="table-note">{html.escape(note)}</p>')
        return "\n".join(lines)


def add_to_report(report, table: PaperTable) -> None:
    """Append a paper table to a ``core.html_report.HtmlReport``."""
    report.parts.append(table.html())


# ------------------------------------------------------------------ conventions

class FooterLabel(str):
    """A footer label (translated text) with its place in the convention's order."""

    rank: int

    def __new__(cls, text: str, rank: int):
        label = super().__new__(cls, text)
        label.rank = rank
        return label


def footer_rows(tr=english, *, n_obs: int, units: int | None = None, years: int | None = None,
                unit_fe: bool | None = None, year_fe: bool | None = None, loglik: float | None = None,
                aic: float | None = None, r2: float | None = None, r2_kind: str = "r2",
                r2_within: float | None = None, sigma2: float | None = None, weights: str | None = None,
                se: str | None = None) -> dict:
    """The rows at the foot of every regression column, with the same labels in every algorithm:
    N (units × years), city and year fixed effects (Yes/No), log-likelihood, AIC, R² (``r2_kind``:
    "r2" 1 − SSR/SST, "within" the same after removing the fixed effects, "pseudo" corr²(y, ŷ);
    ``r2_within`` adds the within R² beside an "r2"; :func:`convention_notes` defines them under
    the table), σ², the weights and the SE type.
    Rows whose value is None are left out."""
    rows = {}

    def put(label, value):
        rows[FooterLabel(label, len(ORDER) if label not in ORDER else ORDER.index(label))] = value

    ORDER = [tr("N (units × years)"), tr("N"), tr("City fixed effects"), tr("Year fixed effects"),  # noqa: N806
             tr("Log-likelihood"), tr("AIC"), tr("R²"), tr("R² within"), tr("Pseudo R²"), "σ²",
             tr("Spatial weights"), tr("Standard errors")]
    if units and years and years > 1:
        put(tr("N (units × years)"), f"{n_obs:,} ({units:,} × {years})")
    else:
        put(tr("N"), f"{n_obs:,}")
    for label, flag in ((tr("City fixed effects"), unit_fe), (tr("Year fixed effects"), year_fe)):
        if isinstance(flag, str):
            put(label, flag)
        elif flag is not None:
            put(label, tr("Yes") if flag else tr("No"))
    if loglik is not None and math.isfinite(loglik):
        put(tr("Log-likelihood"), f"{loglik:.3f}")
    if aic is not None and math.isfinite(aic):
        put(tr("AIC"), f"{aic:.3f}")
    if r2 is not None and math.isfinite(r2):
        put({"r2": tr("R²"), "within": tr("R² within"), "pseudo": tr("Pseudo R²")}[r2_kind], f"{r2:.4f}")
    if r2_within is not None and math.isfinite(r2_within):
        put(tr("R² within"), f"{r2_within:.4f}")
    if sigma2 is not None and math.isfinite(sigma2):
        put("σ²", number(sigma2))
    if weights:
        put(tr("Spatial weights"), weights)
    if se:
        put(tr("Standard errors"), se)
    return rows


def convention_notes(tr=english, *, r2_kinds=(), sigma2: bool = False, lee_yu: bool = False,
                     information_matrix: bool = False, robust_option: bool = False, cluster: bool = False,
                     bootstrap: tuple[int, int] | None = None) -> list[str]:
    """The definitions under a regression table, one sentence per convention used in it.

    ``information_matrix``: some column has a spatial ML model's information-matrix standard errors
    (``robust_option``: the algorithm offers the wild cluster bootstrap, so the note names it);
    ``cluster``: some column is clustered by city (CR1); ``bootstrap``: (draws, seed) of a column's
    wild cluster bootstrap by city."""
    notes = []
    if "r2" in r2_kinds:
        notes.append(tr("R² = 1 − SSR/SST, with SST about the mean of the dependent variable."))
    if "within" in r2_kinds:
        notes.append(tr("R² within = 1 − SSR/SST of the data after removing the fixed effects (demeaned by "
                        "city, and by year with year effects)."))
    if "pseudo" in r2_kinds:
        notes.append(tr("Pseudo R² (maximum-likelihood models) = squared correlation of y and the fitted "
                        "values."))
    if sigma2:
        notes.append(tr("σ² = SSR/(n − k) for least squares (k counts the fixed effects), SSR/n for the "
                        "maximum-likelihood models."))
    if lee_yu:
        notes.append(tr("Fixed-effects spatial models: the log-likelihood, and the AIC from it, are those of "
                        "the demeaned model before the Lee–Yu bias correction; σ² and the standard errors are "
                        "the corrected ones."))
    if information_matrix and robust_option:
        notes.append(tr("Spatial maximum-likelihood models whose “Standard errors” row reads “asymptotic "
                        "(information matrix)” have standard errors from the information matrix only, which assume "
                        "errors independent across cities and years; the option “wild cluster bootstrap by city” "
                        "gives the chosen model standard errors robust to errors correlated within a city."))
    elif information_matrix:
        notes.append(tr("Spatial maximum-likelihood models have asymptotic standard errors from the "
                        "information matrix only (no cluster-robust option)."))
    if cluster:
        notes.append(tr("Standard errors clustered by city (CR1): the sandwich estimator with each city's scores X'e "
                        "summed over its years, times G/(G − 1)·(N − 1)/(N − k), G cities, k the coefficients without "
                        "the fixed effects; t tests with G − 1 degrees of freedom."))
    if bootstrap is not None:
        notes.append(tr("Wild cluster bootstrap by city: {draws} draws (seed {seed}), each with one Rademacher "
                        "weight (±1) per city on its residuals of every year, y regenerated through the fitted "
                        "reduced form and the model refitted; standard errors are the refits' standard deviations, "
                        "p-values from the normal, 95 % intervals their 2.5 and 97.5 percentiles.").format(
            draws=bootstrap[0], seed=bootstrap[1]))
    return notes


def significance_note(se_label: str, tr=english) -> str:
    """The note under a paper table: what the parentheses hold and what the stars mean."""
    return tr("{se} in parentheses. *** p < 0.01, ** p < 0.05, * p < 0.1.").format(se=se_label)


def se_label(se_type: str, tr=english) -> str:
    """The standard errors of ``se_type`` ("classical", "hc1", "cluster", "ml", "bootstrap") in words."""
    return {
        "classical": tr("Classical standard errors"),
        "hc1": tr("Heteroskedasticity-robust (HC1) standard errors"),
        "cluster": tr("Standard errors clustered by unit"),
        "ml": tr("Asymptotic standard errors (maximum likelihood)"),
        "bootstrap": tr("Wild cluster bootstrap standard errors (by city)"),
    }[se_type]


def yes_no(flag: bool, tr=english) -> str:
    return tr("Yes") if flag else tr("No")


def estimate_with_se(value: float, se: float, digits: int = 4) -> str:
    """'0.0322 (0.0024)': an estimate with its standard error, for footer rows."""
    text = number(value, digits)
    if not text:
        return "–"
    error = number(se, digits)
    return f"{text} ({error})" if error else text
