"""The cities of the coverage algorithms (``resilience:corenodecoverage``,
``resilience:networkredundancy``) and the cities an expression chooses (also
``resilience:scenario`` and ``resilience:targeting``): the layer, its id and name fields, the
point of each city (a point of its polygon or longitude/latitude fields), read once into
:class:`Cities`."""

from __future__ import annotations

from dataclasses import dataclass

from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
)

from ...core.coverage.options import POINT_METHODS
from ..translation import translator
from .choices import chosen, enum_parameter
from .help import with_help

tr = translator("CityParameters")

INPUT = "INPUT"
ID_FIELD = "ID_FIELD"
NAME_FIELD = "NAME_FIELD"
POINTS = "POINTS"
LON_FIELD = "LON_FIELD"
LAT_FIELD = "LAT_FIELD"


def add_city_parameters(algorithm) -> None:
    """INPUT (the cities), ID_FIELD and NAME_FIELD."""
    algorithm.addParameter(QgsProcessingParameterFeatureSource(
        INPUT, tr("Cities"), [QgsProcessing.TypeVectorPolygon, QgsProcessing.TypeVectorPoint]))
    algorithm.addParameter(with_help(QgsProcessingParameterField(
        ID_FIELD, tr("City id field"), parentLayerParameterName=INPUT, optional=True),
        tr("City id field (e.g. adcode; default: feature id)")))
    algorithm.addParameter(with_help(QgsProcessingParameterField(
        NAME_FIELD, tr("City name field"), parentLayerParameterName=INPUT, optional=True),
        tr("City name field (labels; default: a field called “name”)")))


def city_point_parameters() -> list:
    """POINTS, LON_FIELD and LAT_FIELD (advanced parameters: add them with ``as_advanced``)."""
    return [
        enum_parameter(POINTS, tr("Point of each city"), POINT_METHODS, {
            "centroid": tr("Centroid"), "point_on_surface": tr("Point on surface"),
            "fields": tr("Longitude/latitude fields")}),
        QgsProcessingParameterField(
            LON_FIELD, tr("Longitude field (WGS84 degrees)"), parentLayerParameterName=INPUT,
            type=QgsProcessingParameterField.Numeric, optional=True),
        QgsProcessingParameterField(
            LAT_FIELD, tr("Latitude field (WGS84 degrees)"), parentLayerParameterName=INPUT,
            type=QgsProcessingParameterField.Numeric, optional=True),
    ]


@dataclass
class Cities:
    """The cities as read: the source, its rows (features without a usable geometry left out
    unless the points come from fields), their ids, labels ("三沙市 (460300)") and names, and
    their points (``core.coverage.sites.Sites``, labelled)."""

    source: object
    frame: object
    ids: object
    labels: dict
    names: object
    sites: object

    def labelled_ids(self):
        from ...core.names import labelled

        return labelled(self.ids, self.labels)


def read_cities(algorithm, parameters, context, feedback) -> Cities:
    """The cities of INPUT with their ids, names and points."""
    from ...core.names import labelled, unit_labels
    from ...core.panel import unit_ids
    from ..io.bridge import read_frame
    from ..io.invalid_geometries import usable_geometries

    source = algorithm.input_source(parameters, context, INPUT)
    frame = read_frame(source, feedback=feedback)
    id_field = algorithm.field_name(parameters, ID_FIELD, context)
    ids = unit_ids(frame, id_field)
    name_field = _name_field(algorithm, frame, parameters, context)
    # Messages name cities as a planner reads them: "三沙市 (460300)".
    labels = unit_labels(frame, ids, id_field, name_field)
    method = chosen(algorithm, parameters, POINTS, POINT_METHODS, context)
    if method != "fields":
        frame, ids = usable_geometries(frame, ids, feedback, labels)
    names = _city_names(frame, ids, name_field)
    sites = _sites(algorithm, frame, labelled(ids, labels), method, parameters, context)
    return Cities(source, frame, ids, labels, names, sites)


def _name_field(algorithm, frame, parameters, context):
    """NAME_FIELD, else a field that names the cities (name, NAME, 城市, 城市名称 …)."""
    from ...core.names import name_column

    return algorithm.field_name(parameters, NAME_FIELD, context) or name_column(frame.columns)


def _city_names(frame, ids, name_field):
    import numpy as np

    if not name_field:
        return np.asarray([str(i) for i in ids], dtype=object)
    values = frame[name_field]
    return np.asarray([str(v) if v is not None and v == v else str(i) for v, i in zip(values, ids)], dtype=object)


def _sites(algorithm, frame, ids, method, parameters, context):
    from ...core.coverage.sites import sites_from_geometries, sites_from_lonlat
    from ...core.errors import InputError

    if method == "fields":
        lon_field = algorithm.field_name(parameters, LON_FIELD, context)
        lat_field = algorithm.field_name(parameters, LAT_FIELD, context)
        if not lon_field or not lat_field:
            raise InputError("Longitude/latitude points need both a longitude and a latitude field; "
                             "choose them, or use the centroid or a point on the surface.")
        return sites_from_lonlat(frame[lon_field].to_numpy(dtype=float, na_value=float("nan")),
                                 frame[lat_field].to_numpy(dtype=float, na_value=float("nan")), ids)
    return sites_from_geometries(frame.geometry.values, frame.crs, method, ids)
