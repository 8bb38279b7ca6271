"""Composite indices, 3,000 units x 20 years x 40 indicators: in the core, and through Processing.

Ours: ``core.indices.panel_layers.indices_on_layer`` on a wide table (one row per unit,
800 ``STEM_YYYY`` columns): reshape to long, min–max by direction (pooled), entropy
weights, two indices (10 digital indicators; 30 resilience indicators in 4 dimensions)
with their dimension sub-indices, back to ``STEM_YYYY`` columns. Also the core on the
long panel alone (``build_indices``), and ``processing.run("resilience:compositeindex")``
on the same table as a memory point layer with a memory output, as a user's script runs it
(reading the 2.4 million attribute values through the bridge, the core, writing the 800
input and 120 output fields, the style): the difference to the core row is the cost of
Processing and the layer bridge.

Peers, measured in the same run on the same data:
* a straightforward pandas implementation of the same pipeline (``DataFrame`` min–max,
  entropy with ``np.log`` on the frame, ``dot`` for the indices, ``groupby`` of the
  dimensions) starting from the same long panel;
* pymcdm's ``entropy_weights`` for the weights alone (on the shifted min–max matrix).
"""

from __future__ import annotations

from common import resilience_provider, row, timed


def make_system():
    from digital_resilience.core.indices.system import system_from_rows

    rows = [{"code": f"D{j:02d}", "index": "digital_economy", "dimension": "digital",
             "direction": "+"} for j in range(10)]
    dimensions = ("social", "economic", "infrastructure", "ecological")
    rows += [{"code": f"R{j:02d}", "index": "resilience", "dimension": dimensions[j % 4],
              "direction": "-" if j % 7 == 0 else "+"} for j in range(30)]
    return system_from_rows(rows)


def make_wide(units: int, years: int, codes):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(42)
    columns = {"unit": np.arange(units)}
    for code in codes:
        base = rng.lognormal(0.0, 0.8, units)
        for t in range(years):
            columns[f"{code}_{2001 + t}"] = base * np.exp(0.05 * t + rng.normal(0, 0.1, units))
    return pd.DataFrame(columns)


def pandas_pipeline(long, system, shift=1e-4):
    """The textbook pipeline written plainly with pandas, as an analyst would."""
    import numpy as np
    import pandas as pd

    out = {}
    for index in system.indices:
        data = long[index.codes]
        low, high = data.min(), data.max()
        standardised = (data - low) / (high - low)
        negative = [i.code for i in index.indicators if i.direction < 0]
        standardised[negative] = 1 - standardised[negative]
        shifted = standardised + shift
        p = shifted / shifted.sum()
        entropy = -(p * np.log(p)).sum() / np.log(len(p))
        weights = (1 - entropy) / (1 - entropy).sum()
        out[index.stem] = standardised.dot(weights)
        if len(index.dimensions) > 1:
            for dimension in index.dimensions:
                out[dimension.stem] = standardised[dimension.codes].dot(weights[dimension.codes])
    return pd.DataFrame(out)


def memory_layer(wide):
    """The wide table as a memory point layer (one feature per unit, a Double field per column)."""
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer

    from digital_resilience.processing.qgis_compat import FieldType, new_field

    layer = QgsVectorLayer("Point?crs=EPSG:4326", "wide", "memory")
    columns = [c for c in wide.columns if c != "unit"]
    layer.dataProvider().addAttributes([new_field("unit", FieldType.INT)] +
                                       [new_field(c, FieldType.DOUBLE) for c in columns])
    layer.updateFields()
    values = wide[columns].to_numpy().tolist()
    features = []
    for position, (unit, row_values) in enumerate(zip(wide["unit"].tolist(), values)):
        feature = QgsFeature(layer.fields())
        feature.setAttributes([unit, *row_values])
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(100 + position % 60 * 0.1, 30 + position // 60 * 0.1)))
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    return layer


def through_processing(wide, system, field, expected, size) -> dict:
    """processing.run("resilience:compositeindex") on the wide table as a memory layer."""
    import numpy as np

    resilience_provider()
    import processing

    layer = memory_layer(wide)
    table = []
    for index in system.indices:
        for indicator in index.indicators:
            dimension = next(d.name for d in index.dimensions if indicator.code in d.codes)
            table += [indicator.code, index.name, dimension, "+" if indicator.direction > 0 else "-", ""]
    parameters = {"INPUT": layer, "SYSTEM_TABLE": table, "OUTPUT": "TEMPORARY_OUTPUT"}
    processing.run("resilience:compositeindex", parameters)  # warm-up (imports)
    seconds, result = timed(lambda: processing.run("resilience:compositeindex", parameters))
    output = result["OUTPUT"]
    got = np.array([f[field] for f in output.getFeatures()], dtype=float)
    assert np.allclose(got, expected, atol=1e-10)  # the same index as the core
    return row(f"resilience:compositeindex through processing.run, memory layer to memory output ({size})",
               seconds, notes=f"{output.fields().count()} output fields; includes the layer bridge both ways")


def run(quick: bool = False) -> list[dict]:
    import numpy as np
    import pymcdm

    from digital_resilience.core.indices.composite import IndexOptions, build_indices
    from digital_resilience.core.indices.entropy import entropy_weights
    from digital_resilience.core.indices.panel_layers import indices_on_layer
    from digital_resilience.core.indices.standardise import minmax
    from digital_resilience.core.panel import wide_to_long

    units, years = (600, 10) if quick else (3000, 20)
    system = make_system()
    wide = make_wide(units, years, system.codes)
    long = wide_to_long(wide.set_index("unit"), stems=system.codes)
    size = f"{units:,} units x {years} years x {len(system.codes)} indicators"

    core_wide_s, found = timed(lambda: indices_on_layer(wide, system, IndexOptions()))
    core_s, result = timed(lambda: build_indices(long, system, IndexOptions(), "unit", "year"))
    pandas_s, expected = timed(lambda: pandas_pipeline(long, system))
    for stem in expected.columns:  # the peer must agree, or the timing means nothing
        assert np.allclose(result.scores[stem].to_numpy(), expected[stem].to_numpy(), atol=1e-10), stem

    matrix = minmax(long[system.codes].to_numpy(float), np.ones(len(system.codes)))
    ours_w_s, ours_w = timed(lambda: entropy_weights(matrix, 1e-4).weights, 5)
    pymcdm_s, theirs_w = timed(lambda: pymcdm.weights.entropy_weights(matrix + 1e-4), 5)
    assert np.allclose(ours_w, theirs_w, atol=1e-12)
    field = f"{system.indices[-1].stem}_{2000 + years}"
    processing_row = through_processing(wide, system, field, found.frame[field].to_numpy(), size)
    return [
        {"benchmark": f"composite indices in the core, wide table to STEM_YYYY fields ({size})",
         "ours_s": core_wide_s, "peer": "plain pandas pipeline (long panel, no reshaping)", "peer_s": pandas_s,
         "ratio": pandas_s / core_wide_s,
         "notes": f"{len(found.aliases)} STEM_YYYY output fields; core only (no QGIS layers)"},
        processing_row,
        {"benchmark": f"composite indices, core on the long panel ({size})", "ours_s": core_s,
         "peer": "plain pandas pipeline", "peer_s": pandas_s, "ratio": pandas_s / core_s,
         "notes": "same numbers (checked to 1e-10)"},
        {"benchmark": f"entropy weights of a {matrix.shape[0]:,} x {matrix.shape[1]} matrix", "ours_s": ours_w_s,
         "peer": "pymcdm.weights.entropy_weights", "peer_s": pymcdm_s, "ratio": pymcdm_s / ours_w_s,
         "notes": "same weights (checked to 1e-12)"},
    ]
