"""The "Install dependencies…" dialog: what is missing or too old, and one Install button.

It lists each package the algorithms need (and the optional ones) with its installed and
required version and the algorithms that use it; pyproj, which must come from the
distribution, is listed with the distribution's command instead of a checkbox. Install runs
pip of QGIS's own interpreter into the plugin's folder (``plugin/installer.py``) with its log
shown as it runs; Cancel stops it. The package index (a mirror) and a proxy are remembered.
"""

from __future__ import annotations

from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtGui import QFont
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from ..core import dependencies
from . import installer

#: Package indexes offered in the list (any other URL can be typed in).
MIRRORS = (
    "https://pypi.tuna.tsinghua.edu.cn/simple",
    "https://mirrors.aliyun.com/pypi/simple/",
    "https://mirrors.ustc.edu.cn/pypi/simple/",
)


def tr(text: str) -> str:
    return QCoreApplication.translate("DependenciesDialog", text)


def optional_use(package: str) -> str:
    """What an optional package adds."""
    return {"openpyxl": tr("Excel (.xlsx) indicator tables"), "matplotlib": tr("charts in reports"),
            "rasterio": tr("zonal statistics of rasters"),
            "python-docx": tr("Word (.docx) tables of the regressions")}.get(package, "")


def users_of(packages) -> dict[str, list[str]]:
    """{package: display names of the algorithms that need it} from the Processing registry."""
    from qgis.core import QgsApplication

    provider = QgsApplication.processingRegistry().providerById("resilience")
    found: dict[str, list[str]] = {package: [] for package in packages}
    for algorithm in provider.algorithms() if provider else []:
        for package in getattr(algorithm, "REQUIRES", ()):
            if package in found:
                found[package].append(algorithm.displayName())
    return found


class DependenciesDialog(QDialog):
    """One dialog for every missing package; ``installer`` is set while pip runs."""

    def __init__(self, parent=None, python: str | None = None, base: str | None = None):
        super().__init__(parent)
        self.setObjectName("DigitalResilienceDependencies")
        self.setWindowTitle(tr("Digital Resilience: install Python packages"))
        self.python = python or dependencies.python_executable()
        self.base = base or installer.packages_base()
        self.installer: installer.PackageInstaller | None = None
        self.result_text = ""

        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)

        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([tr("Package"), tr("Installed"), tr("Required"), tr("Used by")])
        self.tree.setRootIsDecorated(False)
        self.tree.setMinimumHeight(235)
        layout.addWidget(self.tree)

        self.distribution = QLabel()
        self.distribution.setWordWrap(True)
        self.distribution.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(self.distribution)

        form = QFormLayout()
        self.index = QComboBox()
        self.index.setEditable(True)
        self.index.addItem("")
        self.index.addItems(MIRRORS)
        self.index.lineEdit().setPlaceholderText(tr("pip's default (https://pypi.org/simple)"))
        self.index.setToolTip(tr("The package index pip downloads from, e.g. a mirror in mainland China."))
        self.proxy = QLineEdit()
        self.proxy.setPlaceholderText(tr("none (e.g. http://user:password@proxy.example.com:8080)"))
        index_url, proxy = installer.saved_source()
        self.index.setEditText(index_url)
        self.proxy.setText(proxy)
        form.addRow(tr("Package index"), self.index)
        form.addRow(tr("Proxy"), self.proxy)
        target = QLabel(tr("Installs into {folder} with {python} (QGIS's own Python).").format(
            folder=self.base, python=self.python))
        target.setWordWrap(True)
        target.setTextInteractionFlags(Qt.TextSelectableByMouse)
        form.addRow(tr("Where"), target)
        layout.addLayout(form)

        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setMinimumHeight(110)
        self.log.setFont(QFont("monospace"))
        self.log.setPlaceholderText(tr("pip's output appears here."))
        layout.addWidget(self.log)

        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        self.buttons = QDialogButtonBox()
        self.install_button = QPushButton(tr("Install"))
        self.install_button.setObjectName("install")
        self.cancel_button = QPushButton(tr("Cancel installation"))
        self.cancel_button.setEnabled(False)
        self.buttons.addButton(self.install_button, QDialogButtonBox.ActionRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ActionRole)
        self.close_button = QPushButton(tr("Close"))
        self.buttons.addButton(self.close_button, QDialogButtonBox.RejectRole)
        self.install_button.clicked.connect(self.install)
        self.cancel_button.clicked.connect(self.cancel)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(780, 660)
        self.refresh()

    # ---------------------------------------------------------------- contents
    def refresh(self) -> None:
        """Fill the list from what QGIS's Python has now."""
        required = dependencies.problems(dependencies.ALL_PACKAGES)
        optional = dependencies.problems(tuple(dependencies.OPTIONAL_VERSIONS))
        self.plan = dependencies.plan_install(required + optional)
        refused = {problem.package for problem in self.plan.refused}
        users = users_of([problem.package for problem in required + optional])
        self.tree.clear()
        for problem, is_optional in [(p, False) for p in required] + [(p, True) for p in optional]:
            names = users.get(problem.package, [])
            if is_optional:
                used = tr("optional: {use}").format(use=optional_use(problem.package) or ", ".join(names))
            elif len(names) > 3:
                used = tr("{count} algorithms").format(count=len(names))
            else:
                used = ", ".join(names)
            item = QTreeWidgetItem([problem.package, problem.installed or tr("missing"), f">= {problem.required}",
                                    used])
            item.setToolTip(3, "\n".join(names))
            item.setData(0, Qt.UserRole, problem.package)
            if problem.package in refused:
                item.setFlags(item.flags() & ~Qt.ItemIsUserCheckable & ~Qt.ItemIsEnabled)
                item.setText(1, tr("{installed} (from your distribution)").format(
                    installed=problem.installed or tr("missing")))
            else:
                item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
                item.setCheckState(0, Qt.Unchecked if is_optional else Qt.Checked)
            self.tree.addTopLevelItem(item)
        for column in range(4):
            self.tree.resizeColumnToContents(column)
        if required or optional:
            self.intro.setText(tr(
                "The Digital Resilience algorithms use these Python packages, which QGIS's Python lacks or has "
                "in too old a version. Tick those to install and press Install: pip downloads them (about "
                "{size} MB for all of them, about 300 MB installed) and installs them for this QGIS profile only."
            ).format(size=100))
        else:
            self.intro.setText(tr("QGIS's Python has every package the Digital Resilience algorithms need."))
        if self.plan.refused:
            from ..processing.algorithm import core_text

            self.distribution.setText(tr(
                "{packages}: pyproj must be the build that uses QGIS's own PROJ library; pip must not install it "
                "(its wheels bring a second PROJ, which crashes QGIS). Install it with {command}, restart QGIS, "
                "then open this dialog again."
            ).format(packages=", ".join(sorted(refused)), command=core_text(self.plan.distribution_command)))
            self.distribution.show()
        else:
            self.distribution.hide()
        self.install_button.setEnabled(bool(self.chosen()))

    def chosen(self) -> list[dependencies.Problem]:
        """The ticked packages."""
        ticked = set()
        for row in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(row)
            if item.flags() & Qt.ItemIsUserCheckable and item.checkState(0) == Qt.Checked:
                ticked.add(item.data(0, Qt.UserRole))
        return [problem for problem in self.plan.install if problem.package in ticked]

    # ---------------------------------------------------------------- running
    def install(self) -> None:
        chosen = self.chosen()
        if not chosen:
            return
        index_url, proxy = self.index.currentText().strip(), self.proxy.text().strip()
        installer.save_source(index_url, proxy)
        plan = dependencies.InstallPlan(chosen, [], self.plan.constraints)
        self.installer = installer.PackageInstaller(plan, self.python, self.base, index_url, proxy, self)
        self.installer.output.connect(self.log.appendPlainText)
        self.installer.finished.connect(self.finished)
        self.log.clear()
        self.install_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.status.setText(tr("Installing {packages}…").format(packages=", ".join(p.package for p in chosen)))
        self.installer.start()

    def cancel(self) -> None:
        if self.installer is not None:
            self.installer.cancel()

    def finished(self, ok: bool, installed: list, restart: list) -> None:
        self.cancel_button.setEnabled(False)
        if self.installer is not None and self.installer.cancelled:
            text = tr("Installation cancelled; what it had added was removed.")
        elif not ok:
            text = tr("pip failed (see its output above). Check the package index and proxy, or run the command "
                      "shown at the top of the log in a terminal.")
        elif restart:
            text = tr("Installed {packages}. Restart QGIS to use them: {loaded} were already loaded in this "
                      "session.").format(packages=", ".join(installed), loaded=", ".join(restart))
        else:
            text = tr("Installed {packages} in {seconds:.0f} s. Ready to use: no restart needed.").format(
                packages=", ".join(installed) or tr("nothing new"), seconds=self.installer.seconds)
        self.result_text = text
        self.status.setText(text)
        self.refresh()

    def reject(self) -> None:
        if self.installer is not None and self.installer.running():
            self.installer.cancel()
        super().reject()
