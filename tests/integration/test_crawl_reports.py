"""Report understanding on the crawled mirror: every table cell the page prints, exactly."""

from __future__ import annotations

import sqlite3

from tests.conftest import load_manifest


def _cells(db) -> dict[str, dict[str, float | None]]:
    out: dict[str, dict[str, float | None]] = {}
    with sqlite3.connect(db) as conn:
        for url, field, value in conn.execute("select report_url, field, value from report_cells"):
            out.setdefault(url, {})[field] = value
    return out


def test_every_printed_cell_read_exactly(crawled):
    db, _, _ = crawled
    cells = _cells(db)
    pages = [p for p in load_manifest() if p["kind"] == "report" and p.get("fields")]
    assert len(pages) >= 40
    wrong = []
    for page in pages:
        got = cells.get(page["url"], {})
        for field, value in page["fields"].items():
            if got.get(field) != value:
                wrong.append((page["url"], field, value, got.get(field)))
    assert not wrong, f"{len(wrong)} cells differ, e.g. {wrong[:5]}"


def test_reports_carry_agency_and_year_of_the_list(crawled):
    db, _, _ = crawled
    with sqlite3.connect(db) as conn:
        rows = dict(((u, (a, y)) for u, a, y in conn.execute(
            "select url, agency, report_year from reports")))
    misses = [(p["url"], p["agency"], p["year"], rows.get(p["url"]))
              for p in load_manifest() if p["kind"] == "report" and p.get("fields")
              and rows.get(p["url"], (None, None))[1] != p["year"]]
    assert not misses, misses[:5]
