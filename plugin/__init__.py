"""QGIS desktop glue: provider registration, the "Digital Resilience" menu, the
"Install dependencies…" dialog and the pip run behind it."""
