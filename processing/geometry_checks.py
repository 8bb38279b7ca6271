"""Checks on input geometries shared by algorithms: leave out and report empty
geometries, repair invalid ones (naming them), never modify the input layer."""

from __future__ import annotations

from qgis.PyQt.QtCore import QCoreApplication

from ..core.errors import InputError, preview


def tr(text: str) -> str:
    return QCoreApplication.translate("GeometryChecks", text)


def usable_geometries(frame, ids, feedback=None, repair: bool = True, policy=None):
    """(frame, ids) without features lacking a geometry, with invalid ones repaired.

    ``policy``: the user's Processing "invalid features filtering" (the algorithm's
    ``invalid_geometry_policy``); under "stop" an invalid geometry is an error instead.

    Works on the frame read from the layer (a copy); the layer itself is untouched.
    """
    import numpy as np
    import shapely

    geometries = frame.geometry.values
    empty = np.asarray(shapely.is_missing(geometries) | shapely.is_empty(geometries))
    if empty.all():
        raise InputError("No feature of the layer has a geometry; check the layer (or its selection).")
    if empty.any():
        if feedback is not None:
            feedback.pushWarning(
                tr("{count} feature(s) without geometry were left out: {ids}.").format(
                    count=int(empty.sum()), ids=preview(np.asarray(ids)[empty])
                )
            )
        frame = frame[~empty]
        ids = np.asarray(ids)[~empty]
    from qgis.core import QgsFeatureRequest

    if policy == QgsFeatureRequest.GeometryAbortOnInvalid:
        repair = False
    invalid = ~np.asarray(shapely.is_valid(frame.geometry.values))
    if invalid.any():
        names = preview(np.asarray(ids)[invalid])
        if not repair:
            raise InputError(
                "{count} feature(s) have invalid geometries: {ids}. Repair them with "
                "Vector geometry › Fix geometries, or set Processing's “Invalid features filtering” to "
                "“Do not filter” so that the analysis uses repaired copies.",
                count=int(invalid.sum()), ids=names,
            )
        frame = frame.copy()
        frame.loc[frame.index[invalid], frame.geometry.name] = shapely.make_valid(
            frame.geometry.values[invalid]
        )
        if feedback is not None:
            feedback.pushWarning(
                tr("{count} invalid geometries were repaired for the analysis (the layer is unchanged): "
                   "{ids}.").format(count=int(invalid.sum()), ids=names)
            )
    return frame, ids
