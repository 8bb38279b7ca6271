"""Translations: extract every user-visible string into Qt .ts files, compile them to .qm.

    python scripts/i18n.py update [--locale zh_CN ...]   # (re)extract; keeps existing translations
    python scripts/i18n.py compile                        # .ts -> .qm (Qt's lrelease)
    python scripts/i18n.py check                          # exit 1: a string missing or unfinished, a run-time template

pylupdate5 only sees ``tr()`` calls it can parse and knows nothing of the core's
``InputError`` templates, which the Processing layer translates in the context ``core``
(``processing/algorithm.py: error_text``). This extractor reads the Python sources with
:mod:`ast` and finds:

* ``self.tr("…")`` in a class: context = the class name (``ResilienceAlgorithm.tr`` keys on
  the concrete class); ``self.tr("…", "Ctx")`` names its context;
* the algorithms' ``DISPLAY_NAME``, ``SHORT_DESCRIPTION``, ``HELP`` and ``TAGS`` class attributes (translated through
  ``self.tr``);
* calls of module functions that wrap ``QCoreApplication.translate`` (``tr``, ``translate``,
  ``style_tr`` …; their context is read from the wrapper), of a module's
  ``tr = translator("Ctx")`` (``processing/translation.py``) and direct
  ``QCoreApplication.translate("Ctx", "…")`` calls;
* ``InputError("template", …)`` and ``Message("template", …)`` (``core/errors.py``: notes,
  warnings and labels of the core, translated by ``processing/algorithm.py: core_text``):
  context ``core``; so is ``tr("…")`` in a core module (a translator passed in by the
  Processing layer, e.g. ``core/econometrics/report.py``; ``tr("…", "ctx")``: context ``ctx``,
  for a word the core uses in two senses);
* ``algorithm.tr("…")`` or ``tr("…")`` after ``tr = algorithm.tr`` in a module-level helper
  of an algorithm's module: context = that module's algorithm class;
* the few strings that are translated from a variable, listed in :data:`DYNAMIC`.

Templates must be literals: ``check`` (and the test suite) also lists every
``InputError``/``Message`` whose template is built at run time, which no extractor sees.

The .ts files (``resources/i18n/digital_resilience_<locale>.ts``) are Qt Linguist's format:
translators edit them in Linguist or any text editor. Standard library only (plus
``lrelease`` from Debian's qttools5-dev-tools for ``compile``).
"""

from __future__ import annotations

import argparse
import ast
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "resources" / "i18n"
SOURCES = ("__init__.py", "core", "processing", "plugin")
LOCALES = ("zh_CN",)
ALGORITHM_ATTRIBUTES = ("DISPLAY_NAME", "SHORT_DESCRIPTION", "HELP", "TAGS")

#: Strings translated from a variable: (file, kind, name, context).
#: "dict" = the values of a module-level dict; "rows" = the label of each (label, value)
#: pair that a function builds.
DYNAMIC = (
    ("processing/algorithm.py", "dict", "GROUPS", "ResilienceAlgorithm"),
    ("core/weights/summary.py", "rows", "as_rows", "core"),
    ("core/coverage/analysis.py", "rows", "as_rows", "core"),
    ("core/coverage/redundancy.py", "rows", "as_rows", "core"),
    ("core/coverage/county_target.py", "rows", "as_rows", "core"),
)


@dataclass(frozen=True)
class Message:
    context: str
    source: str
    filename: str
    line: int


def _string(node) -> str | None:
    """The value of a string literal (implicit concatenations are one Constant in ast)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _is_qt_translate(call: ast.Call) -> bool:
    func = call.func
    return (isinstance(func, ast.Attribute) and func.attr == "translate"
            and isinstance(func.value, ast.Name) and func.value.id == "QCoreApplication")


def _wrappers(tree: ast.Module) -> dict[str, tuple[int, str | None, int | None]]:
    """Module functions wrapping QCoreApplication.translate: name -> (text argument index,
    fixed or default context, context argument index or None)."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and isinstance(
                node.value.func, ast.Name) and node.value.func.id == "translator" and node.value.args:
            context = _string(node.value.args[0])  # tr = translator("Ctx")
            found.update({target.id: (0, context, None) for target in node.targets
                          if isinstance(target, ast.Name) and context})
            continue
        if not isinstance(node, ast.FunctionDef):
            continue
        params = [a.arg for a in node.args.args]
        defaults = dict(zip(params[len(params) - len(node.args.defaults):], node.args.defaults))
        for call in ast.walk(node):
            if not (isinstance(call, ast.Call) and _is_qt_translate(call) and len(call.args) >= 2):
                continue
            context_node, text_node = call.args[0], call.args[1]
            if not (isinstance(text_node, ast.Name) and text_node.id in params):
                continue
            text_index = params.index(text_node.id)
            fixed = _string(context_node)
            if fixed is not None:
                found[node.name] = (text_index, fixed, None)
            elif isinstance(context_node, ast.Name) and context_node.id in params:
                default = _string(defaults.get(context_node.id))
                found[node.name] = (text_index, default, params.index(context_node.id))
    return found


#: Calls whose first argument is a core template (context ``core``): ``AtBound`` is an ``InputError``
#: (core/econometrics/likelihood.py).
CORE_TEMPLATES = ("InputError", "AtBound", "Message")


def _algorithm_class(tree: ast.Module) -> str | None:
    """The module's algorithm class (the one class with a ``NAME`` attribute), if exactly one."""
    found = [node.name for node in tree.body if isinstance(node, ast.ClassDef) and any(
        isinstance(s, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "NAME" for t in s.targets)
        for s in node.body)]
    return found[0] if len(found) == 1 else None


class _Visitor(ast.NodeVisitor):
    def __init__(self, filename: str, wrappers: dict, algorithm: str | None = None):
        self.filename = filename
        self.wrappers = wrappers
        self.algorithm = algorithm
        self.core = filename.startswith("core/")
        self.classes: list[str] = []
        self.aliases: list[set] = []  # per function: local names bound to ``<algorithm>.tr``
        self.messages: list[Message] = []
        self.computed: list[tuple[str, int, str]] = []  # templates built at run time

    def add(self, context, node, line) -> None:
        text = _string(node)
        if context and text:
            self.messages.append(Message(context, text, self.filename, line))

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes.append(node.name)
        attributes = {}
        for statement in node.body:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(
                    statement.targets[0], ast.Name):
                attributes[statement.targets[0].id] = statement
        if "NAME" in attributes:  # an algorithm: DISPLAY_NAME, HELP, TAGS go through self.tr
            for name in ALGORITHM_ATTRIBUTES:
                if name in attributes:
                    self.add(node.name, attributes[name].value, attributes[name].lineno)
        self.generic_visit(node)
        self.classes.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        aliases = {target.id for statement in ast.walk(node) if isinstance(statement, ast.Assign)
                   and isinstance(statement.value, ast.Attribute) and statement.value.attr == "tr"
                   for target in statement.targets if isinstance(target, ast.Name)}
        self.aliases.append(aliases)
        self.generic_visit(node)
        self.aliases.pop()

    def _helper_alias(self, func) -> bool:
        """``algorithm.tr`` (not ``self``) or a local alias of it, outside the class."""
        if isinstance(func, ast.Attribute) and func.attr == "tr" and isinstance(func.value, ast.Name):
            return func.value.id != "self"
        return isinstance(func, ast.Name) and bool(self.aliases) and func.id in self.aliases[-1]

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "tr" and isinstance(func.value, ast.Name) \
                and func.value.id == "self" and node.args and self.classes:
            context = _string(node.args[1]) if len(node.args) > 1 else None
            self.add(context or self.classes[-1], node.args[0], node.lineno)
        elif self.algorithm and not self.classes and node.args and self._helper_alias(func):
            self.add(self.algorithm, node.args[0], node.lineno)
        elif self.core and isinstance(func, ast.Name) and func.id == "tr" and node.args:
            context = _string(node.args[1]) if len(node.args) > 1 else None
            self.add(context or "core", node.args[0], node.lineno)
        elif _is_qt_translate(node) and len(node.args) >= 2:
            self.add(_string(node.args[0]), node.args[1], node.lineno)
        elif isinstance(func, ast.Name) and func.id in self.wrappers and node.args:
            text_index, context, context_index = self.wrappers[func.id]
            if context_index is not None:
                if len(node.args) > context_index:
                    context = _string(node.args[context_index]) or context
                for keyword in node.keywords:
                    if keyword.arg == "context":
                        context = _string(keyword.value) or context
            if len(node.args) > text_index:
                self.add(context, node.args[text_index], node.lineno)
        elif isinstance(func, ast.Name) and func.id in CORE_TEMPLATES:
            if node.args and _string(node.args[0]) is not None:
                self.add("core", node.args[0], node.lineno)
            elif self.filename != "core/errors.py":  # where Message rebuilds itself (pickling, joining)
                self.computed.append((self.filename, node.lineno, ast.unparse(node)[:80]))
        self.generic_visit(node)


def _dynamic(tree: ast.Module, filename: str, kind: str, name: str, context: str) -> list[Message]:
    messages = []
    for node in ast.walk(tree):
        if kind == "dict" and isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets) and isinstance(node.value, ast.Dict):
            messages += [Message(context, _string(v), filename, v.lineno) for v in node.value.values if _string(v)]
        if kind == "rows" and isinstance(node, ast.FunctionDef) and node.name == name:
            for item in ast.walk(node):  # every (label, value) pair the function builds
                if isinstance(item, ast.Tuple) and len(item.elts) == 2 and _string(item.elts[0]):
                    messages.append(Message(context, _string(item.elts[0]), filename, item.lineno))
    return messages


def python_files(root: Path = ROOT) -> list[Path]:
    files = []
    for name in SOURCES:
        path = root / name
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return [f for f in files if "__pycache__" not in f.parts]


def _visit(root: Path = ROOT):
    for path in python_files(root):
        filename = path.relative_to(root).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename)
        visitor = _Visitor(filename, _wrappers(tree), _algorithm_class(tree))
        visitor.visit(tree)
        yield filename, tree, visitor


def computed_templates(root: Path = ROOT) -> list[tuple[str, int, str]]:
    """(file, line, call) of every ``InputError``/``Message`` whose template is not a literal:
    the extractor cannot see those, so they would stay English."""
    return [item for _, _, visitor in _visit(root) for item in visitor.computed]


def model_messages(root: Path = ROOT) -> list[Message]:
    """Input and output descriptions and enum options of the shipped models
    (``resources/models/*.model3``), translated by ``processing/models.translate_texts``."""
    import xml.etree.ElementTree as ElementTree

    messages = []
    for path in sorted((root / "resources" / "models").glob("*.model3")):
        filename = path.relative_to(root).as_posix()
        for option in ElementTree.parse(path).iter("Option"):
            texts = []
            if option.get("name") in ("description", "help") and option.get("value"):
                texts = [option.get("value")]
            elif option.get("name") == "options" and option.get("type") == "StringList":
                texts = [item.get("value") for item in option if item.get("value")]
            messages += [Message("ResilienceModel", text, filename, 0) for text in texts]
    return messages


def extract(root: Path = ROOT) -> list[Message]:
    """Every translatable string of the plugin, in source order, duplicates removed."""
    messages: list[Message] = []
    for filename, tree, visitor in _visit(root):
        messages += visitor.messages
        for file, kind, name, context in DYNAMIC:
            if file == filename:
                messages += _dynamic(tree, filename, kind, name, context)
    messages += model_messages(root)
    seen, unique = set(), []
    for message in messages:
        if (message.context, message.source) not in seen:
            seen.add((message.context, message.source))
            unique.append(message)
    return unique


# ----------------------------------------------------------------------- .ts files
def ts_path(locale: str) -> Path:
    return I18N / f"digital_resilience_{locale}.ts"


def read_ts(path: Path) -> dict[tuple[str, str], tuple[str, str | None]]:
    """{(context, source): (translation, type)} of a .ts file (type None = finished)."""
    if not path.exists():
        return {}
    found = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            found[(name, message.findtext("source") or "")] = (
                (translation.text or "") if translation is not None else "",
                translation.get("type") if translation is not None else "unfinished")
    return found


def write_ts(path: Path, locale: str, messages: list[Message], old: dict) -> tuple[int, int]:
    """Write the .ts: extracted messages with their existing translations; translations whose
    source vanished are kept as ``type="vanished"`` for the translator. Returns (total, unfinished)."""
    root = ET.Element("TS", version="2.1", language=locale)
    contexts: dict[str, ET.Element] = {}
    unfinished = 0
    current = set()
    for message in sorted(messages, key=lambda m: m.context):
        current.add((message.context, message.source))
        context = contexts.get(message.context)
        if context is None:
            context = contexts[message.context] = ET.SubElement(root, "context")
            ET.SubElement(context, "name").text = message.context
        element = ET.SubElement(context, "message")
        ET.SubElement(element, "location", filename=f"../../{message.filename}", line=str(message.line))
        ET.SubElement(element, "source").text = message.source
        text, kind = old.get((message.context, message.source), ("", "unfinished"))
        translation = ET.SubElement(element, "translation")
        translation.text = text
        if not text or kind == "unfinished":
            translation.set("type", "unfinished")
            unfinished += 1
    for (context_name, source), (text, _kind) in sorted(old.items()):
        if (context_name, source) in current or not text:
            continue
        context = contexts.get(context_name)
        if context is None:
            context = contexts[context_name] = ET.SubElement(root, "context")
            ET.SubElement(context, "name").text = context_name
        element = ET.SubElement(context, "message")
        ET.SubElement(element, "source").text = source
        ET.SubElement(element, "translation", type="vanished").text = text
    ET.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
        handle.write(ET.tostring(root, encoding="unicode"))
        handle.write("\n")
    return len(messages), unfinished


def lrelease_binary() -> str | None:
    for name in ("lrelease", "lrelease-qt5", "/usr/lib/qt5/bin/lrelease"):
        found = shutil.which(name)
        if found:
            return found
    return None


def compile_ts(ts: Path, qm: Path | None = None) -> Path:
    qm = qm or ts.with_suffix(".qm")
    binary = lrelease_binary()
    if binary is None:
        raise SystemExit("lrelease not found: install Debian's qttools5-dev-tools (make setup does).")
    subprocess.run([binary, "-silent", "-nounfinished", "-removeidentical", str(ts), "-qm", str(qm)], check=True)
    return qm


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("update", "compile", "check"))
    parser.add_argument("--locale", action="append", help="locale(s), default: " + ", ".join(LOCALES))
    args = parser.parse_args(argv)
    locales = args.locale or list(LOCALES)
    if args.command == "compile":
        for locale in locales:
            print(compile_ts(ts_path(locale)))
        return 0
    messages = extract()
    status = 0
    for filename, line, call in computed_templates():
        print(f"{filename}:{line}: the template of {call} is built at run time; write it as one literal")
        status |= args.command == "check"
    for locale in locales:
        path = ts_path(locale)
        old = read_ts(path)
        if args.command == "check":
            missing = [m for m in messages if (m.context, m.source) not in old]
            for m in missing:
                print(f"{m.filename}:{m.line}: [{m.context}] {m.source[:70]!r} is not in {path.name}")
            unfinished = [key for key, (_, kind) in old.items() if kind == "unfinished"]
            if unfinished:
                print(f"{path.name}: {len(unfinished)} string(s) still to translate")
            status |= bool(missing) or bool(unfinished)
            continue
        total, unfinished = write_ts(path, locale, messages, old)
        print(f"{path}: {total} strings, {unfinished} to translate")
    return status


if __name__ == "__main__":
    sys.exit(main())
