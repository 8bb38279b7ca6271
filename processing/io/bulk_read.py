"""Read a whole GeoPackage layer column by column through GDAL instead of feature by feature.

Why: reading a layer through QGIS's feature API costs a Python call per feature and a
conversion per value: 2.7 s for 100,000 squares with their geometries and 20 fields, more than
QGIS's own copy of the whole layer (``native:savefeatures``, read and write: 2.3–2.6 s), and
1.5 s for the 3,000 × 800 values of a wide indicator table. GDAL's columnar reader
(``OGRLayer::GetArrowStream``, GDAL ≥ 3.6, the GDAL QGIS itself runs on) gives the same values
as numpy arrays in about 0.2 s and 0.05 s (``bench/bench_endtoend.py`` measures both paths).

When: only where reading through QGIS gives exactly the same frame, so that no result depends
on the path. :func:`mark` remembers, on the feature source of a Processing parameter, the
GeoPackage layer it reads when the source is the whole layer as stored: the OGR provider, no
"selected features only", feature limit or filter expression on the parameter, no subset
filter and no edit session on the layer. :func:`read_whole_layer` then reads it when every
field asked for is stored in the file (no joined, virtual or expression field) as a real,
integer or text field without subtype (the types the bridge turns into float64 / int64
(Int64 with NULLs) / str columns), and the geometries are neither curved nor carry M (those
QGIS converts first). Anything else, a row count that differs from QGIS's, or any error from
GDAL, and the bridge reads feature by feature as before. Both paths give the frame the same
index (the feature ids, which QGIS takes from the GeoPackage's fid column), columns, dtypes,
NULLs and geometries: ``tests/processing/test_bulk_read.py`` compares them.
"""

from __future__ import annotations

from dataclasses import dataclass

from qgis.core import (
    QgsProcessingFeatureSourceDefinition,
    QgsProviderRegistry,
    QgsWkbTypes,
)

from ...core.errors import Cancelled
from ..qgis_compat import field_is_stored

#: The attribute :func:`mark` sets on a feature source.
ATTRIBUTE = "_digital_resilience_geopackage"
#: Fields per pass over the layer before GDAL 3.10. GDAL 3.6's GeoPackage reader passes every column
#: to one SQLite function, which takes at most 127 arguments: with more than about 125 fields it
#: fails ("too many arguments on function OGR_GPKG_FillArrowArray_INTERNAL") and streams empty
#: batches without end (3.10 reads 801 in one pass; the releases between are not checked). Passes of
#: at most this many fields avoid it (0.03 s a pass of 3,000 rows × 100 fields: 800 fields in 0.21 s,
#: as fast as GDAL's generic reader in one pass, 0.17–0.27 s). Any empty batch ends the bulk read.
MAX_FIELDS = 100
#: Keys of QGIS's decoded OGR URI that may be set for a plain GeoPackage layer.
PLAIN_URI_KEYS = {"path", "layerName", "layerId"}


@dataclass(frozen=True)
class StoredLayer:
    """A GeoPackage layer read whole, and the names of its fields stored in the file."""

    path: str
    layer_name: str | None
    layer_index: int | None
    stored_fields: frozenset


def mark(algorithm, parameters, name: str, context, source) -> None:
    """Remember on ``source`` (the feature source of parameter ``name``) the GeoPackage layer it
    reads whole, when it does; leave it unmarked otherwise (and on any doubt)."""
    value = parameters.get(name)
    if isinstance(value, QgsProcessingFeatureSourceDefinition):
        if value.selectedFeaturesOnly or value.featureLimit not in (-1, None):
            return
        if getattr(value, "filterExpression", ""):  # QGIS ≥ 3.32
            return
    try:
        layer = algorithm.parameterAsVectorLayer(parameters, name, context)
    except Exception:  # any doubt: the feature-by-feature path is always right
        return
    mark_layer(source, layer)


def mark_layer(source, layer) -> None:
    """Remember on ``source`` (a feature source of all of ``layer``'s features) the GeoPackage layer
    it reads, when ``layer`` is read as stored; leave it unmarked otherwise (and on any doubt)."""
    try:
        stored = _stored_layer(layer)
    except Exception:  # any doubt: the feature-by-feature path is always right
        stored = None
    if stored is not None:
        setattr(source, ATTRIBUTE, stored)


def _stored_layer(layer) -> StoredLayer | None:
    if layer is None or layer.providerType() != "ogr" or layer.subsetString() or layer.isEditable():
        return None
    if layer.dataProvider().storageType() != "GPKG":
        return None
    parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
    if any(value for key, value in parts.items() if key not in PLAIN_URI_KEYS) or not parts.get("path"):
        return None
    fields = layer.fields()
    stored = frozenset(fields.at(i).name() for i in range(fields.count()) if field_is_stored(fields, i))
    index = parts.get("layerId")
    return StoredLayer(parts["path"], parts.get("layerName") or None, None if index in (None, "") else int(index),
                       stored)


def read_whole_layer(source, names: list[str], geometry: bool, feedback=None):
    """``(fids, columns, wkbs)`` of a marked source read through GDAL: fids an int64 array,
    ``columns`` {name: column as :func:`bridge._column` makes it}, ``wkbs`` a list of WKB bytes or
    None per feature (None when ``geometry`` is False); None when the source cannot be read so."""
    stored = getattr(source, ATTRIBUTE, None)
    if stored is None or any(name not in stored.stored_fields for name in names):
        return None
    if geometry:
        wkb_type = source.wkbType()
        if QgsWkbTypes.isCurvedType(wkb_type) or QgsWkbTypes.hasM(wkb_type):
            return None
    try:
        from osgeo import gdal, ogr
    except ImportError:
        return None
    if not hasattr(ogr.Layer, "GetArrowStreamAsNumPy"):  # GDAL < 3.6
        return None
    gdal.PushErrorHandler("CPLQuietErrorHandler")
    try:
        result = _read(gdal, ogr, stored, names, geometry, source.featureCount(), feedback)
    except Cancelled:
        raise
    except Exception:  # GDAL refused something: read feature by feature
        result = None
    finally:
        gdal.PopErrorHandler()
    return result


#: OGR field types read here (without subtype), and what each becomes.
_REAL, _INTEGER, _TEXT = "real", "integer", "text"


def _kinds(ogr, layer, names: list[str]) -> list[str] | None:
    definition = layer.GetLayerDefn()
    fid_column = layer.GetFIDColumn()
    kinds = []
    for name in names:
        if name == fid_column:
            kinds.append(_INTEGER)
            continue
        index = definition.GetFieldIndex(name)
        if index < 0:
            return None
        field = definition.GetFieldDefn(index)
        if field.GetNameRef() != name or field.GetSubType() != ogr.OFSTNone:
            return None
        kind = {ogr.OFTReal: _REAL, ogr.OFTInteger: _INTEGER, ogr.OFTInteger64: _INTEGER,
                ogr.OFTString: _TEXT}.get(field.GetType())
        if kind is None:
            return None
        kinds.append(kind)
    return kinds


def _read(gdal, ogr, stored: StoredLayer, names, geometry, count, feedback):
    import numpy as np

    dataset = gdal.OpenEx(stored.path, gdal.OF_VECTOR | gdal.OF_READONLY, allowed_drivers=["GPKG"])
    if dataset is None:
        return None
    # the layer QGIS's OGR provider opens: by name, else by index, else the first
    layer = (dataset.GetLayerByName(stored.layer_name) if stored.layer_name else
             dataset.GetLayer(stored.layer_index or 0))
    if layer is None or count <= 0 or layer.GetFeatureCount() != count:
        return None
    kinds = _kinds(ogr, layer, names)
    if kinds is None:
        return None
    fid_column = layer.GetFIDColumn()
    geometry_column = layer.GetGeometryColumn() if geometry else None
    if geometry and not geometry_column:
        return None
    definition = layer.GetLayerDefn()
    every_field = [definition.GetFieldDefn(i).GetName() for i in range(definition.GetFieldCount())]
    fields = [name for name in dict.fromkeys(names) if name != fid_column]
    per_pass = MAX_FIELDS if int(gdal.VersionInfo()) < 3100000 else max(len(fields), 1)
    groups = [fields[start:start + per_pass] for start in range(0, len(fields), per_pass)] or [[]]
    parts: dict[str, list] = {name: [] for name in fields}
    fids = wkbs = None
    for number, group in enumerate(groups):
        with_geometry = geometry and number == 0
        wanted = set(group)
        ignored = [name for name in every_field if name not in wanted] + ([] if with_geometry else ["OGR_GEOMETRY"])
        if layer.SetIgnoredFields(ignored) != 0:
            return None
        read = _read_pass(layer, fid_column or "OGC_FID", group, geometry_column if with_geometry else None,
                          count, feedback, (number, len(groups)))
        if read is None:
            return None
        pass_fids, columns, pass_wkbs = read
        if fids is None:
            fids, wkbs = pass_fids, pass_wkbs
        elif not np.array_equal(fids, pass_fids):  # every pass must see the same features in the same order
            return None
        for name in group:
            parts[name] = columns[name]
    columns = {name: fids.copy() if name == fid_column else _column(parts[name], kind)
               for name, kind in zip(names, kinds)}
    return fids, columns, (wkbs if geometry else None)


def _read_pass(layer, fid_key, group, geometry_column, count, feedback, step):
    """One pass over the layer: its fids, the batches of the fields ``group`` and the geometries'
    WKB (when ``geometry_column``); None when GDAL's stream is not what it should be."""
    import numpy as np

    fids, wkbs = [], []
    parts: dict[str, list] = {name: [] for name in group}
    seen = 0
    number, passes = step
    # "with": GDAL's stream is released when the block ends, also on a cancel or an early return,
    # while the caller still holds the layer and its dataset (a stream must not outlive them)
    with layer.GetArrowStreamAsNumPy(options=["INCLUDE_FID=YES"]) as stream:
        for batch in stream:
            if feedback is not None:
                if feedback.isCanceled():
                    raise Cancelled()
                feedback.setProgress(100.0 * (number + seen / count) / passes)
            rows = len(batch.get(fid_key, ()))
            # GDAL 3.6 answers some requests with an endless run of empty batches: never wait for them
            if rows == 0 or seen + rows > count or any(name not in batch for name in group) or \
                    (geometry_column is not None and geometry_column not in batch):
                return None
            fids.append(np.asarray(batch[fid_key], dtype=np.int64))
            seen += rows
            for name in group:
                parts[name].append(batch[name])
            if geometry_column is not None:
                wkbs.extend(_wkb_list(batch[geometry_column]))
    if seen != count:
        return None
    return np.concatenate(fids), parts, (wkbs if geometry_column is not None else None)


def _data_and_mask(arrays):
    import numpy as np

    data = [np.ma.getdata(a) for a in arrays]
    masks = [np.ma.getmaskarray(a) if np.ma.isMaskedArray(a) else np.zeros(len(a), dtype=bool) for a in arrays]
    if not data:
        return np.zeros(0), np.zeros(0, dtype=bool)
    return (np.concatenate(data) if len(data) > 1 else data[0]), np.concatenate(masks)


def _column(arrays: list, kind: str):
    """One column from GDAL's batches, as the feature-by-feature path makes it."""
    import numpy as np
    import pandas as pd

    data, mask = _data_and_mask(arrays)
    if kind == _REAL:
        values = np.array(data, dtype=np.float64)
        values[mask] = np.nan
        return values
    if kind == _INTEGER:
        values = np.array(data, dtype=np.int64)
        if mask.any():
            return pd.array(pd.arrays.IntegerArray(values, mask.copy()), dtype="Int64")
        return values
    texts = [None if missing else (value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value))
             for value, missing in zip(data.tolist(), mask.tolist())]
    return pd.Series(texts, dtype=object)


def _wkb_list(array) -> list:
    """WKB bytes (None for a NULL geometry) of one batch's geometry column: an object array of
    bytes, or a fixed-width binary array when every geometry of the batch has the same size."""
    import numpy as np

    data = np.ma.getdata(array)
    mask = np.ma.getmaskarray(array) if np.ma.isMaskedArray(array) else None
    if data.dtype.kind == "V":
        values = [item.tobytes() for item in data]
    else:
        values = [None if item is None else bytes(item) for item in data.tolist()]
    if mask is not None and mask.any():
        values = [None if missing else value for value, missing in zip(values, mask.tolist())]
    return values
