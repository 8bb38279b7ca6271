"""Spatial weights: contiguity, k-nearest neighbours and more kinds; GAL/GWT files.

Modules: ``model`` (the SpatialWeights container), ``build`` (one entry point for every
kind), ``kinds`` (the list of kinds; import-light), ``contiguity``, ``knn``, ``points``,
``files``, ``summary``. This ``__init__`` imports nothing, so that reading the list of
kinds (done when QGIS lists the algorithms) does not load numpy or SciPy.
"""
