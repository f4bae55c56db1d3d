"""Chinese full-text search in Datasette: ``?_search=`` on reports and tables naming them.

Tables name their key column in metadata (plugins: nianbao-search: key: ...): ``rowid``
on reports itself (the search index shares its rowids), a report URL column elsewhere.
The query is rewritten into bigram phrases (warehouse/search.py) and matched against the
reports_search FTS5 table, so 民政 and 定西市民政局 both find their reports. The same
rewrite is a SQL function for canned queries: ``reports_search MATCH zh_query(:q)``.
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.filters import FilterArguments

from warehouse.search import SEARCH_TABLE, fts_query, match_clause, snippet

PLUGIN = "nianbao-search"
# Where a report names itself: a match there ranks first in the canned search.
NAMED_COLUMNS = ("title", "agency")
MISSING_INDEX = "全文索引未建立 / no search index: run python -m warehouse refresh"


@hookimpl
def prepare_connection(conn):
    """SQL functions zh_query(q) (an FTS5 expression), zh_named_query(q) (the same, in
    title or agency only) and zh_snippet(text, q)."""
    conn.create_function("zh_query", 1, _match_expression, deterministic=True)
    conn.create_function("zh_named_query", 1, _named_expression, deterministic=True)
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
        where = match_clause("zh_search")
        if key != "rowid":
            where = f"[{key}] IN (SELECT url FROM reports WHERE {where})"
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


def _named_expression(query: str | None) -> str:
    return fts_query(query, NAMED_COLUMNS) or '""'
