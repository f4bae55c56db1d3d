"""The coverage ledger: which expected reports were found, missing, late or incomplete.

Expected agencies, per registry site: the site's own body (its government report) and
every agency whose report was ever found on the site (a department that published once
is expected every year). Each is expected for every ledger year. The ledger is a plain
table, rebuilt on each refresh, so Datasette can facet it by site, year and status.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sqlite_utils import Database

logger = logging.getLogger(__name__)

DEADLINES_FILE = Path(__file__).parent / "data" / "deadlines.yaml"
COVERAGE_TABLE = "coverage"
COLUMNS = {
    "site": str,
    "level": str,
    "agency": str,
    "scope": str,
    "city": str,
    "county": str,
    "report_year": int,
    "status": str,
    "reports": int,
    "report_url": str,
    "publish_date": str,
    "deadline": str,
    "days_late": int,
    "published_late": int,
    "tables_missing": int,
    "attachment_only": int,
    "format_version": str,
    "quality_codes": str,
    "is_spam": int,
}
# The columns of reports the ledger reads (not the text: a million texts do not fit in memory).
REPORT_COLUMNS = (
    "url", "site", "agency", "report_year", "scope", "city", "county", "publish_date",
    "list_date", "format_version", "cell_count", "is_spam", "spam_kinds", "source_kind",
    "quality_codes",
)  # fmt: skip
# Covers coverage_by_site (a grouped scan by site and year, no table look-ups).
SUMMARY_INDEX = ("site", "report_year", "status", "published_late", "tables_missing",
                 "attachment_only")  # fmt: skip


@dataclass(frozen=True)
class CoverageSummary:
    """Counts of one ledger build."""

    rows: int
    found: int
    missing: int
    late: int
    years: tuple[int, ...]


@lru_cache(maxsize=1)
def load_deadlines(path: Path = DEADLINES_FILE) -> dict[str, Any]:
    """The publication deadlines (data/deadlines.yaml)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def deadline_for(report_year: int, scope: str | None) -> date:
    """The day a report on report_year was due (departments' rule unless government)."""
    rules = load_deadlines()
    if report_year <= rules["before"]["last_report_year"]:
        rules = rules["before"]
    month_day = rules["government" if scope == "government" else "agency"]
    month, day = (int(part) for part in month_day.split("-"))
    return date(report_year + 1, month, day)


def build_coverage(db: Database, years: Iterable[int] | None = None) -> CoverageSummary:
    """Rebuild the coverage table: expected agencies of each site x years."""
    columns = ", ".join(f"[{c}]" for c in REPORT_COLUMNS)
    reports = list(db.query(f"SELECT {columns} FROM reports WHERE agency IS NOT NULL"))
    years = tuple(sorted(set(years))) if years is not None else default_years(reports)
    attachments = {
        r[0]
        for r in db.execute(
            "SELECT DISTINCT report_url FROM pages WHERE kind = 'attachment'"
        ).fetchall()
    }
    by_key: dict[tuple, list[dict]] = defaultdict(list)
    for report in reports:
        by_key[report["site"], report["agency"], report["report_year"]].append(report)
    rows = [
        ledger_row(
            site, agency, year, facts, by_key.get((site, agency, year), []), attachments
        )
        for site, agencies in expected_agencies(db, reports).items()
        for agency, facts in agencies.items()
        for year in years
    ]
    with db.conn:
        create_coverage_table(db)
        db[COVERAGE_TABLE].insert_all(rows)
        index_coverage(db)
    summary = CoverageSummary(
        rows=len(rows),
        found=sum(r["status"] == "found" for r in rows),
        missing=sum(r["status"] == "missing" for r in rows),
        late=sum(bool(r.get("published_late")) for r in rows),
        years=years,
    )
    logger.debug("coverage ledger: %s", summary)
    return summary


def create_coverage_table(db: Database) -> None:
    """An empty coverage table (dropping the last one)."""
    db[COVERAGE_TABLE].drop(ignore=True)
    db[COVERAGE_TABLE].create(COLUMNS, pk=("site", "agency", "report_year"))


def index_coverage(db: Database) -> None:
    """The ledger's index, made once its rows are in."""
    db[COVERAGE_TABLE].create_index(SUMMARY_INDEX, if_not_exists=True)


def default_years(reports: list[dict]) -> tuple[int, ...]:
    """From the first year of the current format rules to the last year found."""
    first = load_deadlines()["first_expected_year"]
    found = [r["report_year"] for r in reports if r["report_year"]]
    if not found:
        return ()
    return tuple(range(min(first, max(found)), max(found) + 1))


def expected_agencies(db: Database, reports: list[dict]) -> dict[str, dict[str, dict]]:
    """site -> agency -> {level, scope, city, county}: its body and agencies found."""
    expected: dict[str, dict[str, dict]] = defaultdict(dict)
    for site in db.query("SELECT id, name, level FROM sites ORDER BY id"):
        expected[site["id"]][site["name"]] = {
            "level": site["level"],
            "scope": "government",
            "city": None,
            "county": None,
        }
    levels = {s: next(iter(a.values()))["level"] for s, a in expected.items()}
    for report in sorted(reports, key=lambda r: r["report_year"] or 0):
        if _copied(report):
            continue  # a clone of another region's report names no agency of this site
        facts = expected[report["site"]].setdefault(report["agency"], {})
        facts.update(
            level=levels.get(report["site"]),
            scope=report["scope"],
            city=report["city"],
            county=report["county"],
        )
    return expected


def ledger_row(
    site: str,
    agency: str,
    year: int,
    facts: dict,
    found: list[dict],
    attachments: set[str],
) -> dict[str, Any]:
    """One ledger row; of several reports, the non-spam one with most cells counts."""
    row = {
        "site": site,
        "agency": agency,
        "report_year": year,
        "reports": len(found),
        **facts,
        "deadline": deadline_for(year, facts.get("scope")).isoformat(),
    }
    if not found:
        return {**row, "status": "missing"}
    best = max(found, key=lambda r: (not r["is_spam"], r["cell_count"] or 0))
    codes = json.loads(best["quality_codes"] or "[]")
    published = best["publish_date"] or best["list_date"]
    days_late = _days_late(published, row["deadline"])
    return {
        **row,
        "status": "found",
        "report_url": best["url"],
        "publish_date": published,
        "days_late": days_late,
        "published_late": None if days_late is None else int(days_late > 0),
        "tables_missing": int("tables_missing" in codes),
        "attachment_only": int(best["url"] in attachments and not best["cell_count"]),
        "format_version": best["format_version"],
        "quality_codes": best["quality_codes"],
        "is_spam": best["is_spam"],
    }


def _copied(report: dict) -> bool:
    kinds = json.loads(report["spam_kinds"] or "[]")
    return report["source_kind"] not in (None, "official") or "clone_domain" in kinds


def _days_late(published: str | None, deadline: str) -> int | None:
    try:
        return (date.fromisoformat(published[:10]) - date.fromisoformat(deadline)).days
    except (TypeError, ValueError):
        return (
            None  # no readable publish date: lateness unknown, left blank in the ledger
        )
