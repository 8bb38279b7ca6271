"""Run the benchmarks: ``make bench`` (all) or ``make bench BENCH_ARGS="--only bridge"``.

Each ``bench/bench_*.py`` module defines ``run(quick: bool) -> list[dict]``; a row has
``benchmark``, ``ours_s``, and where there is a peer ``peer``, ``peer_s`` and ``ratio``
(peer time / our time: above 1 means we are faster), plus free-form ``notes``. Speed
is always reported as a ratio against the peer measured in the same run on the same
machine, never as an absolute threshold in a unit test.

Results go to ``bench/results/results.json`` and ``results.md``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Import the plugin of *this* checkout as `digital_resilience` (never put the repository
# root itself on sys.path: its processing/ folder would shadow QGIS's `processing`).
PLUGINS = Path(__file__).resolve().parents[1] / ".build" / "plugins"
sys.path.insert(0, str(PLUGINS))
# The benchmark modules share bench/common.py (``from common import timed``).
sys.path.insert(1, str(HERE))


def start_qgis():
    """A headless QgsApplication and Processing, as in the tests."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    sys.path.append(os.path.join(QgsApplication.pkgDataPath(), "python", "plugins"))
    return app


def load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def markdown(rows: list[dict]) -> str:
    lines = ["| benchmark | ours (s) | peer | peer (s) | ratio peer/ours | notes |",
             "|---|---:|---|---:|---:|---|"]
    for row in rows:
        ratio = row.get("ratio")
        lines.append(
            f"| {row['benchmark']} | {row.get('ours_s', float('nan')):.3f} | {row.get('peer', '')} | "
            f"{row['peer_s']:.3f} | {ratio:.2f}× | {row.get('notes', '')} |"
            if "peer_s" in row else
            f"| {row['benchmark']} | {row.get('ours_s', float('nan')):.3f} |  |  |  | {row.get('notes', '')} |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Run the benchmarks.")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--only", action="append", help="benchmark module stem(s) without bench_")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    args = parser.parse_args(argv)
    app = start_qgis()
    modules = sorted(HERE.glob("bench_*.py"))
    if args.only:
        modules = [m for m in modules if m.stem.removeprefix("bench_") in args.only]
    rows = []
    for path in modules:
        print(f"== {path.stem}", flush=True)
        started = time.perf_counter()
        for row in load(path).run(quick=args.quick):
            rows.append(row)
            print("   ", json.dumps(row, ensure_ascii=False), flush=True)
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    machine = {"python": platform.python_version(), "machine": platform.machine(),
               "cpus": os.cpu_count(), "quick": args.quick}
    (args.out / "results.json").write_text(json.dumps({"machine": machine, "rows": rows}, indent=1,
                                                      ensure_ascii=False))
    (args.out / "results.md").write_text(markdown(rows) + "\n")
    print(markdown(rows))
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
