"""QGIS-free analytics of the Digital Resilience Toolkit.

Scientists can call these modules from plain Python (numpy, pandas, geopandas,
libpysal and friends); nothing here imports :mod:`qgis`. The Processing
algorithms in ``processing/`` are thin wrappers around these functions.
"""
