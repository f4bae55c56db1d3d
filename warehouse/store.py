"""Write pages and their analysis into the warehouse: idempotent, one transaction each.

A page is keyed by its real URL; storing it again replaces its rows (the report, its
cells, figures, flags and spam findings) instead of adding to them, so a re-run of the
crawl or of ``rebuild`` leaves the same database.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Mapping
from functools import lru_cache
from itertools import chain
from operator import itemgetter
from typing import Any
from urllib.parse import unquote

from sqlite_utils import Database
from sqlite_utils.db import jsonify_if_needed

from warehouse.headline import headline_figures
from warehouse.history import (
    add_version,
    changed_fields,
    previous_page,
    stored_fields,
    touch_page,
)

CHILD_TABLES = (
    ("report_cells", "report_url"),
    ("narrative_figures", "report_url"),
    ("quality_flags", "report_url"),
    ("spam_findings", "page_url"),
)


def store_sites(db: Database, sites: Iterable[Mapping[str, Any]]) -> None:
    """Upsert the registry's sites (hosts as a JSON list)."""
    rows = [{**site, "hosts": json.dumps(list(site["hosts"]))} for site in sites]
    with db.atomic():
        db["sites"].upsert_all(rows, pk="id")


def start_run(db: Database, run_id: str, spider: str, args: Mapping[str, Any],
              started_at: str) -> None:
    """Record the start of a crawl run."""
    row = {"run_id": run_id, "spider": spider, "args": json.dumps(args, ensure_ascii=False),
           "started_at": started_at}
    with db.atomic():
        db["crawl_runs"].upsert(row, pk="run_id")


def finish_run(db: Database, run_id: str, *, finished_at: str, reason: str,
               stats: Mapping[str, Any], summary: str,
               site_runs: Iterable[Mapping[str, Any]] = ()) -> None:
    """Record the end of a crawl run: Scrapy's stats, the summary, each site's health."""
    row = {"run_id": run_id, "finished_at": finished_at, "reason": reason,
           "stats": json.dumps(stats, ensure_ascii=False, default=str), "summary": summary}
    with db.atomic():
        db["crawl_runs"].upsert(row, pk="run_id")
        db["site_runs"].upsert_all(site_runs, pk=("run_id", "site"))


def store_page(db: Database, page: Mapping[str, Any], record: Mapping[str, Any],
               digest: str, run_id: str | None = None, probe_digest: str | None = None,
               warc: tuple[str | None, int | None] = (None, None)) -> str:
    """Store one page (provenance, no body) and its analysis in one transaction.

    Returns what the page is to the warehouse: "new", "changed" (a new version of the
    report is kept beside the old ones) or "unchanged" (same bytes as stored).
    """
    url = page["url"]
    seen_at = page.get("fetched_at")
    conn = db.conn
    with db.atomic():
        old = previous_page(db, url)
        outcome = "new" if old is None else ("unchanged" if old["sha256"] == digest else "changed")
        old_fields = stored_fields(db, url) if outcome == "changed" else {}
        row = {
            **page_row(page, record, digest, run_id),
            "probe_sha256": probe_digest,
            "etag": _header(page, "etag"),
            "last_modified": _header(page, "last-modified"),
            "first_seen": old["first_seen"] if old else seen_at,
            "last_seen": seen_at,
            "last_run": run_id,
            "changed_at": seen_at if outcome == "changed" else (old or {}).get("changed_at"),
            "gone_at": None,
            "warc_file": warc[0],
            "warc_offset": warc[1],
        }
        upsert(conn, "pages", row, "url")
        for table, key in CHILD_TABLES:
            conn.execute(f"DELETE FROM [{table}] WHERE [{key}] = ?", [url])
        if "fields" not in record:
            conn.execute("DELETE FROM reports WHERE url = ?", [url])
            return outcome
        fields = record.get("fields") or {}
        if outcome != "unchanged" or not _has_version(db, url):
            changed = changed_fields(old_fields, fields) if outcome == "changed" else None
            add_version(db, url, digest, seen_at, fields, changed)
        else:
            touch_page(db, url, seen_at, run_id)
        upsert(conn, "reports", report_row(page, record, digest), "url")
        insert_values(conn, "report_cells", CELL_COLUMNS, _cells(url, record),
                      "INSERT OR REPLACE")
        insert_rows(conn, "narrative_figures", _numbered(url, record.get("narrative", [])))
        insert_rows(conn, "quality_flags", _flags(url, record))
        insert_rows(conn, "spam_findings", _findings(page, record))
    return outcome


def upsert(conn: sqlite3.Connection, table: str, row: Mapping[str, Any], pk: str) -> None:
    """Insert a row, or update the given columns of the stored one (other columns kept)."""
    columns = tuple(row)
    conn.execute(_upsert_sql(table, columns, pk), [sql_value(row[c]) for c in columns])


def insert_rows(conn: sqlite3.Connection, table: str, rows: list[Mapping[str, Any]],
                verb: str = "INSERT") -> None:
    """Insert rows that all have the same columns, in one executemany."""
    if not rows:
        return
    columns = tuple(rows[0])
    values = list(map(itemgetter(*columns), rows)) if len(columns) > 1 else [
        (row[columns[0]],) for row in rows]
    insert_values(conn, table, columns, values, verb)


def insert_values(conn: sqlite3.Connection, table: str, columns: tuple[str, ...],
                  values: list[tuple], verb: str = "INSERT") -> None:
    """Insert rows given as value tuples in the order of these columns, many a statement.

    One INSERT with a VALUES list of as many rows as SQLite takes parameters for: a
    report's 200 cells in one call into SQLite (or a few). executemany takes the GIL back
    after every row, and in the crawl, whose reactor thread wants it too, each take can
    wait out a whole switch interval.
    """
    if not values:
        return
    if not _PLAIN.issuperset(map(type, chain.from_iterable(values))):
        values = [[sql_value(v) for v in row] for row in values]
    per = max(1, conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // len(columns))
    for start in range(0, len(values), per):
        rows = values[start : start + per]
        conn.execute(_values_sql(verb, table, columns, len(rows)),
                     list(chain.from_iterable(rows)))


@lru_cache(maxsize=256)
def _values_sql(verb: str, table: str, columns: tuple[str, ...], count: int) -> str:
    names = ", ".join(f"[{c}]" for c in columns)
    row = "(" + ", ".join("?" * len(columns)) + ")"
    return f"{verb} INTO [{table}] ({names}) VALUES " + ", ".join([row] * count)


@lru_cache(maxsize=64)
def _upsert_sql(table: str, columns: tuple[str, ...], pk: str) -> str:
    names = ", ".join(f"[{c}]" for c in columns)
    marks = ", ".join("?" * len(columns))
    updates = ", ".join(f"[{c}] = excluded.[{c}]" for c in columns if c != pk)
    return (f"INSERT INTO [{table}] ({names}) VALUES ({marks})"
            f" ON CONFLICT([{pk}]) DO UPDATE SET {updates}")


_PLAIN = frozenset({str, int, float, type(None), bytes})


def sql_value(value: Any) -> Any:
    """A value as SQLite stores it: lists and dicts as JSON (as sqlite-utils writes them)."""
    return value if type(value) in _PLAIN else jsonify_if_needed(value)


def _has_version(db: Database, url: str) -> bool:
    return db.conn.execute("select 1 from report_versions where url = ? limit 1",
                           [url]).fetchone() is not None


def _header(page: Mapping[str, Any], name: str) -> str | None:
    for key, values in (page.get("headers") or {}).items():
        if key.lower() == name and values:
            return values[0]
    return None


def page_row(page: Mapping[str, Any], record: Mapping[str, Any], digest: str,
             run_id: str | None) -> dict[str, Any]:
    """The pages row: where and when it was fetched, what it is, its SHA-256."""
    return {
        "url": page["url"], "site": page.get("site"), "kind": page.get("kind"),
        "list_title": page.get("list_title"), "list_date": page.get("list_date"),
        "status": page.get("status"), "content_type": page.get("content_type"),
        "encoding": record.get("encoding"), "page_kind": record.get("page_kind"),
        "format": record.get("format"), "page_title": record.get("page_title"),
        "fetched_at": page.get("fetched_at"), "sha256": digest,
        "size": len(page.get("body") or b""), "referer": page.get("referer"),
        "report_url": page.get("report_url"),
        "findings": json.dumps([*(page.get("findings") or []), *_page_flags(record)],
                               ensure_ascii=False, default=str),
        "run_id": run_id,
    }


def _page_flags(record: Mapping[str, Any]) -> list[dict]:
    # A page without a report has no quality_flags rows (they hang off reports): the
    # flags of a binary served as a page or of an unreadable attachment would be lost,
    # so they are kept among the page's findings.
    if "fields" in record:
        return []
    return [{"kind": f.get("code"), "reason": f.get("message")}
            for f in record.get("quality") or []]


def report_row(page: Mapping[str, Any], record: Mapping[str, Any], digest: str) -> dict:
    """The reports row: metadata, headline figures, spam and quality summaries."""
    region = record.get("region") or {}
    spam = record.get("spam") or {}
    quality = record.get("quality") or []
    return {
        "url": page["url"], "site": page.get("site"), "title": record.get("title"),
        "agency": record.get("agency"), "province": region.get("province"),
        "city": region.get("city"), "county": region.get("county"),
        "division_code": region.get("code"), "report_year": record.get("report_year"),
        "publish_date": record.get("publish_date"), "scope": record.get("scope"),
        "format_version": record.get("format_version"),
        "sections": json.dumps(record.get("sections") or []),
        **headline_figures(record.get("fields") or {}),
        "cell_count": sum(1 for v in (record.get("fields") or {}).values() if v is not None),
        "is_spam": int(bool(spam.get("is_spam"))), "spam_score": spam.get("score"),
        "spam_kinds": json.dumps(spam.get("kinds") or []),
        "source_kind": spam.get("source_kind"), "quality_count": len(quality),
        "quality_codes": json.dumps(sorted({f["code"] for f in quality})),
        "list_title": page.get("list_title"), "list_date": page.get("list_date"),
        "fetched_at": page.get("fetched_at"), "sha256": digest,
        "text": record.get("text"),
    }


# The report_cells columns written per cell, and the cell's key for each (after the URL).
CELL_COLUMNS = ("report_url", "field", "table_name", "value", "raw", "row_label",
                "col_label", "row", "col", "method")
_CELL_KEYS = ("table", "value", "raw", "row_label", "col_label", "row", "col", "method")


def _cells(url: str, record: Mapping[str, Any]) -> list[tuple]:
    """The report_cells values of a record's cells, in CELL_COLUMNS order."""
    return [(url, c["field"], *map(c.get, _CELL_KEYS)) for c in record.get("cells") or []]


def _numbered(url: str, figures: Iterable[Mapping[str, Any]]) -> list[dict]:
    return [
        {"report_url": url, "position": i, "name": f.get("name"), "value": f.get("value"),
         "unit": f.get("unit"), "sentence": f.get("sentence")}
        for i, f in enumerate(figures)
    ]


def _flags(url: str, record: Mapping[str, Any]) -> list[dict]:
    return [
        {"report_url": url, "position": i, "code": f.get("code"), "message": f.get("message"),
         "details": json.dumps(f.get("details") or {}, ensure_ascii=False, default=str)}
        for i, f in enumerate(record.get("quality") or [])
    ]


def _findings(page: Mapping[str, Any], record: Mapping[str, Any]) -> list[dict]:
    evidence = (record.get("spam") or {}).get("evidence") or []
    return [
        {"page_url": page["url"], "position": i, "site": page.get("site"),
         "kind": e.get("kind"), "text": e.get("text"), "start": e.get("start"),
         "end": e.get("end"), "dom_path": e.get("dom_path")}
        for i, e in enumerate(evidence)
    ]


def store_attachments(db: Database, report_url: str, report_record: Mapping[str, Any],
                      attachments: Iterable[tuple[Mapping[str, Any], Mapping[str, Any], str]]
                      ) -> None:
    """Store a report's attachments (page, record, digest) and where its cells came from.

    One ``attachments`` row per file: type sniffed from the bytes, size, SHA-256, how it
    was read and its flags; the report's cells get their source, page and confidence.
    """
    cells = report_record.get("cells") or []
    used: dict[str, int] = {}
    for cell in cells:
        used[cell.get("source")] = used.get(cell.get("source"), 0) + 1
    rows = [_attachment_row(report_url, page, record, digest, used.get(page["url"], 0))
            for page, record, digest in attachments]  # fmt: skip
    with db.atomic():
        db.conn.execute("DELETE FROM attachments WHERE report_url = ?", [report_url])
        insert_rows(db.conn, "attachments", rows, "INSERT OR REPLACE")
        db.conn.executemany(
            "UPDATE report_cells SET source = ?, source_page = ?, confidence = ?"
            " WHERE report_url = ? AND field = ?",
            [(c.get("source"), c.get("source_page"), c.get("confidence"), report_url,
              c["field"]) for c in cells if "source" in c],
        )  # fmt: skip


def _attachment_row(report_url: str, page: Mapping[str, Any], record: Mapping[str, Any],
                    digest: str, cell_count: int) -> dict[str, Any]:
    document = record.get("document") or {}
    flags = [*(document.get("flags") or []),
             *({"code": f["kind"], "message": f.get("reason")} for f in page.get("findings") or [])]
    return {
        "report_url": report_url, "url": page["url"],
        "type": document.get("format") or record.get("format"),
        "extension": _extension(page["url"]), "size": len(page.get("body") or b""),
        "sha256": digest, "method": document.get("method"), "pages": document.get("pages"),
        "tables": document.get("tables"), "text_length": document.get("text_length"),
        "cell_count": cell_count,
        "flags": json.dumps(flags, ensure_ascii=False, default=str),
        "flag_codes": json.dumps(sorted({f["code"] for f in flags})),
    }  # fmt: skip


def _extension(url: str) -> str | None:
    # The last one: download endpoints name the file in the query (…?fileName=a.xlsx).
    found = re.findall(r"\.([A-Za-z0-9]{2,4})(?=$|[?#&])", unquote(url))
    return found[-1].lower() if found else None
