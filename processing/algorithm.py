"""The base class of every Digital Resilience algorithm.

Follows QGIS's own Python algorithms (``processing/algs/qgis/QgisAlgorithm.py``):
``tr()`` keyed on the class name, ``createInstance`` returning ``type(self)()``,
parameter names as upper-case class constants. On top of that it

* checks the third-party Python packages an algorithm needs before it runs, so a
  missing package gives one clear message instead of an import traceback;
* turns the core's :class:`InputError` into a translated ``QgsProcessingException``;
* turns a cancel inside a core computation into a clean stop;
* reads the parameters every algorithm reads the same way (:meth:`input_source`,
  :meth:`field_name`).

Subclasses implement :meth:`process` instead of ``processAlgorithm``.
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsFeatureRequest, QgsProcessingAlgorithm, QgsProcessingException
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from ..core import dependencies
from ..core.errors import Cancelled, InputError, Message
from .qgis_compat import parameter_as_strings

PLUGIN_DIR = Path(__file__).resolve().parent.parent
ICON_PATH = PLUGIN_DIR / "resources" / "icons" / "icon.svg"
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


def translate(text: str, context: str = "ResilienceAlgorithm") -> str:
    return QCoreApplication.translate(context, text)


def core_text(text) -> str:
    """A core text in the user's language (context ``core``).

    A :class:`~core.errors.Message` (or an ``InputError``) is translated as a template and
    then filled with its values, Message (and InputError) values translated the same way; a plain string (a
    label the core keeps in a table) is translated as it is. The English of a template
    that the translation breaks (a placeholder renamed) is shown rather than nothing.
    """
    if isinstance(text, (Message, InputError)):
        params = {name: core_text(value) if isinstance(value, (Message, InputError)) else value
                  for name, value in text.params.items()}
        translated = translate(text.template, "core")
        try:
            return translated.format(**params) if params else translated
        except (KeyError, IndexError, ValueError):
            return text.template.format(**params) if params else text.template
    if isinstance(text, str):
        return translate(text, "core") if text else text
    return text


def core_value(value):
    """A value of a core result (a cell, a list of ids): Messages translated, anything else
    (numbers, names, codes) as it is."""
    return core_text(value) if isinstance(value, Message) else value


def core_texts(texts: dict) -> dict:
    """``{key: core_text(value)}``: e.g. the field aliases a core function returns."""
    return {key: core_text(value) for key, value in texts.items()}


def missing_packages_message(found) -> str:
    """The one message for missing or outdated Python packages (with, on Linux, what the
    source builds of the pip command need)."""
    text = translate(
        "Digital Resilience Toolkit needs Python packages that QGIS's Python lacks: {names}. "
        "Install them with: {command} (on Windows, run it in the OSGeo4W Shell), then restart QGIS."
    ).format(
        names=", ".join(core_text(problem.describe()) for problem in found),
        command=dependencies.pip_command(found),
    )
    note = dependencies.build_note(found)
    return f"{text} {core_text(note)}" if note is not None else text


def feedback_progress(feedback, start: float = 0.0, end: float = 100.0):
    """A core progress callback that reports to ``feedback`` and honours its cancel."""

    def progress(fraction: float) -> None:
        if feedback is not None:
            if feedback.isCanceled():
                raise Cancelled()
            feedback.setProgress(start + (end - start) * fraction)

    return progress


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
        return self.tr(self.HELP)

    def helpUrl(self) -> str:
        return HELP_URL

    def icon(self) -> QIcon:
        return QIcon(str(ICON_PATH))

    def svgIconPath(self) -> str:
        return str(ICON_PATH)

    # ---------------------------------------------------------------- running
    def check_dependencies(self, packages=None) -> None:
        """One clear message when a package of ``packages`` (default: :attr:`REQUIRES`) is
        missing or too old; call it with an optional package before the step that needs it."""
        found = dependencies.problems(self.REQUIRES if packages is None else packages)
        if found:
            raise QgsProcessingException(missing_packages_message(found))

    def required_packages(self, parameters, context) -> tuple[str, ...]:
        """The packages this run needs (checked before it starts): :attr:`REQUIRES`; an
        algorithm that needs a package only with some parameters narrows it here."""
        return self.REQUIRES

    def processAlgorithm(self, parameters, context, feedback):
        self.check_dependencies(self.required_packages(parameters, context))
        # QGIS checks geometry validity inside the feature iterator and, under the default
        # "stop" policy, raises from a callback while our Python loop iterates; on QGIS 3.22
        # the *next* Processing run in the session then crashes. So sources are read with the
        # check off, and algorithms to which validity matters apply the user's policy to the
        # frame themselves (processing/invalid_geometries.py), naming every invalid feature.
        self.invalid_geometry_policy = context.invalidGeometryCheck()
        context.setInvalidGeometryCheck(QgsFeatureRequest.GeometryNoCheck)
        try:
            if feedback is not None and feedback.isCanceled():
                raise Cancelled()
            return self.process(parameters, context, feedback)
        except InputError as error:
            raise QgsProcessingException(self.error_text(error)) from None
        except Cancelled:
            raise QgsProcessingException(translate("Cancelled by the user.")) from None
        finally:
            context.setInvalidGeometryCheck(self.invalid_geometry_policy)

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
        return source

    def field_name(self, parameters, name: str, context) -> str | None:
        """The field chosen in the single-field parameter ``name``, or None when it is empty."""
        fields = parameter_as_strings(self, parameters, name, context)
        return fields[0] if fields else None
