"""store_page: the flags of a page without a report are kept with the page."""

from __future__ import annotations

import json

from warehouse.schema import open_db
from warehouse.store import store_page, store_sites


def test_flags_of_a_page_without_report_are_stored_as_findings(tmp_path):
    db = open_db(tmp_path / "reports.db")
    store_sites(
        db,
        [
            {
                "id": "x",
                "name": "x",
                "level": "city",
                "hosts": ["www.x.gov.cn"],
                "platform": "generic",
            }
        ],
    )
    page = {
        "url": "https://www.x.gov.cn/a.html",
        "site": "x",
        "kind": "report",
        "status": 200,
        "body": b"\x00bin",
        "findings": [{"kind": "probe_failed", "reason": "timeout"}],
    }
    record = {
        "page_kind": "binary",
        "quality": [{"code": "attachment_unsupported", "message": "no reader"}],
    }
    store_page(db, page, record, "0" * 64)
    findings = json.loads(db["pages"].get(page["url"])["findings"])
    assert [f["kind"] for f in findings] == ["probe_failed", "attachment_unsupported"]
    assert db["quality_flags"].count == 0 and db["reports"].count == 0
