"""Parameter names are written once: class constants of the algorithm (``self.KIND``) or module
constants of a shared parameter group (``parameters/autocorrelation.py: PERMUTATIONS``), never a
string literal where the parameter is declared or read (DEVELOPING.md, "Where code goes")."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
READERS = re.compile(r"^(parameterAs\w+|parameterDefinition|field_name|parameter_as_strings|chosen|chosen_many)$")


def literal_names(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        declares = name.startswith("QgsProcessingParameter") or name == "enum_parameter"
        if not (declares or READERS.match(name)):
            continue
        arguments = node.args[:1] if declares else node.args[:3]
        arguments += [k.value for k in node.keywords if k.arg == "parentLayerParameterName"]
        found += [f"{path.relative_to(ROOT)}:{node.lineno} {a.value}" for a in arguments
                  if isinstance(a, ast.Constant) and isinstance(a.value, str) and NAME.match(a.value)]
    return found


def test_no_parameter_name_is_a_string_literal():
    files = sorted((ROOT / "processing" / "algorithms").glob("*.py")) + sorted(
        (ROOT / "processing" / "parameters").glob("*.py")) + sorted((ROOT / "processing" / "reports").glob("*.py"))
    assert [hit for path in files for hit in literal_names(path)] == []
