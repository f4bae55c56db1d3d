"""Checks across years: this year's 上年结转 against last year's 结转下年度, and so on.

They need several reports of one agency, so they run over the warehouse once a crawl
(or a rebuild) has stored its reports, and store their findings as quality flags.
"""

from __future__ import annotations

import json
from collections import defaultdict

from sqlite_utils import Database

from pipelines.validate import CROSS_YEAR_PREFIXES, cross_year_flags
from warehouse.refresh import refresh_warehouse
from warehouse.store import insert_rows

CROSS_YEAR_CODES = ("REQ_CARRY_CHAIN", "ACTIVE_IN_FORCE_CHAIN")


def check_cross_year(db: Database) -> int:
    """Flag every report whose figures do not follow from its agency's year before.

    Agencies are matched by site and name as written; spam pages are left out. The
    flags are recomputed from scratch each time; returns how many were stored.
    """
    with db.atomic():
        return _check(db)


def _check(db: Database) -> int:
    marks = ",".join("?" * len(CROSS_YEAR_CODES))
    db.execute(f"delete from quality_flags where code in ({marks})", CROSS_YEAR_CODES)
    years: dict[tuple[str, str], dict[int, str]] = defaultdict(dict)
    for row in db.query("select url, site, agency, report_year from reports where is_spam = 0"
                        " and agency is not null and report_year is not null"):
        years[(row["site"], row["agency"])][row["report_year"]] = row["url"]
    stored = 0
    for by_year in years.values():
        fields: dict[str, dict[str, float | None]] = {}  # the agency's reports', read once
        for year in sorted(by_year):
            before = by_year.get(year - 1)
            if before is None:
                continue
            url = by_year[year]
            flags = cross_year_flags(_fields(db, url, fields), _fields(db, before, fields))
            if flags:
                stored += _store(db, url, before, flags)
    _recount(db)
    return stored


def _fields(db: Database, url: str, cache: dict[str, dict]) -> dict[str, float | None]:
    """The fields of a report the cross-year checks read (a key range per prefix)."""
    if url not in cache:
        cache[url] = {field: value for field, value in
                      db.execute(_FIELDS_SQL, [url, *_RANGES]).fetchall()}
    return cache[url]


def _after(prefix: str) -> str:
    """The first string after every string that begins with prefix."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


_RANGES = [bound for prefix in CROSS_YEAR_PREFIXES for bound in (prefix, _after(prefix))]
_FIELDS_SQL = ("select field, value from report_cells where report_url = ? and ("
               + " or ".join(["(field >= ? and field < ?)"] * len(CROSS_YEAR_PREFIXES)) + ")")


def _store(db: Database, url: str, before: str, flags) -> int:
    start = next(db.query("select coalesce(max(position), -1) + 1 as p from quality_flags"
                          " where report_url = ?", [url]))["p"]
    insert_rows(db.conn, "quality_flags", [
        {"report_url": url, "position": start + i, "code": f.code, "message": f.message,
         "details": json.dumps({**f.details, "previous_report": before}, ensure_ascii=False)}
        for i, f in enumerate(flags)
    ])
    return len(flags)


def _recount(db: Database) -> None:
    db.execute(
        "update reports set quality_count = (select count(*) from quality_flags q"
        " where q.report_url = reports.url), quality_codes = (select coalesce(json_group_array("
        "code), '[]') from (select distinct code from quality_flags q where q.report_url ="
        " reports.url order by code))"
    )


def finish_warehouse(db: Database) -> int:
    """After a crawl, rebuild or merge: cross-year checks, then views and search.

    Returns the number of cross-year flags stored.
    """
    flags = check_cross_year(db)
    refresh_warehouse(db)
    return flags
