"""The warehouse tables, created and changed through sqlite-utils Migrations."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from warehouse.headline import HEADLINE

migrations = Migrations("nianbao")


@migrations()
def m001_initial(db: Database) -> None:
    db["sites"].create(
        {
            "id": str, "name": str, "level": str, "division": str, "parent": str,
            "hosts": str, "platform": str, "render": int, "challenge": str,
            "status": str, "evidence": str,
        },
        pk="id",
    )
    db["crawl_runs"].create(
        {
            "run_id": str, "spider": str, "args": str, "started_at": str,
            "finished_at": str, "reason": str, "stats": str, "summary": str,
        },
        pk="run_id",
    )
    db["pages"].create(
        {
            "url": str, "site": str, "kind": str, "list_title": str, "list_date": str,
            "status": int, "content_type": str, "encoding": str, "page_kind": str,
            "format": str, "page_title": str, "fetched_at": str, "sha256": str,
            "size": int, "referer": str, "report_url": str, "findings": str,
            "run_id": str,
        },
        pk="url",
        foreign_keys=[("site", "sites", "id")],
    )
    db["reports"].create(
        {
            "url": str, "site": str, "title": str, "agency": str, "province": str,
            "city": str, "county": str, "division_code": str, "report_year": int,
            "publish_date": str, "scope": str, "format_version": str, "sections": str,
            **{column: float for column in HEADLINE},
            "cell_count": int, "is_spam": int, "spam_score": float, "spam_kinds": str,
            "source_kind": str, "quality_count": int, "quality_codes": str,
            "list_title": str, "list_date": str, "fetched_at": str, "sha256": str,
            "text": str,
        },
        pk="url",
        foreign_keys=[("url", "pages", "url"), ("site", "sites", "id")],
    )
    db["report_cells"].create(
        {
            "report_url": str, "field": str, "table_name": str, "value": float,
            "raw": str, "row_label": str, "col_label": str, "row": int, "col": int,
            "method": str,
        },
        pk=("report_url", "field"),
        foreign_keys=[("report_url", "reports", "url")],
    )
    db["narrative_figures"].create(
        {
            "report_url": str, "position": int, "name": str, "value": float,
            "unit": str, "sentence": str,
        },
        pk=("report_url", "position"),
        foreign_keys=[("report_url", "reports", "url")],
    )
    db["quality_flags"].create(
        {"report_url": str, "position": int, "code": str, "message": str, "details": str},
        pk=("report_url", "position"),
        foreign_keys=[("report_url", "reports", "url")],
    )
    db["spam_findings"].create(
        {
            "page_url": str, "position": int, "site": str, "kind": str, "text": str,
            "start": int, "end": int, "dom_path": str,
        },
        pk=("page_url", "position"),
        foreign_keys=[("page_url", "pages", "url"), ("site", "sites", "id")],
    )
    for table, columns in (
        ("pages", ["site"]), ("pages", ["kind"]), ("reports", ["site"]),
        ("reports", ["report_year"]), ("reports", ["city"]), ("report_cells", ["field"]),
        ("quality_flags", ["code"]), ("spam_findings", ["kind"]),
    ):  # fmt: skip
        db[table].create_index(columns, if_not_exists=True)


@migrations()
def m002_probe(db: Database) -> None:
    # The cloaking check's second fetch (as a search engine) is archived too.
    db["pages"].add_column("probe_sha256", str)


@migrations()
def m003_history(db: Database) -> None:
    # Incremental re-crawls and edit history: validators for conditional requests,
    # when a page was first and last seen, when it changed or went away; one row per
    # version of a report; and per-site health of each run.
    for column in ("etag", "last_modified", "first_seen", "last_seen", "last_run",
                   "changed_at", "gone_at"):
        db["pages"].add_column(column, str)
    db["report_versions"].create(
        {
            "url": str, "version": int, "sha256": str, "first_seen": str, "last_seen": str,
            "fields": str, "changed_fields": str, "changed_count": int,
        },
        pk=("url", "version"),
    )
    db["site_runs"].create(
        {
            "run_id": str, "site": str, "index_pages": int, "reports": int,
            "attachments": int, "errors": int, "challenges": int, "health": str,
        },
        pk=("run_id", "site"),
        foreign_keys=[("run_id", "crawl_runs", "run_id"), ("site", "sites", "id")],
    )


@migrations()
def m005_warc(db: Database) -> None:
    # Where each page's records sit in the WARC archive (file name, byte offset).
    db["pages"].add_column("warc_file", str)
    db["pages"].add_column("warc_offset", int)


@migrations()
def m007_county_index(db: Database) -> None:
    # A county's departments of one year (the canned county_departments): with the county
    # in the index, the city's other reports of that year are skipped in the index
    # instead of read from the table (110 -> 5 ms at a million reports). It replaces
    # the (city, report_year) index of m006, its prefix.
    db["reports"].create_index(["city", "report_year", "county"], if_not_exists=True)
    db.execute("DROP INDEX IF EXISTS idx_reports_city_report_year")


def open_db(path: str | Path) -> Database:
    """Open (creating if needed) a warehouse database: WAL mode, schema up to date."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    db.enable_wal()
    migrations.apply(db)
    return db


@migrations()
def m004_attachments(db: Database) -> None:
    # Attachments read as reports (PDF, Word, Excel, WPS, pictures): what each file is
    # (type sniffed from its bytes), how it was read, and where each cell came from.
    db["attachments"].create(
        {
            "report_url": str, "url": str, "type": str, "extension": str, "size": int,
            "sha256": str, "method": str, "pages": int, "tables": int,
            "text_length": int, "cell_count": int, "flags": str, "flag_codes": str,
        },
        pk=("report_url", "url"),
        foreign_keys=[("report_url", "pages", "url")],
    )
    db["attachments"].create_index(["sha256"], if_not_exists=True)
    for column, kind in (("source", str), ("source_page", int), ("confidence", float)):
        db["report_cells"].add_column(column, kind)


@migrations()
def m006_facet_indexes(db: Database) -> None:
    # Datasette's facets and the canned queries at a million reports: a facet on an
    # unindexed column scans the table (500 ms, Datasette's time limit; 70 ms with an
    # index), and a county's departments are read by city and year
    # (tests/benchmarks/README.md).
    for columns in (["province"], ["county"], ["format_version"], ["scope"], ["is_spam"],
                    ["agency"], ["city", "report_year"]):  # fmt: skip
        db["reports"].create_index(columns, if_not_exists=True)


@migrations()
def m008_drop_city_year_index(db: Database) -> None:
    # Migrations run in the order they are defined in this file: m007 (above) ran before
    # m006 on a new warehouse, so m006 made the (city, report_year) index again beside
    # m007's (city, report_year, county). The longer one serves both; the other only
    # slowed every write of a report.
    db.execute("DROP INDEX IF EXISTS idx_reports_city_report_year")
