"""Chinese full-text search in Datasette: ``?_search=`` on tables keyed by report URL.

Tables name their key column in metadata (plugins: nianbao-search: key: url). The query
is rewritten into bigram phrases (warehouse/search.py) and matched against the
reports_search FTS5 table, so 民政 and 定西市民政局 both find their reports. The same
rewrite is a SQL function for canned queries: ``reports_search MATCH zh_query(:q)``.
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.filters import FilterArguments

from warehouse.search import SEARCH_TABLE, fts_query, snippet

PLUGIN = "nianbao-search"
MISSING_INDEX = "全文索引未建立 / no search index: run python -m warehouse refresh"


@hookimpl
def prepare_connection(conn):
    """SQL functions zh_query(q) (an FTS5 expression) and zh_snippet(text, q)."""
    conn.create_function("zh_query", 1, _match_expression, deterministic=True)
    conn.create_function("zh_snippet", 2, snippet, deterministic=True)


# trylast: Datasette's own search filter (which finds no FTS table on these tables)
# sets supports_search to False; running last lets this one switch the box back on.
@hookimpl(trylast=True)
def filters_from_request(request, database, table, datasette):
    """Filter a configured table by ``?_search=`` through the bigram index."""
    config = datasette.plugin_config(PLUGIN, database=database, table=table) or {}
    key = config.get("key")
    if not key:
        return None
    query = request.args.get("_search", "")
    context = {"supports_search": True, "search": query}
    expression = fts_query(query)

    async def inner():
        if not expression:
            return FilterArguments([], extra_context=context)
        if not await datasette.get_database(database).table_exists(SEARCH_TABLE):
            # An unrefreshed database: say so on the page instead of failing the query.
            return FilterArguments(["0"], {}, [MISSING_INDEX], context)
        where = (
            f"[{key}] IN (SELECT url FROM [{SEARCH_TABLE}] "
            f"WHERE [{SEARCH_TABLE}] MATCH :zh_search)"
        )
        return FilterArguments(
            [where],
            {"zh_search": expression},
            [f'全文包含 "{query}" / text contains "{query}"'],
            context,
        )

    return inner


def _match_expression(query: str | None) -> str:
    # An empty phrase is valid FTS5 that matches nothing; an empty string is an error.
    return fts_query(query) or '""'
