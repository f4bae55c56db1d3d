"""The project's Datasette plugins: ``datasette --plugins-dir warehouse/plugins``."""
