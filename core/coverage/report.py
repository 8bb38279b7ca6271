"""The HTML reports of core–node coverage and network redundancy (``resilience:corenodecoverage``,
``resilience:networkredundancy``).

Every label goes through ``tr``: the Processing layer passes ``core_text``, which translates these
templates, the results' summary labels (``as_rows``, listed in ``scripts/i18n.py``'s ``DYNAMIC``)
and their Messages in the context ``core`` (the "Value" column of a summary in the context
``summary``: the core's "Value" is a statistic's); plain Python callers get English.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import Message, english


def summary_rows(result, tr=english) -> list[tuple[str, str]]:
    """The result's (label, value) rows (``as_rows``) in the user's language."""
    return [(tr(label), tr(value) if isinstance(value, Message) else value) for label, value in result.as_rows()]


def _write(report, path) -> str:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return report.write(path)


# ------------------------------------------------------------------ coverage
def write_coverage_report(path, result, layer: str, tr=english) -> str:
    """The report of ``core_node_coverage``'s result: the summary, the comparison over radii, the
    cores with the cities assigned to them, the cities not covered."""
    from ..html_report import HtmlReport

    report = HtmlReport(tr("Core-node coverage: {layer}").format(layer=layer))
    report.heading(tr("Summary"))
    report.table([tr("Property"), tr("Value", "summary")], summary_rows(result, tr))
    if result.comparison:
        _comparison_section(report, result, tr)
    _cores_section(report, result, tr)
    uncovered = ~result.assignment.covered
    if uncovered.any():
        report.heading(tr("Cities not covered"))
        report.paragraph(", ".join(str(name) for name in result.names[uncovered]))
    report.paragraph(tr(
        "Distances are geodesic on the ellipsoid. Exact integer programme solved with HiGHS; "
        "“proven optimal” means no solution with fewer cores (set covering) or more covered demand "
        "(maximal covering) exists."), note=True)
    return _write(report, path)


def _comparison_section(report, result, tr) -> None:
    """One row per radius compared: cores, shares covered, largest distance, the solution's status."""
    report.heading(tr("Comparison over radii"))
    rows = []
    for row in result.comparison:
        if row.cores is None:
            rows.append((f"{row.radius_km:g}", "–", "–", "–", "–", tr(row.note)))
            continue
        rows.append((f"{row.radius_km:g}", row.cores, f"{100 * row.cities_share:.1f} %",
                     f"{100 * row.demand_share:.1f} %", f"{row.max_km:.1f}",
                     tr("proven optimal") if row.optimal else
                     tr("gap {gap:.2f} %").format(gap=100 * (row.gap or 0.0))))
    report.table([tr("Radius (km)"), tr("Cores"), tr("Cities covered"), tr("Demand covered"),
                  tr("Largest distance (km)"), tr("Solution")], rows)


def _cores_section(report, result, tr) -> None:
    """One row per core: cities assigned, of which within the radius, the farthest, existing or new."""
    report.heading(tr("Cores"))
    a = result.assignment
    existing = set(result.existing.tolist())
    rows = []
    for k, core in enumerate(result.cores):
        nodes = a.nearest == k
        rows.append((result.names[core], int(nodes.sum()), int((a.km[nodes] <= result.spec.radius_km).sum()),
                     f"{a.km[nodes].max():.1f}" if nodes.any() else "0",
                     tr("existing") if core in existing else tr("new")))
    report.table([tr("Core"), tr("Cities assigned"), tr("Of which within the radius"), tr("Farthest city (km)"),
                  tr("Status")], rows)


# ------------------------------------------------------------------ redundancy
def write_redundancy_report(path, result, layer: str, tr=english) -> str:
    """The report of ``network_redundancy``'s result: the summary, each single failure's loss, the
    coverage targets and the cores they need, the cities that cannot be protected."""
    from ..html_report import HtmlReport

    report = HtmlReport(tr("Network redundancy: {layer}").format(layer=layer))
    report.heading(tr("Summary"))
    report.table([tr("Property"), tr("Value", "summary")], summary_rows(result, tr))
    _failures_section(report, result, tr)
    if result.target_added is not None:
        _target_section(report, result, tr)
    if result.counties is not None:
        _county_section(report, result, tr)
    if result.added is not None and len(result.added):
        report.heading(tr("Additional cores"))
        report.paragraph(", ".join(str(n) for n in result.names[result.added]))
    if len(result.unprotectable):
        report.heading(tr("Cities that cannot be protected"))
        report.paragraph(", ".join(str(n) for n in result.names[result.unprotectable]))
    report.paragraph(tr(
        "Distances are geodesic on the ellipsoid. A city stays covered under any single core failure "
        "when two cores lie within the radius. The additional cores solve an exact integer programme "
        "(HiGHS) with the existing cores fixed; “proven optimal” means no smaller set of additions "
        "exists among the candidates."), note=True)
    return _write(report, path)


def _failures_section(report, result, tr) -> None:
    """Each core's failure (N−1): the cities and the share of demand lost, largest loss first."""
    report.heading(tr("Single failures (N−1)"))
    total = result.weights.sum()
    rows = []
    for failure in sorted(result.failures, key=lambda f: (-f.demand, -len(f.cities))):
        rows.append((result.names[failure.core], len(failure.cities),
                     f"{100 * failure.demand / total:.2f} %" if total > 0 else "0 %",
                     ", ".join(str(n) for n in result.names[failure.cities][:12])
                     + (" …" if len(failure.cities) > 12 else "")))
    report.table([tr("Core"), tr("Cities lost"), tr("Demand lost"), tr("Cities lost (first 12)")], rows)


def _target_section(report, result, tr) -> None:
    """Full coverage now and under any single failure: where the network stands, the cores it needs."""
    report.heading(tr("Coverage target"))
    report.table([tr("Target"), tr("Now"), tr("Additional cores to reach it"), tr("Cores")],
                 [(tr("100 % of cities within {radius} km").format(radius=f"{result.radius_km:g}"),
                   f"{100 * result.covered_share:.1f} %", len(result.target_added),
                   ", ".join(str(n) for n in result.names[result.target_added]) or "–"),
                  (tr("100 % of cities covered under any single failure"),
                   f"{100 * result.backup_share:.1f} %", len(result.added),
                   ", ".join(str(n) for n in result.names[result.added]) or "–")])


def _county_section(report, result, tr) -> None:
    """The county-level target: the share of counties within the radius now, with the cores added for
    any single failure, and with the fewest additions for the target; the counties out of reach."""
    target = result.counties
    report.heading(tr("County-level target"))
    rows = [(tr("Existing cores"), len(result.cores), f"{100 * target.existing.share:.1f} %", "–")]
    if target.protected is not None:
        rows.append((tr("With the additional cores for any single failure"), len(result.cores) + len(result.added),
                     f"{100 * target.protected.share:.1f} %", "–"))
    if target.added is not None:
        rows.append((tr("With the fewest additional cores for {target} % of counties within {radius} km").format(
                         target=f"{100 * target.target_share:g}", radius=f"{target.radius_km:g}"),
                     len(result.cores) + len(target.added), f"{100 * target.after.share:.1f} %",
                     ", ".join(str(n) for n in result.names[target.added]) or "–"))
    report.table([tr("Network"), tr("Cores"), tr("Counties within the radius"), tr("Additional cores")], rows)
    if len(target.unreachable):
        report.paragraph(tr("Counties out of reach of every candidate: {names}").format(
            names=", ".join(str(n) for n in target.names[target.unreachable])))
