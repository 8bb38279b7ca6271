"""The outputs of one run: checked before the work, written whole or not at all.

:class:`RunOutputs` is used by ``ResilienceAlgorithm.processAlgorithm`` for every algorithm,
so no algorithm handles these cases itself:

* **Before the work** (:meth:`RunOutputs.prepare`): every chosen output's folder is created
  if missing and probed for writing (an existing file for replacing), so a read-only folder
  or a file in use gives one clear message (:func:`cannot_write_message`) before anything is
  computed or written. An output that is one of the inputs (same file and, in a GeoPackage,
  same layer) is refused. A plain ``.gpkg`` path to an existing GeoPackage that holds other
  layers is turned into ``ogr:dbname='…' table="…"``: only that layer is added or replaced,
  the others are kept (QGIS would replace the whole file).
* **File outputs** (reports, charts, GAL/GWT files, PDFs…) are written under a temporary name
  in the same folder (``.~drt-<random>-<name>``, also for files derived from it such as one
  PNG per page) and moved into place (``os.replace``) by :meth:`RunOutputs.commit` only when
  the run succeeded.
* **On failure or cancel** (:meth:`RunOutputs.rollback`): the temporary files are removed,
  layers created by the run's sinks are removed (the file, or the layer from a GeoPackage
  that existed before), new files in an output folder are removed, and folders the run
  created are removed when empty.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from qgis.core import (
    QgsDataSourceUri,
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingOutputLayerDefinition,
    QgsProperty,
    QgsProviderRegistry,
)

from ..translation import translator

#: Prefix of the temporary names (followed by a random part and "-").
TEMP_PREFIX = ".~drt-"
#: Files that a shapefile brings along (removed with it when the run created it).
SIDECARS = (".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".qpj")
SQLITE_SIDECARS = ("-wal", "-shm", "-journal")
#: Windows: "The process cannot access the file because it is being used by another process".
WINDOWS_IN_USE = (32, 33)

LAYER_SOURCE_TYPES = ("source", "vector", "raster", "layer", "mesh", "pointcloud")


tr = translator("Outputs")


# ------------------------------------------------------------------ messages
def write_reason(error: OSError) -> str:
    """Why a file could not be written, in words (translated)."""
    if getattr(error, "winerror", None) in WINDOWS_IN_USE:
        return tr("the file is in use by another program (close it, e.g. in Excel or a browser)")
    code = error.errno
    if code in (errno.EACCES, errno.EPERM):
        return tr("permission denied (the folder or the file is read-only, or in use by another program)")
    if code in (errno.ENOENT, errno.ENOTDIR):
        return tr("the folder does not exist and cannot be created")
    if code == errno.EISDIR:
        return tr("a folder of that name is in the way")
    if code == errno.EROFS:
        return tr("the disk is read-only")
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return tr("the disk is full")
    return error.strerror or str(error)


def cannot_write_message(path, error: OSError) -> str:
    """The one message for an output that cannot be written."""
    return tr("Cannot write {path}: {reason}. Choose another file or folder for this output.").format(
        path=path, reason=write_reason(error))


def ogr_destination(path, layer: str, geometry: bool = True) -> str:
    """The Processing destination for layer ``layer`` of GeoPackage ``path``."""
    return f"ogr:dbname='{path}' table=\"{layer}\"" + (" (geom)" if geometry else "")


# ------------------------------------------------------------------ helpers
def gpkg_tables(path) -> list[str]:
    """The layers (tables) of a GeoPackage, read without opening it through GDAL/QGIS
    (which may rewrite it); [] when it is not a readable GeoPackage. QGIS's ``layer_styles``
    table (the layers' stored styles, processing/styling.py) is not a layer of its own."""
    try:
        connection = sqlite3.connect(f"file:{Path(path).as_posix()}?mode=ro", uri=True)
        try:
            rows = connection.execute("SELECT table_name FROM gpkg_contents ORDER BY rowid")
            return [row[0] for row in rows if row[0] != "layer_styles"]
        finally:
            connection.close()
    except sqlite3.Error:
        return []


def _same_file(a, b) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def _is_gpkg(path) -> bool:
    return str(path).lower().endswith(".gpkg")


def _probe_replace(path: Path) -> None:
    """Raise the OSError that replacing the existing file ``path`` would meet (read-only, in use)."""
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    with open(path, "ab"):
        pass


def _layer_files(path: Path) -> list[Path]:
    """The existing files of the layer file ``path``: itself, SQLite's journals, a shapefile's sidecars."""
    sidecars = [path.with_suffix(s) for s in SIDECARS] if path.suffix.lower() == ".shp" else []
    candidates = [path] + [Path(str(path) + s) for s in SQLITE_SIDECARS] + sidecars
    return [candidate for candidate in candidates if candidate.exists()]


def _remove(path) -> None:
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.remove(path)
    except FileNotFoundError:
        pass


def parse_sink_destination(destination: str) -> tuple[str | None, str | None]:
    """(file path, layer name or None) of a sink's destination string; (None, None) when it
    is not a file (memory layers, databases, temporary outputs)."""
    if not destination or destination == "TEMPORARY_OUTPUT" or destination.startswith("memory:"):
        return None, None
    match = re.match(r"^([a-z]+):(.*)$", destination, re.S)
    if match and len(match.group(1)) > 1:  # a provider prefix, not a Windows drive letter
        provider, uri = match.groups()
        if provider != "ogr":
            return None, None
        decoded = QgsDataSourceUri(uri)
        if decoded.database():
            return decoded.database(), decoded.table() or None
        return uri, None
    return destination.split("|")[0], None


@dataclass
class _Sink:
    path: str
    layer: str | None  # None: the whole file is the layer
    existed: bool
    layer_existed: bool
    backups: list = field(default_factory=list)  # (the old file moved aside, its place)


@dataclass
class _Folder:
    path: Path
    before: set = field(default_factory=set)


class RunOutputs:
    """The outputs of one run of ``algorithm`` (see the module's documentation)."""

    def __init__(self, algorithm, context, feedback):
        self.algorithm = algorithm
        self.context = context
        self.feedback = feedback
        token = secrets.token_hex(4)
        self.prefix = f"{TEMP_PREFIX}{token}-"
        self.backup_prefix = f"{TEMP_PREFIX}{token}.old-"  # does not start with self.prefix
        self.temp_files: list[tuple[Path, Path, int]] = []  # (temporary, final, mtime of the probe)
        self.folders_created: list[Path] = []
        self.sinks: list[_Sink] = []
        self.folders: list[_Folder] = []
        self.paths: list[Path] = []  # every output path (for OSError messages)
        self.shared: set[str] = set()  # plain .gpkg paths that several sinks write to

    # ------------------------------------------------------------- prepare
    def prepare(self, parameters: dict) -> dict:
        """Check every chosen output and return the parameters the algorithm runs with
        (file outputs redirected to temporary names, GeoPackage layers named)."""
        algorithm, context = self.algorithm, self.context
        inputs = self.input_locations(parameters)
        run_parameters = dict(parameters)
        # Several sinks to one plain .gpkg path would each replace the file: each gets its layer.
        plain = [os.path.abspath(path) for path, layer in (
            parse_sink_destination(self.sink_destination(parameters[d.name()]))
            for d in algorithm.destinationParameterDefinitions()
            if d.type() in ("sink", "vectorDestination") and parameters.get(d.name()) is not None)
            if path is not None and layer is None and _is_gpkg(path)]
        self.shared = {path for path in plain if plain.count(path) > 1}
        for definition in algorithm.destinationParameterDefinitions():
            name = definition.name()
            if parameters.get(name) is None:
                continue
            kind = definition.type()
            if kind == "sink" or kind == "vectorDestination":
                self.prepare_sink(run_parameters, definition, inputs)
            elif kind == "fileDestination":
                path = algorithm.parameterAsFileOutput(parameters, name, context)
                if path:
                    run_parameters[name] = self.prepare_file(path, definition, inputs)
            elif kind == "folderDestination" and parameters[name] != "TEMPORARY_OUTPUT":
                path = algorithm.parameterAsFileOutput(parameters, name, context)
                if path:
                    self.prepare_folder(Path(path))
        return run_parameters

    def input_locations(self, parameters) -> list[tuple[str, str | None]]:
        """(file, layer or None) of every input layer and input file."""
        algorithm, context = self.algorithm, self.context
        found = []
        registry = QgsProviderRegistry.instance()
        for definition in algorithm.parameterDefinitions():
            name, kind = definition.name(), definition.type()
            if parameters.get(name) is None or definition.isDestination():
                continue
            layers = []
            value = parameters[name]
            if isinstance(value, QgsProcessingFeatureSourceDefinition):  # "selected features only"
                value = value.source.staticValue()
            try:
                if kind in LAYER_SOURCE_TYPES:
                    layers = [algorithm.parameterAsLayer({name: value}, name, context)]
                elif kind == "multilayer":
                    layers = algorithm.parameterAsLayerList(parameters, name, context)
                elif kind == "file":
                    path = algorithm.parameterAsFile(parameters, name, context)
                    if path:
                        found.append((path, None))
            except Exception:  # an unreadable input gets its own message from the algorithm
                layers = []
            for layer in layers:
                if layer is None:
                    continue
                parts = registry.decodeUri(layer.providerType(), layer.source())
                path = parts.get("path")
                if path:
                    found.append((path, parts.get("layerName") or None))
        return found

    def _refuse_input(self, path, layer=None) -> None:
        if layer:
            text = tr("The output {path}, layer “{layer}”, is one of the inputs: writing it would destroy the "
                      "input. Choose another file, or another layer of the GeoPackage, e.g. {example}.")
        else:
            text = tr("The output {path} is one of the inputs: writing it would destroy the input. "
                      "Choose another file.")
        raise QgsProcessingException(text.format(
            path=path, layer=layer, example=ogr_destination(path, f"{self.algorithm.name()}_result")))

    def ensure_folder(self, folder: Path, output) -> None:
        """Create ``folder`` (and its missing parents, remembered for the rollback)."""
        missing = []
        current = folder
        while not current.exists() and current != current.parent:
            missing.append(current)
            current = current.parent
        for path in reversed(missing):
            try:
                path.mkdir()
            except FileExistsError:
                continue
            except OSError as error:
                raise QgsProcessingException(cannot_write_message(output, error)) from None
            self.folders_created.append(path)
        if not folder.is_dir():
            raise QgsProcessingException(cannot_write_message(
                output, NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))))

    def _probe_folder(self, folder: Path, output) -> None:
        probe = folder / f"{self.prefix}probe"
        try:
            with open(probe, "xb"):
                pass
            os.remove(probe)
        except OSError as error:
            raise QgsProcessingException(cannot_write_message(output, error)) from None

    def prepare_file(self, path: str, definition, inputs) -> str:
        final = Path(path)
        for input_path, _layer in inputs:
            if final.exists() and _same_file(final, input_path):
                self._refuse_input(path)
        self.ensure_folder(final.parent, path)
        temporary = final.parent / f"{self.prefix}{final.name}"
        try:
            if final.exists():
                _probe_replace(final)
            with open(temporary, "xb"):
                pass
        except OSError as error:
            raise QgsProcessingException(cannot_write_message(path, error)) from None
        self.temp_files.append((temporary, final, temporary.stat().st_mtime_ns))
        self.paths += [final, temporary]
        return str(temporary)

    def prepare_folder(self, folder: Path) -> None:
        self.ensure_folder(folder, folder)
        self._probe_folder(folder, folder)
        self.folders.append(_Folder(folder, set(os.listdir(folder))))
        self.paths.append(folder)

    def sink_destination(self, value) -> str | None:
        """The destination string of a sink parameter's value (None when it is not one)."""
        if isinstance(value, QgsProcessingOutputLayerDefinition):
            sink = value.sink
            value = sink.staticValue() if sink.propertyType() == QgsProperty.StaticProperty else \
                sink.valueAsString(self.context.expressionContext())[0]
        return value if isinstance(value, str) else None

    def prepare_sink(self, run_parameters, definition, inputs) -> None:
        algorithm, name = self.algorithm, definition.name()
        value = run_parameters[name]
        path, layer = parse_sink_destination(self.sink_destination(value))
        if path is None:
            return
        file = Path(path)
        existed = file.exists()
        tables = gpkg_tables(file) if existed and _is_gpkg(file) else []
        shared = os.path.abspath(path) in self.shared
        if layer is None and ((tables and set(tables) - {file.stem}) or shared):
            # QGIS would replace the whole GeoPackage: write only this output's layer.
            layer = algorithm.name() if name == "OUTPUT" else f"{algorithm.name()}_{name.lower()}"
            target = ogr_destination(path, layer)
            if isinstance(value, QgsProcessingOutputLayerDefinition):
                value = QgsProcessingOutputLayerDefinition(value)
                value.sink = QgsProperty.fromValue(target)
            else:
                value = target
            run_parameters[name] = value
            self.feedback.pushInfo((tr(
                "Several outputs of this run go to the GeoPackage {path}: this one is written as its layer "
                "“{layer}”. To choose the layer's name, give the output as {example}.") if shared else tr(
                "The GeoPackage {path} holds other layers, which are kept: this output is written as its layer "
                "“{layer}” (replaced if it exists). To choose the layer's name, give the output as {example}."
            )).format(path=path, layer=layer, example=ogr_destination(path, "name")))
        whole_file = layer is None
        layer_name = file.stem if whole_file else layer  # QGIS names a new GeoPackage's layer after the file
        gpkg = _is_gpkg(file)
        for input_path, input_layer in inputs:
            if existed and _same_file(file, input_path):
                same_layer = input_layer == layer_name if input_layer is not None else layer_name in tables
                if not gpkg or same_layer:
                    self._refuse_input(path, layer_name if gpkg else None)
        self.ensure_folder(file.parent, path)
        self._probe_folder(file.parent, path)  # QGIS (re)creates files beside it: a journal, sidecars
        try:
            if existed:
                _probe_replace(file)
        except OSError as error:
            raise QgsProcessingException(cannot_write_message(path, error)) from None
        sink = _Sink(str(file), None if whole_file else layer, existed, bool(layer) and layer in tables)
        if existed and whole_file:
            # QGIS replaces the file: keep the old one aside until the run succeeds.
            for old in _layer_files(file):
                backup = old.parent / f"{self.backup_prefix}{old.name}"
                try:
                    os.replace(old, backup)
                except OSError:  # in use (Windows): QGIS replaces it without a way back
                    continue
                sink.backups.append((backup, old))
        self.sinks.append(sink)
        self.paths.append(file)

    def release(self) -> None:
        """Forget the run's QGIS objects (a Python reference to its context or feedback that
        outlives the run can crash QGIS at exit)."""
        self.algorithm = self.context = self.feedback = None

    # ------------------------------------------------------------- outcome
    def owns(self, path) -> bool:
        """Whether ``path`` is (in) one of this run's outputs."""
        if not path:
            return False
        path = os.path.abspath(os.fspath(path))
        for output in self.paths:
            output = os.path.abspath(output)
            if path == output or path.startswith(output + os.sep) or os.path.basename(path).startswith(self.prefix):
                return True
        return False

    def commit(self, results: dict) -> dict:
        """Move the temporary files into place; returns ``results`` with the final paths."""
        try:
            for temporary, _final, probe_mtime in self.temp_files:
                if temporary.exists() and temporary.stat().st_size == 0 and \
                        temporary.stat().st_mtime_ns == probe_mtime:
                    os.remove(temporary)  # never written (e.g. written under another suffix)
            for folder in dict.fromkeys(final.parent for _temporary, final, _mtime in self.temp_files):
                for entry in sorted(os.listdir(folder)):
                    if entry.startswith(self.prefix):
                        os.replace(folder / entry, folder / entry[len(self.prefix):])
        except OSError as error:
            self.rollback()
            raise QgsProcessingException(cannot_write_message(self.final_value(error.filename), error)) from None
        self.temp_files = []
        for sink in self.sinks:
            for backup, _place in sink.backups:
                _remove(backup)
        self.sinks = []
        return {key: self.final_value(value) for key, value in results.items()}

    def final_value(self, value):
        """``value`` (a path, a list of paths...) with the temporary names replaced by the final ones."""
        if isinstance(value, str):
            return value.replace(self.prefix, "")
        if isinstance(value, (list, tuple)):
            return type(value)(self.final_value(v) for v in value)
        return value

    def rollback(self) -> None:
        """Remove what the run wrote (called on failure and cancel)."""
        for temporary, _final, _mtime in self.temp_files:
            folder = temporary.parent
            if folder.is_dir():
                for entry in os.listdir(folder):
                    if entry.startswith(self.prefix):
                        _remove(folder / entry)
        self.temp_files = []
        for sink in reversed(self.sinks):
            self._remove_sink(sink)
        self.sinks = []
        for output in self.folders:
            if output.path.is_dir():
                for entry in set(os.listdir(output.path)) - output.before:
                    _remove(output.path / entry)
        self.folders = []
        for folder in reversed(self.folders_created):
            try:
                folder.rmdir()
            except OSError:
                pass
        self.folders_created = []

    def _remove_sink(self, sink: _Sink) -> None:
        path = Path(sink.path)
        if not sink.existed or sink.backups:
            for candidate in _layer_files(path):
                try:
                    candidate.unlink()
                except OSError:
                    pass
            for backup, place in sink.backups:
                try:
                    os.replace(backup, place)
                except OSError:
                    pass
            return
        if sink.layer is not None and not sink.layer_existed and sink.layer in gpkg_tables(path):
            try:
                metadata = QgsProviderRegistry.instance().providerMetadata("ogr")
                metadata.createConnection(str(path), {}).dropVectorTable("", sink.layer)
            except Exception as error:  # the run's own error matters more
                self.feedback.pushWarning(tr("Could not remove the layer “{layer}” from {path}: {error}").format(
                    layer=sink.layer, path=path, error=error))
