"""GAL/GWT files: written for libpysal and GeoDa, read back with checks against the layer.

References: libpysal's own GAL/GWT reader and writer (``libpysal.io.open``), and files
written out by hand in the tests.
"""

from __future__ import annotations

import numpy as np
import pytest

from digital_resilience.core.errors import InputError
from digital_resilience.core.geodesy import Metric
from digital_resilience.core.weights.files import read_weights_file, write_edge_list, write_gwt
from digital_resilience.core.weights.inverse_distance import inverse_distance

PLANAR = Metric(False, None, None, "unit")


@pytest.fixture()
def inverse():
    rng = np.random.default_rng(2)
    x, y = rng.uniform(0, 10, 30), rng.uniform(0, 10, 30)
    return inverse_distance(x, y, np.arange(100, 130), PLANAR, power=1.5, cutoff=3.0)


def test_gwt_keeps_the_weights_for_libpysal_and_for_us(inverse, tmp_path):
    import libpysal

    path = tmp_path / "w.gwt"
    write_gwt(inverse, path, "layer", "code")
    back = read_weights_file(path, inverse.ids)
    assert np.allclose(back.transformed("O").toarray(), inverse.matrix.toarray(), rtol=1e-11)
    peer = libpysal.io.open(str(path)).read()
    for position, unit in enumerate(inverse.ids):
        row = inverse.matrix.getrow(position)
        expected = {str(inverse.ids[j]): v for j, v in zip(row.indices, row.data)}
        got = dict(zip(map(str, peer.neighbors.get(str(unit), [])), peer.weights.get(str(unit), [])))
        assert got.keys() == expected.keys()
        assert np.allclose([got[k] for k in expected], list(expected.values()), rtol=1e-11)


def test_files_written_by_libpysal_are_read(inverse, tmp_path):
    import libpysal

    w = inverse.to_libpysal()
    w.transform = "o"
    for suffix in ("gal", "gwt"):
        path = tmp_path / f"peer.{suffix}"
        out = libpysal.io.open(str(path), "w")
        out.write(w)
        out.close()
        back = read_weights_file(path, inverse.ids)
        expected = inverse.matrix.toarray() if suffix == "gwt" else (inverse.matrix.toarray() > 0) * 1.0
        # libpysal writes GWT weights with 6 decimals.
        assert np.allclose(back.transformed("O").toarray(), expected, rtol=1e-5, atol=1e-6)


def test_edge_list_has_the_original_weights(inverse, tmp_path):
    import pandas as pd

    path = tmp_path / "edges.csv"
    write_edge_list(inverse, path)
    edges = pd.read_csv(path)
    assert list(edges.columns) == ["focal", "neighbor", "weight"]
    assert len(edges) == inverse.n_links
    position = {u: i for i, u in enumerate(inverse.ids)}
    values = inverse.matrix.toarray()
    assert np.allclose([values[position[a], position[b]] for a, b in zip(edges.focal, edges.neighbor)],
                       edges.weight, rtol=1e-11)


GOOD_GAL = "0 3 layer id\na 1\nb\nb 2\na c\nc 1\nb\n"


@pytest.mark.parametrize(("name", "text", "ids", "message"), [
    ("w.gal", GOOD_GAL, ["a", "b", "x"], r"has 1 id\(s\) that are not in the layer: c\. Choose the id field"),
    ("w.gal", GOOD_GAL, ["a", "b", "c", "d"], r"is for 3 units but the layer has 4"),
    ("w.gal", "0 3 layer id\na 1\nb\nb 1\na\n", ["a", "b", "c"],
     r"is truncated: its header announces 3 units but it ends at line 5 after 2"),
    # cut in the middle of an id (430600 → 4306): was "1 id not in the layer: 4306"
    ("w.gal", "0 3 layer id\n430100 1\n430200\n430200 2\n430100 430600\n430600 2\n430100 4306",
     ["430100", "430200", "430600"], r"is truncated or damaged: it ends in the middle of line 7 \(“430100 4306”\)"),
    ("w.gal", "0 3 layer id\n430100 1\n430200\n430200 2\n430100 4306", ["430100", "430200", "430600"],
     r"is truncated: its header announces 3 units but it ends at line 5 after 2"),
    ("w.gwt", "0 2 layer id\na b 0.5\nb a 0.5\nc", ["a", "b"], r"damaged at line 4: expected a unit id"),
    ("w.gal", "0 3 layer id\na 2\nb\nb 1\na\nc 0\n", ["a", "b", "c"],
     r"damaged at line 3: unit a should have 2 neighbour\(s\) but 1 are listed"),
    ("w.gal", "0 2 layer id\na 1\nb\na 1\nb\n", ["a", "b"], r"lists unit a twice \(line 4\)"),
    ("w.gal", "0 2 layer id\na one\nb\n", ["a", "b"], r"damaged at line 2: expected a unit id and its number"),
    ("w.gal", "", ["a"], r"is empty"),
    ("w.gal", "layer id\n", ["a"], r"does not start with a GAL/GWT header"),
    ("w.gwt", "0 2 layer id\na b 0.5\nb a x\n", ["a", "b"], r"line 3: the weight “x” is not a finite number"),
    ("w.gwt", "0 2 layer id\na b 0.5\na b 0.5\n", ["a", "b"], r"lists the link a–b twice \(line 3\)"),
    ("w.gwt", "0 2 layer id\na b\n", ["a", "b"], r"line 2: expected a unit id, a neighbour id and a weight"),
    ("w.txt", GOOD_GAL, ["a", "b", "c"], r"must be \.gal or \.gwt"),
])
def test_bad_weights_files_are_named(tmp_path, name, text, ids, message):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_weights_file(path, np.array(ids))


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(InputError, match=r"does not exist"):
        read_weights_file(tmp_path / "none.gal", np.array(["a"]))


def test_a_good_hand_written_gal_is_read_in_the_layers_order(tmp_path):
    path = tmp_path / "w.gal"
    path.write_text(GOOD_GAL, encoding="utf-8")
    weights = read_weights_file(path, np.array(["c", "b", "a"]))
    assert weights.matrix.toarray().tolist() == [[0, 1, 0], [1, 0, 1], [0, 1, 0]]


def test_histogram_chart_draws_one_bar_per_count_and_islands_in_grey():
    import re

    from digital_resilience.core.weights.chart import ISLAND, histogram_svg

    svg = histogram_svg({0: 1, 1: 11, 2: 15, 5: 75, 14: 1}, "Neighbours", "Units")
    bars = re.findall(r'<rect [^>]*fill="(#[0-9A-Fa-f]+)"><title>(\d+): (\d+)</title>', svg)
    assert [(int(c), int(u)) for _, c, u in bars] == [(0, 1), (1, 11), (2, 15), (5, 75), (14, 1)]
    assert bars[0][0] == ISLAND and {colour.lower() for colour, _, _ in bars[1:]} == {"#3a6ea5"}
    heights = {int(count): float(height)
               for height, count in re.findall(r'height="([\d.]+)" fill="[^"]+"><title>(\d+):', svg)}
    assert heights[5] == pytest.approx(75 * heights[1] / 11, rel=1e-2)  # bars proportional to counts
