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

from ..errors import InputError, preview
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
    lines = [line.split() for line in path.read_text(encoding="utf-8-sig").splitlines() if line.strip()]
    if not lines:
        raise InputError("The weights file {path} is empty.", path=str(path))
    count = _header(lines[0])
    layer_ids = np.asarray(layer_ids)
    position = {str(unit): i for i, unit in enumerate(layer_ids)}
    rows, cols, values, listed = [], [], [], set()
    unknown = set()
    if suffix == ".gal":
        body, k = lines[1:], 0
        while k < len(body):
            unit, declared = body[k][0], int(body[k][1])
            neighbours = body[k + 1] if declared else []  # empty lines were dropped
            k += 2 if declared else 1
            listed.add(unit)
            if unit not in position:
                unknown.add(unit)
            for other in neighbours:
                if unit in position and other in position:
                    rows.append(position[unit])
                    cols.append(position[other])
                    values.append(1.0)
                elif other not in position:
                    unknown.add(other)
        kind = "gal"
    elif suffix == ".gwt":
        for tokens in lines[1:]:
            unit, other, value = tokens[0], tokens[1], float(tokens[2])
            listed.update((unit, other))
            if unit in position and other in position:
                rows.append(position[unit])
                cols.append(position[other])
                values.append(value)
            else:
                unknown.update(u for u in (unit, other) if u not in position)
        kind = "gwt"
    else:
        raise InputError("Weights files must be .gal or .gwt; got {path}.", path=str(path))
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
    if kind == "gal":
        absent = [str(u) for u in layer_ids if str(u) not in listed]
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
