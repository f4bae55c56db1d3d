"""A facet asked for in the URL that the table already shows by default is shown once.

Datasette 0.65 computes a column facet once per config: a table's default facet (metadata
``facets``) and the same column asked for with ``?_facet=`` (the column menu's "Facet by
this", a link in a table description) are two configs, so the page shows the facet twice
(``city`` and ``city_2``) and scans the column twice (at a million reports, ~80 ms each).
This drops such a ``_facet`` pair from the request before Datasette reads it; what is
left is the page of the default facet, computed once.
"""

from __future__ import annotations

from urllib.parse import unquote_plus

from datasette import hookimpl
from datasette.utils import tilde_decode

# What a table path may end with: a format extension Datasette serves.
_FORMATS = (".json", ".csv")


def table_of(path: str) -> tuple[str, str] | None:
    """(database, table) of a table page's path (/db/table, /db/table.json), else None."""
    parts = path.strip("/").split("/")
    if len(parts) != 2 or not all(parts):
        return None
    database, table = parts
    for extension in _FORMATS:
        if table.endswith(extension):
            table = table[: -len(extension)]
    return tilde_decode(database), tilde_decode(table)


def default_columns(facets: list) -> set[str]:
    """The columns of a table's default column facets (metadata ``facets``)."""
    columns = set()
    for facet in facets:
        if isinstance(facet, str):
            columns.add(facet)
        elif isinstance(facet, dict) and isinstance(facet.get("column"), str):
            columns.add(facet["column"])
    return columns


def without_defaults(query: bytes, defaults: set[str]) -> bytes:
    """The query string less its ``_facet`` pairs naming a default facet's column.

    The other pairs are kept byte for byte, in their order."""
    pairs = query.split(b"&")
    kept = [pair for pair in pairs if not _names_default(pair, defaults)]
    return query if len(kept) == len(pairs) else b"&".join(kept)


def _names_default(pair: bytes, defaults: set[str]) -> bool:
    key, _, value = pair.partition(b"=")
    return key == b"_facet" and unquote_plus(value.decode("latin-1"), "utf-8") in defaults


@hookimpl
def asgi_wrapper(datasette):
    """Strip a requested facet that is already a default one of the table."""

    def wrap(app):
        async def once(scope, receive, send):
            query = scope.get("query_string", b"")
            if scope.get("type") == "http" and b"_facet=" in query:
                table = table_of(scope.get("path", ""))
                if table is not None:
                    facets = datasette.table_metadata(*table).get("facets") or []
                    stripped = without_defaults(query, default_columns(facets))
                    if stripped is not query:
                        scope = {**scope, "query_string": stripped}
            await app(scope, receive, send)

        return once

    return wrap
