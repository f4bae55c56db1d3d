"""Full-text search that works for Chinese: bigram shadow text in an FTS5 table.

SQLite's unicode61 tokenizer reads a run of Chinese as one token, and its trigram
tokenizer cannot match a two-character word (民政, 复议, 诉讼). So the text is indexed
as overlapping character bigrams (定西市民政局 -> 定西 西市 市民 民政 政局) and a
query is rewritten the same way into an FTS5 phrase: any query of two or more
characters then matches exactly where it occurs as a substring, with no dictionary
to maintain (a segmenter such as jieba misses words it splits differently in text
and query). The price is substring semantics: 民政 is also found inside 人民政府.
Latin words and numbers are kept whole. A lone character ending a query term becomes
a prefix (民 -> 民*), found wherever a bigram starts with it; a lone character followed
by a number or a Latin word in the query (年2021) is the one case this misses.

The index lives in its own FTS5 table whose rowid is the report's rowid in ``reports``,
so a search filters reports with ``rowid IN (SELECT rowid ... MATCH ...)``: integer
look-ups, where joining on the URL read and compared a URL string per hit (at a million
reports, a body's name: 480 -> 70 ms; 民政, in 265,000 of them: over the 3 s limit ->
0.85 s, spent counting and faceting that many rows). ``sync_search`` re-indexes only rows
whose URL or text changed, or whose rowid now holds another report (VACUUM renumbers
the rowids of a table keyed by URL: run ``refresh`` after it).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Collection
from dataclasses import dataclass
from operator import add

from sqlite_utils import Database

from pipelines.nfkc import nfkc

logger = logging.getLogger(__name__)

SEARCH_TABLE = "reports_search"
# Columns of reports indexed, in the FTS table's column order (after the digest).
INDEXED = ("title", "agency", "text")
SEARCH_COLUMNS = ("digest", *INDEXED)
# Han ideographs (basic block, extension A, compatibility) are bigrammed; letters and
# digits form whole words; everything else (punctuation, spaces) separates.
_RUNS = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)|([0-9a-z]+)")
_BATCH = 200


@dataclass(frozen=True)
class SearchSync:
    """What one sync of the search index did."""

    indexed: int
    removed: int
    total: int


def bigram_tokens(text: str | None) -> list[str]:
    """The index tokens of a text: Chinese runs as bigrams, other words whole."""
    shadow = shadow_text(text)
    return shadow.split(" ") if shadow else []


def shadow_text(text: str | None) -> str:
    """The bigram shadow of a text, as stored in the FTS table: its tokens, space-separated.

    A run's bigrams are made by one ``map`` over the run and the run shifted by one.
    """
    if not text:
        return ""
    parts = []
    for han, word in _RUNS.findall(nfkc(text).lower()):
        if word or len(han) == 1:
            parts.append(word or han)
        else:
            parts.append(" ".join(map(add, han[:-1], han[1:])))
    return " ".join(parts)


def fts_query(query: str | None, columns: tuple[str, ...] = ()) -> str:
    """An FTS5 MATCH expression for a user's query; "" when it has nothing to search.

    Each whitespace-separated term must occur (AND); within a term the characters must
    be consecutive (an FTS5 phrase of its bigrams). FTS5 operators typed by the user are
    read as plain text, so any input is a valid expression. With columns, the terms must
    occur in those columns.
    """
    clauses = []
    for term in (query or "").replace('"', " ").split():
        tokens = bigram_tokens(term)
        if not tokens:
            continue
        # A lone character ending a term (民, 2021年) is a bigram's first half in the
        # text (民政, 年度): match it as a prefix of the phrase's last token.
        last = tokens[-1]
        prefix = "*" if len(last) == 1 and not last.isascii() else ""
        clauses.append('"' + " ".join(tokens) + '"' + prefix)
    if clauses and columns:
        return "{" + " ".join(columns) + "} : (" + " ".join(clauses) + ")"
    return " ".join(clauses)


def ensure_search_table(db: Database) -> None:
    """Create the FTS5 table if missing; replace one of an older layout (it is derived)."""
    table = db[SEARCH_TABLE]
    if table.exists() and tuple(table.columns_dict) != SEARCH_COLUMNS:
        table.drop()
    columns = ", ".join(INDEXED)
    db.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS [{SEARCH_TABLE}] USING fts5("
        f"digest UNINDEXED, {columns}, tokenize='unicode61')"
    )


def sync_search(db: Database, urls: Collection[str] | None = None) -> SearchSync:
    """Bring the search index in step with the reports; re-index changed rows only.

    With ``urls``, only those reports, in the caller's transaction (the crawl's writer
    indexes the reports of each transaction as it commits them: pipelines/persist.py
    ``store_item``). Without, every report, and the rows of reports gone are removed.
    Texts are read and indexed in batches: only the index's digests are held in memory.
    """
    select = ", ".join(f"[{c}]" for c in ("url", *INDEXED))
    if urls is None:
        ensure_search_table(db)
        indexed = dict(db.execute(f"SELECT rowid, digest FROM [{SEARCH_TABLE}]").fetchall())
        rows = db.execute(f"SELECT rowid, {select} FROM reports")
    else:
        marks = ", ".join("?" * len(urls))
        rows = db.execute(f"SELECT rowid, {select} FROM reports WHERE url IN ({marks})",
                          list(urls)).fetchall()
        rowids = [row[0] for row in rows]
        indexed = dict(db.execute(
            f"SELECT rowid, digest FROM [{SEARCH_TABLE}] WHERE rowid IN "
            f"({', '.join('?' * len(rowids))})", rowids).fetchall())
    total = changed = 0
    with db.atomic():
        stale: list[int] = []
        fresh: list[tuple] = []
        for rowid, *values in rows:
            total += 1
            digest = _digest(values)
            old = indexed.pop(rowid, None)
            if old == digest:
                continue
            if old is not None:
                stale.append(rowid)
            fresh.append((rowid, digest, *(shadow_text(v) for v in values[1:])))
            if len(fresh) >= _BATCH:
                changed += _write_batch(db, stale, fresh)
        changed += _write_batch(db, stale, fresh)
        removed = len(indexed)  # rowids no report holds any more
        _write_batch(db, list(indexed), [])
    logger.debug("search index: %d indexed, %d removed", changed, removed)
    return SearchSync(indexed=changed, removed=removed, total=total)


def _write_batch(db: Database, stale: list[int], fresh: list[tuple]) -> int:
    """Delete the stale rowids, insert the fresh rows; empty both lists; rows inserted."""
    for start in range(0, len(stale), _BATCH):
        batch = stale[start : start + _BATCH]
        marks = ", ".join("?" * len(batch))
        db.execute(f"DELETE FROM [{SEARCH_TABLE}] WHERE rowid IN ({marks})", batch)
    marks = ", ".join("?" * (1 + len(SEARCH_COLUMNS)))
    db.conn.executemany(
        f"INSERT INTO [{SEARCH_TABLE}] (rowid, {', '.join(SEARCH_COLUMNS)}) VALUES ({marks})",
        fresh,
    )
    inserted = len(fresh)
    stale.clear()
    fresh.clear()
    return inserted


def match_clause(query_param: str) -> str:
    """SQL true for the rowids of reports matching the FTS expression in :query_param."""
    return (
        f"rowid IN (SELECT rowid FROM [{SEARCH_TABLE}] "
        f"WHERE [{SEARCH_TABLE}] MATCH :{query_param})"
    )


def search_urls(db: Database, query: str) -> list[str]:
    """URLs of the reports matching a query, best match first."""
    expression = fts_query(query)
    if not expression:
        return []
    sql = (
        f"SELECT r.url FROM [{SEARCH_TABLE}] AS s JOIN reports AS r ON r.rowid = s.rowid "
        f"WHERE [{SEARCH_TABLE}] MATCH ? ORDER BY s.rank"
    )
    return [row[0] for row in db.execute(sql, [expression]).fetchall()]


def snippet(text: str | None, query: str | None, width: int = 30) -> str:
    """The text around the first occurrence of the query's first term ('' if absent)."""
    terms = (query or "").replace('"', " ").split()
    if not text or not terms:
        return ""
    position = text.find(terms[0])
    if position < 0:
        return ""
    start, end = max(0, position - width), position + len(terms[0]) + width
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def _digest(values: tuple) -> str:
    joined = "\x1f".join(v or "" for v in values)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()
