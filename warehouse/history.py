"""Versions of a page over re-crawls: what changed, when, and which numbers moved.

Each store of a page compares its SHA-256 with the stored one: the same bytes only
mark the page as seen again; new bytes make a new version of the report beside the
old ones, with the fields whose values changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlite_utils import Database


def previous_page(db: Database, url: str) -> dict[str, Any] | None:
    """The stored pages row of a URL, if any."""
    cursor = db.conn.execute("select * from pages where url = ?", [url])
    row = cursor.fetchone()
    return dict(zip((c[0] for c in cursor.description), row)) if row else None


def stored_fields(db: Database, url: str) -> dict[str, float | None]:
    """The table cells stored for a report, by field name."""
    return dict(db.conn.execute("select field, value from report_cells where report_url = ?",
                                [url]))


def changed_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list]:
    """Fields whose value differs between two versions: {field: [old, new]}."""
    return {
        name: [old.get(name), new.get(name)]
        for name in sorted(set(old) | set(new))
        if old.get(name) != new.get(name)
    }


def add_version(db: Database, url: str, digest: str, seen_at: str,
                fields: Mapping[str, Any], changed: Mapping[str, list] | None) -> None:
    """Record a new version of a report (the first one has no changed fields)."""
    last = db.conn.execute("select max(version) from report_versions where url = ?",
                           [url]).fetchone()[0] or 0
    db.conn.execute(
        "insert into report_versions (url, version, sha256, first_seen, last_seen, fields,"
        " changed_fields, changed_count) values (?, ?, ?, ?, ?, ?, ?, ?)",
        [url, last + 1, digest, seen_at, seen_at, json.dumps(dict(fields), ensure_ascii=False),
         json.dumps(changed or {}, ensure_ascii=False), len(changed or {})],
    )


def touch_page(db: Database, url: str, seen_at: str, run_id: str | None) -> None:
    """Mark an unchanged page (and its current version) as seen again."""
    db.conn.execute("update pages set last_seen = ?, last_run = ?, gone_at = null where url = ?",
                    [seen_at, run_id, url])
    db.conn.execute(
        "update report_versions set last_seen = ? where url = ? and version ="
        " (select max(version) from report_versions where url = ?)",
        [seen_at, url, url],
    )


def mark_gone(db: Database, sites: Iterable[str], run_id: str, at: str) -> int:
    """Reports of these sites not seen by this run: mark them gone; return how many."""
    sites = list(sites)
    if not sites:
        return 0
    marks = ",".join("?" * len(sites))
    where = (f"kind = 'report' and gone_at is null and site in ({marks})"
             " and (last_run is null or last_run != ?)")
    count = next(db.query(f"select count(*) as n from pages where {where}", [*sites, run_id]))["n"]
    db.execute(f"update pages set gone_at = ? where {where}", [at, *sites, run_id])
    return count


def record_failure(db: Database, url: str, status: int | None, at: str,
                   findings: str) -> bool:
    """A failed fetch of a stored page: keep its content, note the failure.

    A 404 or 410 marks the page gone; other failures (5xx, timeouts) only leave the
    finding. Returns False when the page was never stored (the caller stores it).
    """
    old = previous_page(db, url)
    if old is None or old["status"] != 200:
        return False
    gone_at = at if status in (404, 410) else old["gone_at"]
    db.execute("update pages set findings = ?, gone_at = ? where url = ?", [findings, gone_at, url])
    return True
