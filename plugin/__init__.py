"""QGIS desktop glue: provider registration, the "Digital Resilience" menu, the
missing-package notice."""
