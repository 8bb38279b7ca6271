"""Read a feature source without QGIS aborting mid-iteration on an invalid geometry,
then apply the user's invalid-geometry policy to the frame.

Why: with Processing's default policy ("stop algorithm execution when a geometry is
invalid"), the check runs inside the feature iterator and raises from a Python callback
while our Python loop (``bridge.read_frame``) is iterating. On QGIS 3.22 that leaves the
process in a state where the *next* Processing run crashes QGIS (segmentation fault;
reproduced with memory and GeoPackage layers, see
tests/processing/test_spatial_weights_kinds.py). So the source is created with the check
off, and the same policy is applied afterwards, on the whole frame, naming every invalid
feature by its unit id instead of only the first by feature id:

* stop (default): an error naming the invalid features and the fixes;
* skip invalid features: they are left out and named in the log;
* do not filter: they are repaired with ``make_valid`` for the analysis (layer unchanged), keeping
  each geometry's dimension; an output that carries repaired multi-part geometries is declared
  multi-part (``output_wkb_type``).

Features without a geometry are always left out of the analysis and named; the local
autocorrelation outputs still write them, with NULL results. The layer itself is never
modified: everything here works on the frame read from it.
"""

from __future__ import annotations

from qgis.core import QgsFeatureRequest

from ...core.errors import InputError, preview
from ..algorithm import core_value
from ..translation import translator
from .bulk_read import mark as mark_whole_geopackage_layer

tr = translator("InvalidGeometries")


def source_without_validity_checks(algorithm, parameters, name: str, context):
    """(source, policy): the feature source of parameter ``name`` created with QGIS's
    validity check off, and the invalid-geometry policy that was in force (the base class
    turns the check off for the whole run and remembers the user's policy)."""
    policy = getattr(algorithm, "invalid_geometry_policy", None)
    if policy is None:
        policy = context.invalidGeometryCheck()
    context.setInvalidGeometryCheck(QgsFeatureRequest.GeometryNoCheck)
    try:
        source = algorithm.parameterAsSource(parameters, name, context)
    finally:
        context.setInvalidGeometryCheck(policy)
    if source is not None:
        mark_whole_geopackage_layer(algorithm, parameters, name, context, source)
    return source, policy


def usable_geometries(frame, ids, feedback=None, labels=None):
    """(frame, ids) without features lacking a geometry, with invalid ones repaired (both named
    in the log, by their ``labels`` ({id: "三沙市 (460300)"}) when given): for algorithms to which
    only a point of each geometry matters, and the last step of :func:`apply_policy`."""
    import numpy as np
    import shapely

    from ...core.names import labelled

    if len(frame) == 0:
        raise InputError("The layer has no feature (or none is selected); choose a layer with at least one "
                         "feature.")
    geometries = frame.geometry.values
    empty = np.asarray(shapely.is_missing(geometries) | shapely.is_empty(geometries))
    if empty.all():
        raise InputError("No feature of the layer has a geometry; check the layer (or its selection).")
    if empty.any():
        if feedback is not None:
            feedback.pushWarning(tr("{count} feature(s) without geometry were left out: {ids}.").format(
                count=int(empty.sum()), ids=core_value(preview(labelled(np.asarray(ids)[empty], labels)))))
        frame = frame[~empty]
        ids = np.asarray(ids)[~empty]
    invalid = ~np.asarray(shapely.is_valid(frame.geometry.values))
    if invalid.any():
        frame = frame.copy()
        frame.loc[frame.index[invalid], frame.geometry.name] = repaired(frame.geometry.values[invalid])
        if feedback is not None:
            feedback.pushWarning(tr("{count} invalid geometries were repaired for the analysis (the layer is "
                                    "unchanged): {ids}.").format(
                count=int(invalid.sum()), ids=core_value(preview(labelled(np.asarray(ids)[invalid], labels)))))
    return frame, ids


def repaired(geometries):
    """``make_valid`` copies that keep each geometry's dimension: a bow-tie polygon becomes a
    MultiPolygon (not a collection with stray lines or points), so outputs hold one geometry type."""
    import numpy as np
    import shapely

    fixed = shapely.make_valid(np.asarray(geometries))
    dimensions = shapely.get_dimensions(np.asarray(geometries))
    for position, (geometry, dimension) in enumerate(zip(fixed, dimensions)):
        if shapely.get_type_id(geometry) == 7:  # GeometryCollection: keep the parts of the original dimension
            parts = [part for part in shapely.get_parts(geometry) if shapely.get_dimensions(part) == dimension]
            fixed[position] = shapely.union_all(parts) if parts else geometry
    return fixed


def output_wkb_type(wkb_type, frame):
    """The declared type of an output of ``frame``'s geometries: the source's type, made multi when a
    repaired geometry (or any other) is a multi-part one, so that no feature is of a type the layer
    does not declare."""
    import numpy as np
    import shapely
    from qgis.core import QgsWkbTypes

    if QgsWkbTypes.isMultiType(wkb_type) or wkb_type == QgsWkbTypes.NoGeometry or frame is None:
        return wkb_type
    geometries = frame.geometry.values
    multi = np.isin(shapely.get_type_id(geometries), (4, 5, 6))
    return QgsWkbTypes.multiType(wkb_type) if multi.any() else wkb_type


def apply_policy(frame, ids, policy, feedback=None):
    """(frame, ids) without empty geometries and with invalid ones handled by ``policy``."""
    import numpy as np
    import shapely

    geometries = frame.geometry.values
    present = ~np.asarray(shapely.is_missing(geometries) | shapely.is_empty(geometries))
    invalid = present & ~np.asarray(shapely.is_valid(geometries))
    if invalid.any() and policy == QgsFeatureRequest.GeometryAbortOnInvalid:
        raise InputError(
            "{count} feature(s) have invalid geometries: {ids}. Repair them with Vector geometry › "
            "Fix geometries, or set Processing's “Invalid features filtering” to “Do not filter” so that "
            "this algorithm repairs them for the analysis.",
            count=int(invalid.sum()), ids=preview(np.asarray(ids)[invalid]),
        )
    if invalid.any() and policy == QgsFeatureRequest.GeometrySkipInvalid:
        if feedback is not None:
            feedback.pushWarning(tr("{count} feature(s) with invalid geometry were left out: {ids}.").format(
                count=int(invalid.sum()), ids=core_value(preview(np.asarray(ids)[invalid]))))
        frame, ids = frame[~invalid], np.asarray(ids)[~invalid]
    return usable_geometries(frame, ids, feedback)


def geometries_for_weights(frame, ids, policy):
    """``frame`` with invalid geometries repaired (a copy) for building weights inline.

    The units are already fixed by the calling analysis, so none can be left out here:
    under the "stop" policy an invalid geometry is an error naming the features; under
    the other policies it is repaired with ``make_valid`` for the weights only.
    """
    import numpy as np
    import shapely

    geometries = frame.geometry.values
    invalid = ~np.asarray(shapely.is_valid(geometries)) & ~np.asarray(shapely.is_missing(geometries))
    if not invalid.any():
        return frame
    if policy == QgsFeatureRequest.GeometryAbortOnInvalid:
        raise InputError(
            "{count} feature(s) have invalid geometries, so spatial weights cannot be built: {ids}. "
            "Repair them with Vector geometry › Fix geometries, or set Processing's “Invalid features "
            "filtering” to “Do not filter” so that the weights use repaired copies.",
            count=int(invalid.sum()), ids=preview(np.asarray(ids)[invalid]),
        )
    frame = frame.copy()
    frame.loc[frame.index[invalid], frame.geometry.name] = repaired(geometries[invalid])
    return frame
