"""Re-crawls: unchanged pages skipped, edited reports versioned, vanished pages kept and marked."""

from __future__ import annotations

import json
import sqlite3
from urllib.parse import urlsplit

import pytest

from tests.conftest import load_manifest, run_crawl
from tests.mirror.server import SITES, start_server


NO_OCR = ("-s", "OCR_ENABLED=False")  # seconds a table, and beside the point here


@pytest.fixture(scope="module")
def private_mirror():
    """A mirror of its own: this module edits pages on it."""
    server = start_server(port=0)
    yield server
    server.stop()


def _page_file(url: str):
    parts = urlsplit(url)
    return SITES / parts.hostname / parts.path.lstrip("/")


def _pick_edit(manifest):
    """A generated report whose 'new requests, total' is printed once: edit that number."""
    for page in manifest:
        total = (page.get("fields") or {}).get("requests.new.total")
        if page["kind"] != "report" or page.get("spam") or not total:
            continue
        html = _page_file(page["url"]).read_text(encoding="utf-8")
        if html.count(f">{total}<") == 1:
            return page, html.replace(f">{total}<", f">{total + 7}<"), total
    raise AssertionError("no report with a unique total to edit")


def _stats(output: str) -> dict[str, int]:
    found = {}
    for key in ("new", "changed", "unchanged", "gone", "failed_kept"):
        marker = f"'nianbao/incremental/{key}': "
        if marker in output:
            found[key] = int(output.split(marker)[1].split(",")[0].split("}")[0])
    return found


def test_recrawl_skips_unchanged_versions_edits_and_keeps_vanished(private_mirror, tmp_path):
    db = tmp_path / "reports.db"
    first = run_crawl(private_mirror.base_url, db, *NO_OCR)
    assert first.returncode == 0, first.stderr[-2000:]
    manifest = load_manifest()
    edited, new_html, total = _pick_edit(manifest)
    vanished = next(p for p in manifest if p["kind"] == "report" and p["url"] != edited["url"]
                    and not p.get("spam") and p.get("fields"))
    with sqlite3.connect(db) as conn:
        kept_cells = conn.execute("select count(*) from report_cells where report_url = ?",
                                  [vanished["url"]]).fetchone()[0]
    private_mirror.override(edited["url"], new_html.encode("utf-8"))
    private_mirror.override(vanished["url"], None)
    mark = len(private_mirror.log)
    try:
        second = run_crawl(private_mirror.base_url, db, *NO_OCR)
    finally:
        private_mirror.clear_overrides()
    assert second.returncode == 0, second.stderr[-2000:]

    stats = _stats(second.stderr)
    reports = sum(1 for p in manifest if p["kind"] in ("report", "off_registry_redirect"))
    assert stats.get("changed") == 1 and stats.get("new", 0) == 0
    assert stats.get("unchanged") == reports - 2 and stats.get("failed_kept") == 1

    # The server was asked conditionally and answered 304 for what had not changed.
    revalidated = private_mirror.log[mark:]
    assert sum(1 for e in revalidated if e["status"] == 304) >= reports - 5

    with sqlite3.connect(db) as conn:
        versions = conn.execute(
            "select version, changed_fields from report_versions where url = ? order by version",
            [edited["url"]]).fetchall()
        value = conn.execute("select value from report_cells where report_url = ? and field = ?",
                             [edited["url"], "requests.new.total"]).fetchone()[0]
        gone_at, status = conn.execute("select gone_at, status from pages where url = ?",
                                       [vanished["url"]]).fetchone()
        cells_after = conn.execute("select count(*) from report_cells where report_url = ?",
                                   [vanished["url"]]).fetchone()[0]
    assert [v for v, _ in versions] == [1, 2]
    assert json.loads(versions[1][1])["requests.new.total"] == [total, total + 7]
    assert value == total + 7
    assert gone_at and status == 200 and cells_after == kept_cells > 0
