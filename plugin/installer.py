"""Installing the Python packages the algorithms need, with pip of QGIS's own interpreter.

The rules (which interpreter, which folder, what pip may not install) are QGIS-free and live
in ``core/dependencies.py``; this module runs pip as a :class:`QProcess` (asynchronous, its
output read line by line as it comes, cancellable with :meth:`PackageInstaller.cancel`) and
puts the plugin's package folder on ``sys.path``.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
import tempfile
import time

from qgis.core import QgsApplication, QgsSettings
from qgis.PyQt.QtCore import QObject, QProcess, QProcessEnvironment, pyqtSignal

from ..core import dependencies

SETTINGS_INDEX_URL = "digital_resilience/pip/index_url"
SETTINGS_PROXY = "digital_resilience/pip/proxy"
SETTINGS_ASKED = "digital_resilience/pip/dialog_shown"


def packages_base() -> str:
    """The plugin's package folder in the current QGIS profile (``<profile>/python/...``)."""
    return dependencies.packages_base(QgsApplication.qgisSettingsDirPath())


def packages_site() -> str:
    return dependencies.user_site(packages_base())


def activate(base: str | None = None) -> bool:
    """Put the package folder (default: the profile's) on ``sys.path``, before the system's
    packages; True when it exists."""
    added = dependencies.add_site(dependencies.user_site(base) if base else packages_site())
    if added:
        importlib.invalidate_caches()
    return added


def saved_source() -> tuple[str, str]:
    """(index URL, proxy) as the user last set them ('' for pip's defaults)."""
    settings = QgsSettings()
    return (str(settings.value(SETTINGS_INDEX_URL, "") or ""), str(settings.value(SETTINGS_PROXY, "") or ""))


def save_source(index_url: str, proxy: str) -> None:
    settings = QgsSettings()
    settings.setValue(SETTINGS_INDEX_URL, index_url.strip())
    settings.setValue(SETTINGS_PROXY, proxy.strip())


class PackageInstaller(QObject):
    """One pip run: ``start()``, then ``output`` for each line and ``finished`` once.

    ``finished(ok, installed, restart)``: whether pip succeeded, the distributions it installed
    and those already imported in this session (QGIS must restart for them).
    """

    output = pyqtSignal(str)
    finished = pyqtSignal(bool, list, list)

    def __init__(self, plan: dependencies.InstallPlan, python: str | None = None, base: str | None = None,
                 index_url: str = "", proxy: str = "", parent=None):
        super().__init__(parent)
        self.plan = plan
        self.python = python or dependencies.python_executable()
        self.base = base or packages_base()
        self.index_url = index_url
        self.proxy = proxy
        self.process: QProcess | None = None
        self.log: list[str] = []
        self.cancelled = False
        self.seconds = 0.0
        self._started = 0.0
        self._pending = ""
        self._constraints = ""
        self._before: set[str] = set()
        self._finished_once = False

    def arguments(self) -> list[str]:
        return dependencies.pip_arguments(self.plan, self._constraints, self.index_url, self.proxy)

    def command_line(self) -> str:
        return " ".join(dependencies.quoted(word) for word in [self.python, *self.arguments()])

    def start(self) -> None:
        os.makedirs(self.base, exist_ok=True)
        self._before = self._entries()
        handle, self._constraints = tempfile.mkstemp(prefix="digital_resilience_", suffix="_constraints.txt")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write("\n".join(self.plan.constraints) + "\n")
        process = QProcess(self)
        environment = QProcessEnvironment()
        for key, value in dependencies.pip_environment(self.base).items():
            environment.insert(key, value)
        process.setProcessEnvironment(environment)
        process.setProcessChannelMode(QProcess.MergedChannels)
        process.readyReadStandardOutput.connect(self._read)
        process.finished.connect(self._finished)
        process.errorOccurred.connect(self._error)
        self.process = process
        self._emit(f"$ {self.command_line()}")
        self._emit(f"PYTHONUSERBASE={self.base}")
        self._started = time.perf_counter()
        process.start(self.python, self.arguments())

    def cancel(self) -> None:
        if self.process is not None and self.process.state() != QProcess.NotRunning:
            self.cancelled = True
            self.process.kill()

    def running(self) -> bool:
        return self.process is not None and self.process.state() != QProcess.NotRunning

    # ------------------------------------------------------------------ private
    def _emit(self, line: str) -> None:
        self.log.append(line)
        self.output.emit(line)

    def _read(self) -> None:
        data = bytes(self.process.readAllStandardOutput()).decode("utf-8", "replace")
        self._pending += data.replace("\r\n", "\n").replace("\r", "\n")
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            if line.strip():
                self._emit(line)

    def _error(self, error) -> None:
        if error == QProcess.FailedToStart:
            self._emit(f"Could not start {self.python}")
            self._done(False)

    def _finished(self, code: int, _status=None) -> None:
        self._read()
        if self._pending.strip():
            self._emit(self._pending)
        self._pending = ""
        self._done(code == 0 and not self.cancelled)

    def _entries(self) -> set[str]:
        site = dependencies.user_site(self.base)
        return set(os.listdir(site)) if os.path.isdir(site) else set()

    def _undo(self) -> None:
        """After a cancel or a failure, remove what this run added to the folder (pip rolls back
        its own failures, not a kill)."""
        site = dependencies.user_site(self.base)
        for name in self._entries() - self._before:
            path = os.path.join(site, name)
            if os.path.isdir(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    os.remove(path)

    def _done(self, ok: bool) -> None:
        if self._finished_once:
            return
        self._finished_once = True
        if self._constraints and os.path.exists(self._constraints):
            os.remove(self._constraints)
        if not ok:
            if self.process is not None and self.process.state() != QProcess.NotRunning:
                self.process.waitForFinished(5000)
            self._undo()
        self.seconds = time.perf_counter() - self._started
        installed = dependencies.installed_by_pip("\n".join(self.log)) if ok else []
        restart = dependencies.restart_needed(installed)
        if ok:
            activate(self.base)
        self.finished.emit(ok, installed, restart)
