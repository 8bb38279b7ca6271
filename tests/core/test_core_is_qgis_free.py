"""core/ must import without QGIS: scientists call it from plain Python."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_core_module_imports_without_qgis():
    code = (
        "import importlib, pkgutil, sys\n"
        "import digital_resilience.core as core\n"
        "names = [m.name for m in pkgutil.walk_packages(core.__path__, 'digital_resilience.core.')]\n"
        "for name in names: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'qgis' or m.startswith('qgis.'))\n"
        "assert not bad, bad\n"
        "assert len(names) >= 5, names\n"
        "print(len(names))\n"
    )
    env = {"PYTHONPATH": str(ROOT / ".build" / "plugins"), "PYTHONSAFEPATH": "1", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                            cwd="/tmp")
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) >= 5


def test_no_core_source_mentions_qgis_imports():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "core").rglob("*.py")
        if any(line.lstrip().startswith(("import qgis", "from qgis")) for line in path.read_text().splitlines())
    ]
    assert offenders == []
