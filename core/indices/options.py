"""The choices of the index algorithms (composite index, join table, zonal statistics).

No heavy imports: QGIS reads them when it lists the algorithms. Each tuple is the order of a
Processing enum parameter's options, whose index models and scripts store: append only, never
reorder (tests/core/test_option_orders.py pins them).
"""

#: Weighting methods (METHOD), core.indices.composite.
METHODS = ("entropy", "critic", "cv", "equal", "user")
#: Standardisation of the indicators (STANDARDISATION).
STANDARDISATIONS = ("minmax", "zscore")
#: Pooled city-years or each year separately (POOLING).
POOLING = ("pooled", "per_year")
#: Missing values (MISSING), core.indices.missing.
MISSING_POLICIES = ("error", "drop", "fill_year_mean")
#: Join a table by code or by name (JOIN_BY), core.indices.join.
JOIN_BY = ("code", "name")
#: The joined layer: a field per indicator and year, or a feature per city and year (SHAPE).
OUTPUT_SHAPES = ("wide", "long")
#: The shape of an indicator table (LAYOUT), core.indices.table_shapes.
TABLE_SHAPES = ("auto", "long", "wide", "wide_years")
#: Text encodings of a CSV table (ENCODING), core.indices.encoding.
ENCODINGS = ("auto", "utf-8", "gb18030", "big5", "latin-1")
#: Zonal statistics (STATISTICS), core.indices.zonal.
ZONAL_STATISTICS = ("mean", "sum", "count", "min", "max", "share")
