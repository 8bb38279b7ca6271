"""Weights files in GeoDa's formats (GAL for contiguity, GWT for weighted kinds), plus
a CSV edge list; reading back checks the ids against the layer.

GAL::

    0 367 china_cities adcode      (header: 0, unit count, layer name, id field)
    110000 2                       (unit id, number of neighbours)
    120000 130000                  (their ids)

GWT::

    0 367 china_cities adcode
    110000 120000 1.0              (unit id, neighbour id, weight)

Both are what GeoDa writes and libpysal reads (``libpysal.io.open``). Units without
neighbours appear in a GAL file with a count of 0; a GWT file cannot list them, so
its reader takes the unit list from the layer.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from ..errors import InputError, Message, preview
from .model import SpatialWeights


def _id_text(value) -> str:
    text = str(value)
    if " " in text or "\t" in text:
        raise InputError(
            "Unit id “{value}” contains a space, which GAL/GWT files cannot hold; "
            "choose an id field without spaces (e.g. a code).",
            value=text,
        )
    return text


def write_gal(weights: SpatialWeights, path, layer: str = "layer", id_field: str = "id") -> None:
    ids = [_id_text(i) for i in weights.ids]
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(f"0 {weights.n} {_id_text(layer)} {_id_text(id_field)}\n")
        for position, unit in enumerate(ids):
            neighbours = weights.neighbours(position)
            out.write(f"{unit} {len(neighbours)}\n")
            out.write(" ".join(ids[j] for j in neighbours) + "\n")


def write_gwt(weights: SpatialWeights, path, layer: str = "layer", id_field: str = "id") -> None:
    ids = [_id_text(i) for i in weights.ids]
    coo = weights.matrix.tocoo()
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(f"0 {weights.n} {_id_text(layer)} {_id_text(id_field)}\n")
        for i, j, value in zip(coo.row, coo.col, coo.data):
            out.write(f"{ids[i]} {ids[j]} {value:.12g}\n")


def save_weights(weights: SpatialWeights, path, layer: str = "layer", id_field: str = "id") -> str:
    """Write ``weights`` to ``path``: GAL when they are binary and the name does not end in .gwt,
    else GWT (a .gal name becomes .gwt: GAL files hold no weights). Returns the path written."""
    path = str(path)
    binary = bool(np.all(weights.matrix.data == 1.0))
    if not binary and not path.lower().endswith(".gwt"):
        path = str(Path(path).with_suffix(".gwt"))
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    writer = write_gwt if path.lower().endswith(".gwt") else write_gal
    writer(weights, path, layer, id_field)
    return path


def write_edge_list(weights: SpatialWeights, path, transform: str | None = "O") -> None:
    """CSV ``focal,neighbor,weight`` (original weights unless ``transform`` says otherwise)."""
    coo = weights.transformed(transform).tocoo()
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["focal", "neighbor", "weight"])
        for i, j, value in zip(coo.row, coo.col, coo.data):
            writer.writerow([weights.ids[i], weights.ids[j], f"{value:.12g}"])


def _header(tokens: list[str]) -> int:
    """Unit count from a GAL/GWT header (``n`` or ``0 n layer id_field``)."""
    numbers = [t for t in tokens if t.lstrip("-").isdigit()]
    if len(tokens) == 1 and numbers:
        return int(tokens[0])
    if len(tokens) >= 2 and tokens[1].isdigit():
        return int(tokens[1])
    raise InputError("The weights file does not start with a GAL/GWT header (e.g. “0 367 layer id”).")


def read_weights_file(path, layer_ids) -> SpatialWeights:
    """Read a GAL or GWT file and align it to ``layer_ids`` (the layer's unit ids, in order).

    Every id in the file must be a layer id and every layer id must be in the file
    (a GWT file may omit units without neighbours); otherwise the error lists them.
    """
    path = Path(path)
    if not path.exists():
        raise InputError("The weights file {path} does not exist.", path=str(path))
    suffix = path.suffix.lower()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise _damaged(Message("The weights file {path} is not a text file (byte {position} is invalid).",
                               path=path.name, position=error.start)) from None
    raw_lines = text.splitlines()
    lines = [line.split() for line in raw_lines if line.strip()]
    if not lines:
        raise InputError("The weights file {path} is empty.", path=str(path))
    last_line = max(number for number, line in enumerate(raw_lines, start=1) if line.strip())
    count = _header(lines[0])
    layer_ids = np.asarray(layer_ids)
    position = {str(unit): i for i, unit in enumerate(layer_ids)}
    if suffix == ".gal":
        links, listed, headers = _parse_gal(lines, path.name)
    elif suffix == ".gwt":
        links, listed = _parse_gwt(lines, path.name)
        headers = None  # a GWT file cannot list units without neighbours
    else:
        raise InputError("Weights files must be .gal or .gwt; got {path}.", path=str(path))
    if headers is not None and len(headers) < count:
        raise _damaged(Message("The weights file {path} is truncated: its header announces {count} units but it "
                               "ends at line {line} after {found} (an incomplete copy or download?).",
                               path=path.name, count=count, line=last_line, found=len(headers)))
    unknown = {unit for unit in listed if unit not in position}
    if unknown and not text.endswith(("\n", "\r")) and unknown <= set(lines[-1]):
        raise _damaged(Message("The weights file {path} is truncated or damaged: it ends in the middle of line "
                               "{line} (“{text}”).", path=path.name, line=last_line, text=" ".join(lines[-1])))
    rows, cols, values = [], [], []
    for unit, other, value in links:
        if unit in position and other in position:
            rows.append(position[unit])
            cols.append(position[other])
            values.append(value)
    if unknown:
        raise InputError(
            "The weights file {path} has {count} id(s) that are not in the layer: {ids}. "
            "Choose the id field the file was built with, or rebuild the weights for this layer.",
            path=path.name,
            count=len(unknown),
            ids=preview(sorted(unknown)),
        )
    if count != len(layer_ids):
        raise InputError(
            "The weights file {path} is for {count} units but the layer has {n}; "
            "rebuild the weights for this layer (or check its filter and selection).",
            path=path.name,
            count=count,
            n=len(layer_ids),
        )
    if headers is not None:
        absent = [str(u) for u in layer_ids if str(u) not in headers]
        if absent:
            raise InputError(
                "The weights file {path} has no entry for {count} unit(s) of the layer: {ids}.",
                path=path.name,
                count=len(absent),
                ids=preview(absent),
            )
    n = len(layer_ids)
    matrix = sp.csr_matrix((values, (rows, cols)), shape=(n, n))
    return SpatialWeights(layer_ids, matrix, f"file:{path.name}", "R", {"path": str(path)})


def _damaged(problem: Message) -> InputError:
    """An error for a malformed line: the problem, then the same advice for every one."""
    return InputError("{problem} Rebuild the file with Spatial weights (or GeoDa).", problem=problem)


def _parse_gal(lines: list[list[str]], path: str):
    """(unit, neighbour, 1.0) links, every unit named and the units with an entry; checks counts."""
    links, listed, headers = [], set(), set()
    k = 1
    while k < len(lines):
        tokens = lines[k]
        if len(tokens) != 2 or not tokens[1].isdigit():
            raise _damaged(Message("The weights file {path} is damaged at line {line}: expected a unit id and "
                                   "its number of neighbours, found “{text}”.", path=path, line=k + 1,
                                   text=" ".join(tokens)))
        unit, declared = tokens[0], int(tokens[1])
        if unit in headers:
            raise _damaged(Message("The weights file {path} lists unit {unit} twice (line {line}).", path=path,
                                   line=k + 1, unit=unit))
        headers.add(unit)
        neighbours = lines[k + 1] if declared and k + 1 < len(lines) else []  # empty lines were dropped
        if len(neighbours) != declared:
            raise _damaged(Message("The weights file {path} is damaged at line {line}: unit {unit} should have "
                                   "{declared} neighbour(s) but {found} are listed.", path=path, line=k + 2,
                                   unit=unit, declared=declared, found=len(neighbours)))
        k += 2 if declared else 1
        listed.add(unit)
        listed.update(neighbours)
        links.extend((unit, other, 1.0) for other in neighbours)
    return links, listed, headers


def _parse_gwt(lines: list[list[str]], path: str):
    """(unit, neighbour, weight) links and every unit named; checks each line."""
    links, listed, seen = [], set(), set()
    for number, tokens in enumerate(lines[1:], start=2):
        if len(tokens) < 3:
            raise _damaged(Message("The weights file {path} is damaged at line {line}: expected a unit id, a "
                                   "neighbour id and a weight, found “{text}”.", path=path, line=number,
                                   text=" ".join(tokens)))
        unit, other = tokens[0], tokens[1]
        try:
            value = float(tokens[2])
        except ValueError:
            value = float("nan")
        if not np.isfinite(value):
            raise _damaged(Message("The weights file {path} is damaged at line {line}: the weight “{text}” is "
                                   "not a finite number.", path=path, line=number, text=tokens[2]))
        if (unit, other) in seen:
            raise _damaged(Message("The weights file {path} lists the link {unit}–{other} twice (line {line}).",
                                   path=path, line=number, unit=unit, other=other))
        seen.add((unit, other))
        listed.update((unit, other))
        links.append((unit, other, value))
    return links, listed
