"""Every number the demo chain writes, pinned while code moves (issue 15's restructuring).

This is a regression guard, not a correctness test: the numbers themselves are checked against
R, PySAL and HiGHS by the reference tests. Here a digest of each layer and table of
``demo.gpkg`` (row count; per numeric column its count, sum and sum of squares; per text column
a hash of its sorted values; per layer the geometry count and bounds) must stay what
``tests/e2e/golden/demo_numbers.json`` recorded before the move. A deliberate change of a
number is recorded with ``DR_UPDATE_GOLDEN=1 make test PYTEST_ARGS="-k golden"`` and explained in
its commit.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sqlite3
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

#: One file for Debian 12 (QGIS 3.22, numpy 1) and Debian 13 (QGIS 3.40, numpy 2): the demo gives the
#: same numbers on both (same HiGHS pinned, ρ/λ solved to the root of the likelihood's derivative).
GOLDEN = Path(__file__).resolve().parent / "golden" / "demo_numbers.json"
#: Relative tolerance: the same numbers on QGIS 3.22/numpy 1 and QGIS 3.40/numpy 2 agree to ~1e-12;
#: sums of thousands of values are compared at 1e-7.
RTOL = 1e-7
#: Run times and paths differ between runs by nature.
VOLATILE = {"seconds", "elapsed", "time", "path", "source", "created"}


def _number(value) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(float(value)) else None
    return None


def digest(gpkg: Path) -> dict:
    """Per layer/table: rows, and per column either (count, sum, sum of squares) or a text hash."""
    out: dict = {}
    with sqlite3.connect(f"file:{gpkg}?mode=ro", uri=True) as db:
        contents = dict(db.execute("SELECT table_name, data_type FROM gpkg_contents").fetchall())
        geometry_columns = dict(db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall())
        for table in sorted(contents):
            if table == "layer_styles":
                continue
            columns = [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]
            rows = db.execute(f'SELECT * FROM "{table}"').fetchall()
            entry: dict = {"rows": len(rows)}
            for index, column in enumerate(columns):
                if column == "fid" or column.lower() in VOLATILE:
                    continue
                values = [row[index] for row in rows]
                if column == geometry_columns.get(table):
                    entry[column] = {"geometries": sum(v is not None for v in values)}
                    continue
                numbers = [_number(v) for v in values]
                if any(n is not None for n in numbers) and all(n is not None or v is None or isinstance(v, float)
                                                                for n, v in zip(numbers, values)):
                    kept = [n for n in numbers if n is not None]
                    entry[column] = {"count": len(kept), "sum": math.fsum(kept),
                                     "sumsq": math.fsum(n * n for n in kept)}
                else:
                    text = "\n".join(sorted("" if v is None else str(v) for v in values))
                    entry[column] = {"text": hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]}
            out[table] = entry
    return out


def differences(expected: dict, actual: dict, where: str = "") -> list[str]:
    found = []
    for key in sorted(set(expected) | set(actual)):
        here = f"{where}/{key}"
        if key not in actual:
            found.append(f"{here}: missing")
        elif key not in expected:
            found.append(f"{here}: new")
        elif isinstance(expected[key], dict):
            found += differences(expected[key], actual[key], here)
        elif isinstance(expected[key], float):
            if not math.isclose(expected[key], actual[key], rel_tol=RTOL, abs_tol=1e-9):
                found.append(f"{here}: {expected[key]!r} -> {actual[key]!r}")
        elif expected[key] != actual[key]:
            found.append(f"{here}: {expected[key]!r} -> {actual[key]!r}")
    return found


def test_the_demo_chain_writes_the_recorded_numbers(demo_run):
    actual = digest(demo_run.out / "demo.gpkg")
    if os.environ.get("DR_UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        lines = [f"{json.dumps(table)}: {json.dumps(actual[table], sort_keys=True)}" for table in sorted(actual)]
        GOLDEN.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")  # one line per table
        pytest.skip(f"recorded {GOLDEN.name}")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    found = differences(expected, actual)
    assert not found, "\n".join(found[:40])


def test_the_digest_sees_a_changed_number(tmp_path, demo_run):
    """The guard can fail: one value of one column changed in a copy is reported."""
    import shutil

    copy = tmp_path / "demo.gpkg"
    shutil.copyfile(demo_run.out / "demo.gpkg", copy)
    with sqlite3.connect(copy) as db:
        db.execute('UPDATE "moran_by_year" SET "value" = "value" + 1e-4 WHERE fid = 1')
    found = differences(digest(demo_run.out / "demo.gpkg"), digest(copy))
    assert found and all("/moran_by_year/value/" in line for line in found), found
