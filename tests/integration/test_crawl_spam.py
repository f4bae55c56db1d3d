"""Spam on the crawled mirror: every injected page caught with its kinds, no clean page flagged."""

from __future__ import annotations

import json
import sqlite3

from tests.conftest import load_manifest


def _reports(db) -> dict[str, dict]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return {row["url"]: dict(row) for row in conn.execute("select * from reports")}


def test_every_spam_page_caught_with_its_kinds(crawled):
    db, _, _ = crawled
    reports = _reports(db)
    spam_pages = [p for p in load_manifest() if p["kind"] == "report" and p.get("spam")]
    assert len(spam_pages) >= 10
    for page in spam_pages:
        row = reports[page["url"]]
        found = set(json.loads(row["spam_kinds"]))
        assert row["is_spam"] == 1, page["url"]
        assert set(page.get("spam_kinds", [])) <= found, (page["url"], page["spam_kinds"], found)


def test_no_clean_report_flagged(crawled):
    db, _, _ = crawled
    reports = _reports(db)
    clean = [p["url"] for p in load_manifest() if p["kind"] == "report" and not p.get("spam")]
    flagged = [url for url in clean if reports[url]["is_spam"]]
    assert not flagged


def test_cloaking_caught_by_the_second_fetch(crawled):
    db, _, log = crawled
    (page,) = [p for p in load_manifest() if "cloaking" in p.get("spam_kinds", [])]
    with sqlite3.connect(db) as conn:
        probe, findings = conn.execute(
            "select p.probe_sha256, (select count(*) from spam_findings f"
            " where f.page_url = p.url and f.kind = 'cloaking') from pages p where p.url = ?",
            [page["url"]]).fetchone()
    assert probe and findings == 1
    agents = {e["user_agent"] for e in log if page["url"].endswith(e["path"])}
    assert any("Baiduspider" in a for a in agents) and any(a.startswith("nianbao/") for a in agents)


def test_only_the_cloaking_check_presents_as_a_search_engine(crawled):
    _, _, log = crawled
    for entry in log:
        if "Baiduspider" in entry["user_agent"]:
            assert entry["referer"].startswith("https://www.baidu.com/s?wd="), entry
    report_paths = {p["url"].split("/", 3)[3] for p in load_manifest() if p["kind"] == "report"}
    bot_paths = {e["path"].lstrip("/") for e in log if "Baiduspider" in e["user_agent"]}
    assert bot_paths <= report_paths


def test_spam_findings_carry_evidence(crawled):
    db, _, _ = crawled
    with sqlite3.connect(db) as conn:
        rows = conn.execute("select kind, text, site from spam_findings").fetchall()
    assert rows and all(kind and text and site == "lxs" for kind, text, site in rows)
