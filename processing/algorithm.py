"""The base class of every Digital Resilience algorithm.

Follows QGIS's own Python algorithms (``processing/algs/qgis/QgisAlgorithm.py``):
``tr()`` keyed on the class name, ``createInstance`` returning ``type(self)()``,
parameter names as upper-case class constants. On top of that it

* checks the third-party Python packages an algorithm needs before it runs, so a
  missing package gives one clear message instead of an import traceback;
* turns the core's :class:`InputError` into a translated ``QgsProcessingException``;
* turns a cancel inside a core computation into a clean stop;
* checks every output before the run, writes file outputs under temporary names and
  leaves nothing behind when the run fails or is cancelled (``processing/io/outputs.py``);
* reads the parameters every algorithm reads the same way (:meth:`input_source`,
  :meth:`field_name`).

Subclasses implement :meth:`process` instead of ``processAlgorithm``.
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsFeatureRequest,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingMultiStepFeedback,
)
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from ..core import dependencies
from ..core.errors import Bilingual, Cancelled, InputError, Message
from ..core.progress import cancellable, checkpoint
from .io.bulk_read import mark as mark_whole_geopackage_layer
from .io.outputs import RunOutputs, cannot_write_message
from .qgis_compat import parameter_as_strings
from .translation import ui_language

PLUGIN_DIR = Path(__file__).resolve().parent.parent
ICON_PATH = PLUGIN_DIR / "resources" / "icons" / "icon.svg"
ICON_DIR = PLUGIN_DIR / "resources" / "icons"
HELP_URL = "https://github.com/digital-resilience/digital-resilience-toolkit#algorithms"

#: Group ids and their (translatable) names, in Toolbox order.
GROUPS = {
    "indices": "Indicators and indices",
    "weights": "Spatial weights",
    "autocorrelation": "Spatial autocorrelation",
    "coverage": "Core-node coverage",
    "econometrics": "Spillover and dynamics",
    "maps": "Maps and reports",
    "workflows": "Study workflows",
}


def group_icon_path(group: str) -> Path:
    """The icon of a Toolbox group (``resources/icons/<group>.svg``; the plugin's icon if none)."""
    path = ICON_DIR / f"{group}.svg"
    return path if path.exists() else ICON_PATH


def parameters_help(algorithm) -> str:
    """The help panel's list of parameters: each label and its help (the long explanation that
    the short label leaves out), in the dialog's order."""
    lines = [f"• {definition.description()}: {definition.help()}" for definition in algorithm.parameterDefinitions()
             if not definition.isDestination() and definition.help()]
    if not lines:
        return ""
    return translate("Parameters") + "\n" + "\n".join(lines)


def translate(text: str, context: str = "ResilienceAlgorithm") -> str:
    return QCoreApplication.translate(context, text)




def core_text(text, context: str = "core") -> str:
    """A core text in the user's language (context ``core``; a plain string may name its own,
    for a word the core uses in two senses: ``tr("Total", "convergence")``).

    A :class:`~core.errors.Message` (or an ``InputError``) is translated as a template and
    then filled with its values, Message (and InputError) values translated the same way; a
    :class:`~core.errors.Bilingual` name is given in the language of the translation; a plain string (a
    label the core keeps in a table) is translated as it is. The English of a template
    that the translation breaks (a placeholder renamed) is shown rather than nothing.
    """
    if isinstance(text, Bilingual):
        return text.chinese if ui_language() == "zh" else text.english
    if isinstance(text, (Message, InputError)):
        params = {name: core_text(value) if isinstance(value, (Message, InputError)) else value
                  for name, value in text.params.items()}
        translated = translate(text.template, "core")
        try:
            return translated.format(**params) if params else translated
        except (KeyError, IndexError, ValueError):
            return text.template.format(**params) if params else text.template
    if isinstance(text, str):
        return translate(text, context) if text else text
    return text


def core_value(value):
    """A value of a core result (a cell, a list of ids): Messages translated, anything else
    (numbers, names, codes) as it is."""
    return core_text(value) if isinstance(value, Message) else value


def core_texts(texts: dict) -> dict:
    """``{key: core_text(value)}``: e.g. the field aliases a core function returns."""
    return {key: core_text(value) for key, value in texts.items()}


def missing_packages_message(found, who: str | None = None) -> str:
    """The one message for missing or outdated Python packages: what ``who`` (an algorithm's
    name; default the plugin) lacks, how to install it in one step (the plugin's dialog) or
    from a terminal, and, for pyproj, the distribution's command."""
    names = ", ".join(core_text(problem.describe()) for problem in found)
    parts = [translate("{who} needs Python packages that QGIS's Python lacks: {names}.").format(
        who=who or translate("Digital Resilience Toolkit"), names=names)]
    plan = dependencies.plan_install(found)
    if plan.install:
        parts.append(translate(
            "Install them in one step from the menu Digital Resilience › Install dependencies…, or in a "
            "terminal (on Windows, the OSGeo4W Shell): {command}").format(command=dependencies.pip_command(found)))
    if plan.refused:
        others = [problem.package for problem in plan.refused if problem.package not in dependencies.DISTRIBUTION_ONLY]
        command = core_text(plan.distribution_command)
        if others:
            parts.append(translate(
                "pyproj must be the one built against QGIS's own PROJ library ({packages} need(s) it), and pip must "
                "not install it (its wheels bring a second PROJ, which crashes QGIS): install it with {command}, "
                "then the rest as above.").format(packages=", ".join(others), command=command))
        else:
            parts.append(translate(
                "pyproj must be the one built against QGIS's own PROJ library, and pip must not install it (its "
                "wheels bring a second PROJ, which crashes QGIS): install it with {command}.").format(command=command))
    parts.append(translate("Then restart QGIS."))
    return " ".join(parts)


def feedback_progress(feedback, start: float = 0.0, end: float = 100.0):
    """A core progress callback that reports to ``feedback`` and honours its cancel (and the
    run's: see :func:`check_cancel`)."""

    def progress(fraction: float) -> None:
        check_cancel(feedback)
        if feedback is not None:
            feedback.setProgress(start + (end - start) * fraction)

    return progress


def check_cancel(feedback=None) -> None:
    """Raise ``Cancelled`` when ``feedback`` or the run's own feedback was cancelled.

    The run's feedback (the one QGIS handed to ``processAlgorithm``, which the user's Cancel
    button cancels) is consulted through the cancel check the base class installs
    (``core.progress.cancellable``), so a check on a child feedback still sees a cancel made
    before that child existed.
    """
    if feedback is not None and feedback.isCanceled():
        raise Cancelled()
    checkpoint()


#: Submodules a package's import leaves out that the core uses (scipy.stats alone takes about a second).
SUBMODULES = {"scipy": ("scipy.sparse", "scipy.sparse.linalg", "scipy.stats", "scipy.optimize", "scipy.spatial")}
#: Required packages that are checked but never imported ahead of the work, only where used:
#: mapclassify classifies with a scheme other than the default Fisher–Jenks (which the core computes
#: itself), and imports numba when numba is installed (the first table join of a session took 3.8 s
#: instead of 0.9 s for it).
LAZY = frozenset({"mapclassify"})


def import_cancellably(packages, feedback) -> None:
    """Import ``packages`` (their import names are their distribution names) in a helper thread
    while this one watches ``feedback``: a first run spends seconds importing numpy, pandas,
    geopandas…, and an import cannot be interrupted, so a Cancel meanwhile stops the run at once
    (the imports finish in the background for the next run). An import that fails is left to
    the algorithm's own import, which reports it as before."""
    import importlib
    import sys
    import threading

    modules = [module for name in packages if name not in LAZY for module in (name, *SUBMODULES.get(name, ()))
               if module not in sys.modules]
    if not modules or feedback is None:
        return
    done = threading.Event()

    def load() -> None:
        try:
            for name in modules:
                try:
                    importlib.import_module(name)
                except Exception:  # reported by the algorithm's own import
                    pass
        finally:
            done.set()

    threading.Thread(target=load, name="resilience-imports", daemon=True).start()
    while not done.wait(0.05):
        check_cancel(feedback)


class StepFeedback(QgsProcessingMultiStepFeedback):
    """``QgsProcessingMultiStepFeedback`` that does not lose an earlier cancel.

    QGIS's class forwards the parent's *later* cancels (a signal) but starts uncancelled,
    so one created after the user pressed Cancel (e.g. while a first run imports its
    packages) reports ``isCanceled() == False`` for the whole run. This one is cancelled
    at once when its parent already is, and its :meth:`isCanceled` also asks the parent.
    """

    def __init__(self, count: int, feedback):
        super().__init__(count, feedback)
        self._parent = feedback
        if feedback is not None and feedback.isCanceled():
            self.cancel()

    def isCanceled(self) -> bool:
        return super().isCanceled() or (self._parent is not None and self._parent.isCanceled())


def multi_step(count: int, feedback) -> StepFeedback:
    """The multi-step feedback of an algorithm's phases (use it, not
    ``QgsProcessingMultiStepFeedback``: see :class:`StepFeedback`)."""
    return StepFeedback(count, feedback)


class ResilienceAlgorithm(QgsProcessingAlgorithm):
    """Shared behaviour of the provider's algorithms."""

    #: Algorithm name (the part after ``resilience:``); stable, users' scripts use it.
    NAME = ""
    #: Display name, translated through :meth:`tr`.
    DISPLAY_NAME = ""
    #: Key of :data:`GROUPS`.
    GROUP = ""
    #: Python distributions the algorithm needs at run time (keys of
    #: ``core.dependencies.MINIMUM_VERSIONS``).
    REQUIRES: tuple[str, ...] = ()
    #: Short help shown beside the dialog (translated through :meth:`tr`).
    HELP = ""
    #: One line shown as the Toolbox tooltip (``shortDescription``; translated through :meth:`tr`).
    SHORT_DESCRIPTION = ""
    #: Extra search tags, comma-separated (translated).
    TAGS = ""

    def tr(self, string: str, context: str = "") -> str:
        return QCoreApplication.translate(context or type(self).__name__, string)

    def createInstance(self):
        return type(self)()

    def name(self) -> str:
        return self.NAME

    def displayName(self) -> str:
        return self.tr(self.DISPLAY_NAME)

    def group(self) -> str:
        return translate(GROUPS[self.GROUP])

    def groupId(self) -> str:
        return self.GROUP

    def tags(self):
        return [tag.strip() for tag in self.tr(self.TAGS).split(",") if tag.strip()]

    def shortHelpString(self) -> str:
        parameters = parameters_help(self)
        return self.tr(self.HELP) + ("\n\n" + parameters if parameters else "")

    def shortDescription(self) -> str:
        return self.tr(self.SHORT_DESCRIPTION)

    def helpUrl(self) -> str:
        return HELP_URL

    def icon(self) -> QIcon:
        return QIcon(self.svgIconPath())

    def svgIconPath(self) -> str:
        return str(group_icon_path(self.GROUP))

    # ---------------------------------------------------------------- running
    def check_dependencies(self, packages=None) -> None:
        """One clear message when a package of ``packages`` (default: :attr:`REQUIRES`) is
        missing or too old; call it with an optional package before the step that needs it."""
        found = dependencies.problems(self.REQUIRES if packages is None else packages)
        if found:
            raise QgsProcessingException(missing_packages_message(found, self.displayName()))

    def required_packages(self, parameters, context) -> tuple[str, ...]:
        """The packages this run needs (checked before it starts): :attr:`REQUIRES`; an
        algorithm that needs a package only with some parameters narrows it here."""
        return self.REQUIRES

    def processAlgorithm(self, parameters, context, feedback):
        packages = self.required_packages(parameters, context)
        self.check_dependencies(packages)
        # QGIS checks geometry validity inside the feature iterator and, under the default
        # "stop" policy, raises from a callback while our Python loop iterates; on QGIS 3.22
        # the *next* Processing run in the session then crashes. So sources are read with the
        # check off, and algorithms to which validity matters apply the user's policy to the
        # frame themselves (processing/io/invalid_geometries.py), naming every invalid feature.
        self.invalid_geometry_policy = context.invalidGeometryCheck()
        context.setInvalidGeometryCheck(QgsFeatureRequest.GeometryNoCheck)
        # Every output is checked before the work, file outputs are written under temporary
        # names, and a failed or cancelled run leaves nothing (processing/io/outputs.py).
        self.outputs = RunOutputs(self, context, feedback if feedback is not None else QgsProcessingFeedback())
        committed = False
        try:
            with cancellable(feedback.isCanceled if feedback is not None else None):
                check_cancel(feedback)
                run_parameters = self.outputs.prepare(parameters)
                import_cancellably(packages, feedback)
                results = self.process(run_parameters, context, feedback)
                # A cancel during the last phase (after its last check) is a cancel, not a success.
                check_cancel(feedback)
            results = self.outputs.commit(results or {})
            committed = True
            return results
        except InputError as error:
            raise QgsProcessingException(self.error_text(error)) from None
        except Cancelled:
            raise QgsProcessingException(translate("Cancelled by the user.")) from None
        except OSError as error:
            if not self.outputs.owns(error.filename):
                raise
            path = self.outputs.final_value(error.filename)
            raise QgsProcessingException(cannot_write_message(path, error)) from None
        finally:
            if not committed:
                self.outputs.rollback()
            self.outputs.release()
            context.setInvalidGeometryCheck(self.invalid_geometry_policy)

    def final_path(self, path: str) -> str:
        """An output path as the user chose it (file outputs are written under a temporary
        name until the run succeeds): for messages that name a file."""
        outputs = getattr(self, "outputs", None)
        return outputs.final_value(path) if outputs is not None else path

    def error_text(self, error: InputError) -> str:
        """The translated text of a core error (templates are translated, then filled)."""
        return core_text(error)

    def process(self, parameters, context, feedback) -> dict:
        """The algorithm proper; raise ``InputError`` or ``QgsProcessingException`` on bad input."""
        raise NotImplementedError

    # ------------------------------------------------------------- parameters
    def input_source(self, parameters, context, name: str = "INPUT"):
        """The feature source of parameter ``name``; QGIS's own message when it cannot be read."""
        source = self.parameterAsSource(parameters, name, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, name))
        mark_whole_geopackage_layer(self, parameters, name, context, source)
        return source

    def field_name(self, parameters, name: str, context) -> str | None:
        """The field chosen in the single-field parameter ``name``, or None when it is empty."""
        fields = parameter_as_strings(self, parameters, name, context)
        return fields[0] if fields else None
