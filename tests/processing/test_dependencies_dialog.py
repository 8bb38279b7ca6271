"""The "Install dependencies…" dialog and its pip runs (issue 12), without the network: a package
index that never answers lets a test cancel pip mid-run; a local folder of wheels, install one."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest


def wait_for(predicate, seconds=60.0):
    from qgis.PyQt.QtCore import QCoreApplication

    end = time.monotonic() + seconds
    while not predicate() and time.monotonic() < end:
        QCoreApplication.processEvents()
        time.sleep(0.02)
    return predicate()


@pytest.fixture()
def silent_index():
    """A TCP port that accepts connections and never answers: pip waits on it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield f"http://127.0.0.1:{server.getsockname()[1]}/simple"
    server.close()


def test_dialog_lists_packages_and_leaves_pyproj_to_the_distribution(qgis_app, provider, monkeypatch, tmp_path):
    from qgis.PyQt.QtCore import Qt

    from digital_resilience.core import dependencies
    from digital_resilience.core.dependencies import Problem
    from digital_resilience.plugin.dependencies_dialog import DependenciesDialog

    required = [Problem("pandas", "1.4", None), Problem("pyproj", "3.3", None), Problem("geopandas", "0.12", None),
                Problem("highspy", "1.8", "1.5.3")]
    optional = [Problem("openpyxl", "3.0", None)]
    monkeypatch.setattr(dependencies, "problems",
                        lambda packages=dependencies.ALL_PACKAGES: optional if "openpyxl" in packages else required)
    monkeypatch.setattr(dependencies, "is_conda", lambda prefix=None: False)
    dialog = DependenciesDialog(None, python="/usr/bin/python3.11", base=str(tmp_path / "base"))
    rows = {}
    for i in range(dialog.tree.topLevelItemCount()):
        item = dialog.tree.topLevelItem(i)
        checkable = bool(item.flags() & Qt.ItemIsUserCheckable)
        rows[item.text(0)] = (item.text(1), item.text(2), checkable,
                              checkable and item.checkState(0) == Qt.Checked, item.text(3))
    assert rows["pandas"][:4] == ("missing", ">= 1.4", True, True)
    assert rows["highspy"][:4] == ("1.5.3", ">= 1.8", True, True)
    assert "Core-node" in rows["highspy"][4] or "coverage" in rows["highspy"][4].lower()
    assert rows["pandas"][4].endswith(" algorithms")
    assert rows["pyproj"][2] is False and rows["geopandas"][2] is False  # left to the distribution
    assert rows["openpyxl"][2:4] == (True, False)  # optional: not ticked
    assert not dialog.distribution.isHidden()
    if sys.platform.startswith("linux"):
        assert "sudo apt install python3-pyproj" in dialog.distribution.text()
    assert [p.package for p in dialog.chosen()] == ["pandas", "highspy"]
    dialog.deleteLater()


def test_cancel_stops_pip_and_leaves_nothing(qgis_app, provider, monkeypatch, tmp_path, silent_index):
    from qgis.core import QgsSettings

    from digital_resilience.core import dependencies
    from digital_resilience.core.dependencies import Problem
    from digital_resilience.plugin import installer
    from digital_resilience.plugin.dependencies_dialog import DependenciesDialog

    monkeypatch.setattr(dependencies, "problems", lambda packages=dependencies.ALL_PACKAGES:
                        [Problem("tomli-w", "0", None)] if "numpy" in packages else [])
    monkeypatch.setitem(dependencies.MINIMUM_VERSIONS, "tomli-w", "0")
    python = dependencies.python_executable()
    dialog = DependenciesDialog(None, python=python, base=str(tmp_path / "base"))
    dialog.index.setEditText(silent_index)
    dialog.proxy.setText("")
    dialog.install()
    assert QgsSettings().value(installer.SETTINGS_INDEX_URL) == silent_index  # remembered
    run = dialog.installer
    assert wait_for(lambda: any("pip install" in line for line in run.log), 30)
    assert run.running()
    started = time.monotonic()
    dialog.cancel()
    assert wait_for(lambda: not run.running() and dialog.result_text, 30)
    assert time.monotonic() - started < 10
    assert run.cancelled and "cancelled" in dialog.result_text
    site = dependencies.user_site(str(tmp_path / "base"))
    assert not os.path.isdir(site) or os.listdir(site) == []
    assert dialog.install_button.isEnabled() and not dialog.cancel_button.isEnabled()
    QgsSettings().remove(installer.SETTINGS_INDEX_URL)
    dialog.deleteLater()


def test_install_from_a_local_wheel_needs_no_restart(qgis_app, provider, monkeypatch, tmp_path):
    """pip of QGIS's interpreter installs into the plugin's folder (PYTHONUSERBASE), which goes on
    sys.path: the new package imports in this session, without a restart."""
    from digital_resilience.core import dependencies
    from digital_resilience.core.dependencies import InstallPlan, Problem
    from digital_resilience.plugin.installer import PackageInstaller

    wheels = tmp_path / "wheels"
    project = tmp_path / "src"
    (project / "dr_probe_pkg").mkdir(parents=True)
    (project / "dr_probe_pkg" / "__init__.py").write_text("VALUE = 42\n")
    (project / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "dr-probe-pkg"\nversion = "1.0"\n')
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(wheels), str(project)], capture_output=True, text=True, cwd="/tmp")
    assert built.returncode == 0, built.stderr
    base = tmp_path / "base"
    plan = InstallPlan([Problem("dr-probe-pkg", "1.0", None)], [], ["pyproj==0"])  # pyproj is not needed
    run = PackageInstaller(plan, dependencies.python_executable(), str(base), index_url=wheels.as_uri())
    run.arguments = lambda: [*dependencies.pip_arguments(plan, run._constraints), "--no-index",
                             "--find-links", str(wheels)]
    results = []
    run.finished.connect(lambda ok, installed, restart: results.append((ok, installed, restart)))
    site = dependencies.user_site(str(base))
    try:
        run.start()
        assert wait_for(lambda: results, 120), "\n".join(run.log)
        assert results == [(True, ["dr-probe-pkg"], [])], "\n".join(run.log)
        assert sys.path.index(site) < min(i for i, p in enumerate(sys.path) if p.endswith(("-packages",)) and p != site)
        import dr_probe_pkg

        assert dr_probe_pkg.VALUE == 42 and dr_probe_pkg.__file__.startswith(site)
        assert dependencies.installed_version("dr-probe-pkg") == "1.0"
    finally:
        sys.modules.pop("dr_probe_pkg", None)
        if site in sys.path:
            sys.path.remove(site)
