"""Reports beyond HTML on the crawled mirror: attachment-only reports read cell by cell."""

from __future__ import annotations

import json
import sqlite3

import pytest

from crawler.links import is_table_image
from tests.conftest import load_manifest


def _rows(db, sql: str, *args) -> list[sqlite3.Row]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(sql, args).fetchall()


def _cells(db, report_url: str) -> dict[str, sqlite3.Row]:
    return {
        r["field"]: r
        for r in _rows(
            db, "select * from report_cells where report_url = ?", report_url
        )
    }


def test_attachment_only_reports_read_every_cell(crawled):
    db, _, _ = crawled
    attachments = [
        p for p in load_manifest() if p["kind"] == "attachment" and p.get("fields")
    ]
    kinds = {p["file_type"] for p in attachments}
    assert kinds >= {"pdf", "docx", "xlsx", "doc", "wps"}
    wrong = []
    for attachment in attachments:
        cells = _cells(db, attachment["parent"])
        for field, value in attachment["fields"].items():
            cell = cells.get(field)
            if (
                cell is None
                or cell["value"] != value
                or cell["source"] != attachment["url"]
            ):
                wrong.append(
                    (attachment["url"], field, value, dict(cell) if cell else None)
                )
    assert not wrong, f"{len(wrong)} cells differ, e.g. {wrong[:3]}"


def test_scanned_pdf_cells_come_from_ocr_with_confidence(crawled):
    db, _, _ = crawled
    (scan,) = [
        p
        for p in load_manifest()
        if p["kind"] == "attachment" and "审计厅" in p["title"]
    ]
    cells = _cells(db, scan["parent"]).values()
    assert len(cells) == 200
    assert all(c["method"] == "ocr" and c["confidence"] > 0.5 for c in cells)
    assert {c["source_page"] for c in cells} == {1, 2, 3}


def test_attachments_recorded_with_sniffed_type_and_digest(crawled):
    db, _, _ = crawled
    rows = {r["url"]: r for r in _rows(db, "select * from attachments")}
    pages = {
        r["url"]: r
        for r in _rows(db, "select url, sha256 from pages where kind = 'attachment'")
    }
    for attachment in (p for p in load_manifest() if p["kind"] == "attachment"):
        row = rows[attachment["url"]]
        assert row["report_url"] == attachment["parent"]
        assert row["type"] == attachment["file_type"], attachment["url"]
        assert row["sha256"] == pages[attachment["url"]]["sha256"] and row["size"] > 0
        assert row["tables"] == 3 and row["method"] != "none"
        if attachment.get("fields"):
            assert row["cell_count"] == 200


def test_pages_and_their_attachments_agree(crawled):
    db, _, _ = crawled
    both = [p["parent"] for p in load_manifest()
            if p["kind"] == "attachment" and not p.get("fields")]  # fmt: skip
    assert both
    for url in both:
        codes = json.loads(
            _rows(db, "select quality_codes from reports where url = ?", url)[0][0]
        )
        assert "attachment_disagrees" not in codes, url
        assert {c["source"] for c in _cells(db, url).values()} == {url}


def test_table_pictures_in_a_report_body(crawled):
    db, _, _ = crawled
    (report,) = [p for p in load_manifest() if p.get("image_fields")]
    images = [p["url"] for p in load_manifest() if p["kind"] == "image"]
    assert all(is_table_image(url, "600") for url in images)
    fetched = _rows(db, "select url from pages where report_url = ?", report["url"])
    if not fetched:
        pytest.skip(
            "the spider does not fetch <img> tables yet (crawler.links.is_table_image)"
        )
    cells = _cells(db, report["url"])
    assert {
        f: cells[f]["value"] if f in cells else None for f in report["image_fields"]
    } == (report["image_fields"])
    assert {c["method"] for c in cells.values()} == {"ocr"}
