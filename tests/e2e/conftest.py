"""Run ``qgis_process.bin`` exactly as a batch user would, with the plugin enabled.

QGIS 3.22's qgis_process has no command to enable a plugin: it loads a plugin only
when the profile's ``QGIS3.ini`` has ``[PythonPlugins] digital_resilience=true``, and
then calls its ``initProcessing()``. Each test session gets a throw-away profile.

``demo_run`` runs ``scripts/demo.py`` (``make demo``) once per session for the tests that
look at its outputs (tests/e2e/test_demo.py, the desktop test).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QGIS_PROCESS = "/usr/bin/qgis_process.bin"  # Debian's wrapper adds a flag 3.22 rejects


@pytest.fixture(scope="session")
def qgis_process_env(tmp_path_factory):
    config = tmp_path_factory.mktemp("qgis-profile")
    ini = config / "profiles" / "default" / "QGIS" / "QGIS3.ini"
    ini.parent.mkdir(parents=True)
    ini.write_text("[PythonPlugins]\ndigital_resilience=true\n", encoding="utf-8")
    env = dict(os.environ)
    env.update({
        "QT_QPA_PLATFORM": "offscreen",
        "QGIS_CUSTOM_CONFIG_PATH": str(config),
        "QGIS_PLUGINPATH": str(ROOT / ".build" / "plugins"),
        "PYTHONPATH": sysconfig.get_paths()["purelib"],
        "XDG_RUNTIME_DIR": str(config),
        "LC_ALL": "C.UTF-8",  # English whatever the machine's locale (the plugin follows the system's)
    })
    return env


@pytest.fixture(scope="session")
def qgis_process(qgis_process_env):
    def call(*arguments, check=True):
        result = subprocess.run([QGIS_PROCESS, *arguments], capture_output=True, text=True,
                                env=qgis_process_env, cwd="/tmp", timeout=600)
        if check:
            assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        return result

    return call


@pytest.fixture(scope="session")
def run_algorithm(qgis_process):
    """Run ``resilience:NAME`` with ``--json``; return the parsed results."""

    def call(name, **parameters):
        arguments = [f"{key}={value}" for key, value in parameters.items()]
        result = qgis_process("--json", "run", f"resilience:{name}", "--", *arguments)
        return json.loads(result.stdout[result.stdout.index("{"):])

    return call


@dataclass
class DemoRun:
    """One run of ``scripts/demo.py``: its output folder, what it printed and how long it took."""

    out: Path
    stdout: str
    stderr: str
    seconds: float


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> DemoRun:
    """``make demo``'s script, run once per test session into a temporary folder (~45 s)."""
    out = tmp_path_factory.mktemp("demo") / "demo_output"
    env = dict(os.environ)
    env.update({"QT_QPA_PLATFORM": "offscreen", "PYTHONSAFEPATH": "1",
                "XDG_RUNTIME_DIR": str(tmp_path_factory.mktemp("runtime"))})
    started = time.perf_counter()
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "demo.py"), "--out", str(out)],
                            capture_output=True, text=True, env=env, cwd="/tmp", timeout=900)
    seconds = time.perf_counter() - started
    assert result.returncode == 0, f"demo failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
    return DemoRun(out, result.stdout, result.stderr, seconds)
