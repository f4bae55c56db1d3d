"""Markdown for the dashboards' templates, without a Markdown check of every table cell.

datasette-dashboards needs datasette-render-markdown for its templates (the
``render_markdown`` function and the ``{% markdown %}`` tag). That plugin also
asks, for every string cell of every table page, whether the column is configured
as Markdown: a merge of the plugin's metadata per cell, ~15 % of the reports page
(tests/benchmarks/README.md). No column of this warehouse is Markdown, so the plugin
is registered here with its template hooks only.
"""

from __future__ import annotations

import datasette_render_markdown as markdown
from datasette.plugins import pm

# The same hook functions, registered through this module (module_from_path runs
# this on every Datasette start; unregistering twice is not an error here).
from datasette_render_markdown import extra_template_vars, prepare_jinja2_environment  # noqa: F401

if pm.is_registered(markdown):
    pm.unregister(markdown)
