"""A real `scrapy crawl gansu_reports` over the mirror, checked against its manifest."""

from __future__ import annotations

import sqlite3
from urllib.parse import urlsplit

from crawler.registry import load_registry
from tests.conftest import load_manifest, run_crawl


def _urls(manifest: list[dict], *kinds: str) -> set[str]:
    return {page["url"] for page in manifest if page["kind"] in kinds}


def _rows(db, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def test_every_report_found_and_nothing_else(crawled):
    db, _, _ = crawled
    manifest = load_manifest()
    found = {url for (url,) in _rows(db, "select url from pages where kind = 'report'")}
    expected = _urls(manifest, "report", "off_registry_redirect")
    assert found == expected, (
        f"missing: {sorted(expected - found)[:10]}; unexpected: {sorted(found - expected)[:10]}"
    )


def test_non_reports_and_robots_disallowed_never_fetched(crawled):
    _, _, log = crawled
    fetched = {(entry["host"], entry["path"]) for entry in log}
    for page in load_manifest():
        if page["kind"] in ("not_report", "robots_disallowed"):
            parts = urlsplit(page["url"])
            assert (parts.hostname, parts.path) not in fetched, page["url"]


def test_nothing_outside_the_registry_fetched(crawled):
    _, _, log = crawled
    hosts = load_registry().hosts
    assert {entry["host"] for entry in log} <= hosts


def _column(url: str) -> str:
    return url.removesuffix("index.html")


def test_every_pagination_style_walked(crawled):
    db, _, _ = crawled
    walked = {_column(u) for (u,) in _rows(db, "select url from pages where kind = 'index'")}
    columns = {_column(u) for u in _urls(load_manifest(), "index")}
    # A hub whose folder holds other columns (Zhangye's list of year columns) lists no
    # reports itself; the registry names the year columns directly.
    hubs = {c for c in columns if c.endswith("/") and any(o != c and o.startswith(c) for o in columns)}
    assert columns - hubs <= walked, sorted(columns - hubs - walked)
    sites = dict(_rows(db, "select site, count(*) from pages where kind='report' group by site"))
    manifest_sites = {p["site"] for p in load_manifest() if p["kind"] == "report"}
    assert set(sites) == manifest_sites  # the 412 site and the JS-built list included


def test_off_registry_redirect_recorded_not_followed(crawled):
    db, _, log = crawled
    (page,) = [p for p in load_manifest() if p["kind"] == "off_registry_redirect"]
    status, findings = _rows(db, "select status, findings from pages where url = ?",
                             page["url"])[0]
    assert 300 <= status < 400
    assert "off_registry_redirect" in findings


def test_attachments_stored_with_their_report(crawled):
    db, _, _ = crawled
    rows = _rows(db, "select url, report_url, sha256, size from pages where kind='attachment'")
    assert {url for url, *_ in rows} == _urls(load_manifest(), "attachment", "image")
    assert all(report_url and len(sha) == 64 and size > 0 for _, report_url, sha, size in rows)


def test_rows_trace_to_archived_bytes(crawled):
    db, _, _ = crawled
    import hashlib

    raw = db.parent / "raw"
    for url, digest in _rows(db, "select url, sha256 from pages where kind = 'report'"):
        body = (raw / digest[:2] / digest[2:4] / digest).read_bytes()
        assert hashlib.sha256(body).hexdigest() == digest, url


def test_crawl_summary_printed(crawled):
    db, output, _ = crawled
    summary = output[output.index("Crawl finished"):]
    assert f"database: {db}" in summary
    for site in {p["site"] for p in load_manifest()}:
        assert f"\n{site} " in summary


def test_browser_started_once_for_the_challenge_and_the_js_list(crawled):
    _, output, _ = crawled
    assert output.count("A page needs a browser: starting Playwright") == 1
    assert output.count("Starting download handler") == 1


def test_crawl_run_recorded(crawled):
    db, _, _ = crawled
    ((stats,),) = _rows(db, "select stats from crawl_runs")
    assert '"nianbao/store/pages"' in stats


def test_the_child_processes_end_cleanly(crawled):
    _, output, _ = crawled
    # multiprocessing prints "Process <name>:" over the traceback of a child that raised.
    assert "Process nianbao-warehouse" not in output and "Traceback" not in output


def test_recrawl_adds_no_duplicates(mirror, crawled, tmp_path):
    db, _, _ = crawled
    copy = tmp_path / "again.db"
    with sqlite3.connect(db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    before = {t: _rows(copy, f"select count(*) from {t}")[0][0]
              for t in ("pages", "reports", "report_cells", "quality_flags", "spam_findings")}
    result = run_crawl(mirror.base_url, copy)
    assert result.returncode == 0, result.stderr[-2000:]
    after = {t: _rows(copy, f"select count(*) from {t}")[0][0] for t in before}
    assert after == before
    assert _rows(copy, "select count(*) from crawl_runs")[0][0] == 2
