"""Indicator panels and composite indices (QGIS-free).

Reading yearbook tables (``encoding``, ``tables``, ``numbers``, ``layouts``), matching
them to cities (``keys``, ``names``, ``join``), rasters to indicators (``raster_years``,
``zonal``), the indicator system (``system``, ``stems``, ``templates``), standardisation
(``standardise``), one weighting method per module (``entropy``, ``critic``,
``variation``, ``fixed``), ``topsis``, ``missing`` values, the composite index
(``composite``) and the coupling coordination degree (``coupling``).

This ``__init__`` imports nothing, so that listing algorithms stays cheap.
"""
