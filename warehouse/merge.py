"""Merge warehouses written by several crawl workers into one, without duplicates.

Every row belongs to a page through its first URL column (url, report_url, page_url).
When two inputs hold the same page, the later fetch wins, and it wins with all its rows
(report, cells, figures, flags, spam findings, attachments, versions), so a merged
report never mixes two fetches. Rows that belong to no page (sites, crawl runs) are
keyed by their primary key. The checks across years, the views, the search index and
the coverage ledger are derived, and rebuilt once at the end.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from pipelines.crossyear import finish_warehouse
from warehouse.schema import migrations, open_db

logger = logging.getLogger(__name__)

PAGE_KEYS = ("url", "report_url", "page_url")
SOURCE = "merge_source"  # the schema name each input is attached under


class MergeError(ValueError):
    """An input that is not a warehouse database."""


@dataclass(frozen=True)
class MergeResult:
    """What one merge did: pages taken from each input, and the rows in the output."""

    pages_taken: tuple[tuple[str, int], ...]
    rows: tuple[tuple[str, int], ...]


def merge_warehouses(out: Database, inputs: Iterable[Path]) -> MergeResult:
    """Merge worker databases into ``out`` (schema already applied); refresh it after."""
    tables = _content_tables(out)
    taken = []
    for path in inputs:
        taken.append((str(path), _merge_one(out, Path(path), tables)))
    # Each worker saw only some years of an agency: the checks across years run again
    # over the whole.
    finish_warehouse(out)
    rows = tuple((t, out[t].count) for t in tables)
    return MergeResult(tuple(taken), rows)


def merge_files(out_path: Path, inputs: Iterable[Path]) -> MergeResult:
    """Like merge_warehouses() but on paths; the output is created if missing."""
    inputs = [Path(p) for p in inputs]
    for path in inputs:
        if path.resolve() == Path(out_path).resolve():
            raise MergeError(f"{path} is the output: merge into a new file")
    db = open_db(out_path)
    try:
        return merge_warehouses(db, inputs)
    finally:
        db.close()


def _content_tables(out: Database) -> list[str]:
    # The tables the migrations create; derived ones (search, coverage) come from refresh.
    fresh = Database(memory=True)
    migrations.apply(fresh)
    created = set(fresh.table_names())
    return [t for t in out.table_names() if t in created and not t.startswith("_")]


def _merge_one(out: Database, path: Path, tables: list[str]) -> int:
    if not path.is_file():
        raise MergeError(f"{path}: no such file")
    conn = out.conn
    conn.execute(f"attach database ? as {SOURCE}", [str(path)])
    try:
        source = {
            r[0]
            for r in conn.execute(
                f"select name from {SOURCE}.sqlite_master where type = 'table'"
            )
        }
        if "pages" not in source:
            raise MergeError(f"{path}: not a warehouse (no pages table)")
        with conn:
            conn.execute("drop table if exists temp.merge_winners")
            # The input's fetch of a page wins when the output has none or an older one.
            conn.execute(
                f"create temp table merge_winners as select s.url from {SOURCE}.pages s "
                "left join main.pages m on m.url = s.url "
                "where m.url is null or coalesce(s.fetched_at, '') > coalesce(m.fetched_at, '')"
            )
            conn.execute("create index temp.merge_winners_url on merge_winners(url)")
            for table in tables:
                if table in source:
                    _merge_table(conn, table)
            winners = conn.execute(
                "select count(*) from temp.merge_winners"
            ).fetchone()[0]
    finally:
        conn.execute(f"detach database {SOURCE}")
    logger.info("merged %s: %d pages taken", path, winners)
    return winners


def _merge_table(conn: sqlite3.Connection, table: str) -> None:
    ours = _columns(conn, "main", table)
    theirs = set(_columns(conn, SOURCE, table))
    columns = [c for c in ours if c in theirs]
    listed = ", ".join(f'"{c}"' for c in columns)
    key = next((c for c in PAGE_KEYS if c in columns), None)
    if key is None:
        conn.execute(
            f'insert or replace into main."{table}" ({listed}) '
            f'select {listed} from {SOURCE}."{table}"'
        )
        return
    conn.execute(
        f'delete from main."{table}" where "{key}" in (select url from temp.merge_winners)'
    )
    conn.execute(
        f'insert or replace into main."{table}" ({listed}) select {listed} '
        f'from {SOURCE}."{table}" where "{key}" in (select url from temp.merge_winners)'
    )
    # Rows of pages the input does not hold itself are kept where the output has none.
    conn.execute(
        f'insert or ignore into main."{table}" ({listed}) select {listed} '
        f'from {SOURCE}."{table}" where "{key}" not in (select url from {SOURCE}.pages)'
    )


def _columns(conn: sqlite3.Connection, schema: str, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f'pragma {schema}.table_info("{table}")')]
