"""The crawl's analysis in worker processes stores what the in-process analysis stores.

Items are the offline mirror's pages (index and report pages of every site, reports with
their attachments, some with a cloaking probe), in manifest order.
"""

from __future__ import annotations

import asyncio
import concurrent.futures.process
import mimetypes
import multiprocessing
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines import pool
from pipelines.boilerplate import ChromeLearner
from pipelines.chain import analyze_page, to_record
from pipelines.htmltext import parse_document
from pipelines.persist import persist_item
from pipelines.spam_html import html_evidence
from tests.conftest import ROOT, load_manifest
from warehouse.schema import open_db
from warehouse.store import store_sites
from warehouse.warc import WarcArchive, read_pages

SITES = Path(__file__).resolve().parents[1] / "mirror" / "sites"
FETCHED_AT = "2026-11-01T00:00:00+00:00"
# The page whose analysis kills its worker in test_a_dead_worker_loses_no_item.
DEADLY = "https://www.dingxi.gov.cn/zwgk/deadly.html"
STORED = {
    "pages": "select url, site, kind, list_title, status, content_type, encoding, page_kind,"
             " format, page_title, sha256, size, findings, probe_sha256 from pages",
    "reports": "select * from reports",
    "report_cells": "select * from report_cells",
    "narrative_figures": "select * from narrative_figures",
    "quality_flags": "select * from quality_flags",
    "spam_findings": "select * from spam_findings",
    "attachments": "select * from attachments",
    "report_versions": "select url, version, sha256, fields, changed_fields from report_versions",
}


def _file(url: str) -> Path:
    return SITES / url.split("://", 1)[1]


def _page(entry: dict, kind: str) -> dict:
    url = entry["url"]
    return {
        "url": url, "site": entry["site"], "kind": kind, "list_title": entry.get("title"),
        "list_date": entry.get("list_date"), "body": _file(url).read_bytes(), "status": 200,
        "headers": {}, "content_type": mimetypes.guess_type(url)[0], "fetched_at": FETCHED_AT,
        "referer": None, "report_url": entry.get("parent"), "findings": [],
    }


@pytest.fixture(scope="module")
def items() -> list[dict]:
    """The mirror's pages as the spider yields them: attachments under their report."""
    manifest = [e for e in load_manifest() if _file(e["url"]).is_file()]
    attachments: dict[str, list[dict]] = {}
    for entry in manifest:
        if entry["kind"] == "attachment":
            attachments.setdefault(entry["parent"], []).append(_page(entry, "attachment"))
    found = []
    for n, entry in enumerate(e for e in manifest if e["kind"] in ("index", "report")):
        item = _page(entry, entry["kind"])
        if entry["kind"] == "report":
            item["attachments"] = attachments.get(entry["url"], [])
            if n % 3 == 0:  # some with the cloaking check's second fetch
                item["probe"] = {"body": item["body"], "status": 200,
                                 "content_type": item["content_type"], "user_agent": "bot"}
        found.append(item)
    found.insert(5, {**found[0], "url": DEADLY, "kind": "report", "attachments": []})
    assert sum(bool(i.get("attachments")) for i in found) >= 3
    return found


def _in_pool(items: list[dict], analysis: pool.Analysis) -> list[tuple[dict, list[str]]]:
    async def run():
        try:
            return await asyncio.gather(*(analysis.analyze(item) for item in items))
        finally:
            analysis.close()

    return asyncio.run(run())


def _store(results: list[tuple[dict, list[str]]], folder: Path) -> dict[str, list]:
    db = open_db(folder / "reports.db")
    store_sites(db, [{"id": s, "name": s, "hosts": []}
                     for s in sorted({item["site"] for item, _ in results})])
    warc = WarcArchive(folder / "warc", "run")
    for item, _ in results:
        persist_item(db, folder / "raw", item, "run", warc)
    warc.close()
    db.close()
    with sqlite3.connect(folder / "reports.db") as conn:
        return {table: sorted(conn.execute(sql).fetchall(), key=repr)
                for table, sql in STORED.items()}


def _records(results):
    return [(item["record"], [a["record"] for a in item.get("attachments", ())], counts)
            for item, counts in results]


def test_the_pool_stores_what_the_crawl_process_stores(items, tmp_path):
    here = pool.Analysis(workers=0, ocr=False)
    in_process = [here.analyze_here(item) for item in items]
    pooled = _in_pool(items, pool.Analysis(workers=2, ocr=False))
    assert _records(pooled) == _records(in_process)
    # rebuild's path: chain.analyze_page with the learner, the record made at the store
    learner = ChromeLearner()
    rebuilt = [to_record(analyze_page(item, learner.observe, ocr=False)) for item in items]
    assert [record for record, _, _ in _records(pooled)] == rebuilt
    stored = _store(pooled, tmp_path / "pool")
    assert stored == _store(in_process, tmp_path / "here")
    assert len(stored["pages"]) == len(items) + sum(len(i.get("attachments", ())) for i in items)
    assert stored["report_cells"] and stored["attachments"]
    # the WARC records made in the workers replay as the pages that went in
    replayed = list(read_pages(sorted((tmp_path / "pool" / "warc").glob("*.warc.gz"))))
    assert [p["url"] for p in replayed] == [i["url"] for i in items]
    assert [p["body"] for p in replayed] == [i["body"] for i in items]


class _Shuffled(pool.Analysis):
    """Parts run here, but each finishes later than the one asked for after it."""

    def __init__(self, count: int) -> None:
        super().__init__(workers=1, ocr=False)
        self.count = count
        self.started = 0

    async def _run(self, counts, function, *args):
        self.started += 1
        await asyncio.sleep(0.002 * (self.count * 2 - self.started))
        return function(*args)


def test_items_leave_and_are_learned_from_in_the_order_they_came(items, monkeypatch):
    sample = items[:25]
    analysis = _Shuffled(len(sample))
    seen: list[str] = []
    observe = analysis.learner.observe
    monkeypatch.setattr(analysis.learner, "observe",
                        lambda page: seen.append(page["url"]) or observe(page))
    left: list[str] = []

    async def one(item):
        done, _ = await analysis.analyze(item)
        left.append(done["url"])

    async def run():
        await asyncio.gather(*(one(item) for item in sample))

    asyncio.run(run())
    urls = [item["url"] for item in sample]
    assert seen == urls
    assert left == urls
    here = pool.Analysis(workers=0, ocr=False)
    for item in sample:
        here.analyze_here(item)
    assert analysis.learner.chrome == here.learner.chrome


_ANALYZE_PART = pool.analyze_part


def deadly_part(page, *args):
    """analyze_part, but a worker process dies on the DEADLY page (a segfault, say)."""
    if page["url"] == DEADLY and multiprocessing.parent_process() is not None:
        os._exit(1)
    return _ANALYZE_PART(page, *args)


def test_a_dead_worker_loses_no_item(items, monkeypatch, tmp_path):
    sample = items[:20]
    here = pool.Analysis(workers=0, ocr=False)
    expected = [here.analyze_here(item) for item in sample]
    monkeypatch.setattr(pool, "analyze_part", deadly_part)
    analysis = pool.Analysis(workers=2, ocr=False)
    results = _in_pool(sample, analysis)
    assert analysis.restarts == 1
    crashed = [item["url"] for item, counts in results
               if "nianbao/analysis/worker_crash" in counts]
    assert DEADLY in crashed
    assert [(record, attached, [c for c in counts if c != "nianbao/analysis/worker_crash"])
            for record, attached, counts in _records(results)] == _records(expected)
    assert _store(results, tmp_path / "crash") == _store(expected, tmp_path / "here")


KILLED = """
import asyncio, sys
from pipelines.pool import Analysis

async def main():
    analysis = Analysis(workers=2, ocr=False)
    page = {"url": "https://x.gov.cn/a.html", "site": "x", "kind": "report", "body": b"<p>x</p>"}
    await analysis.analyze(page)
    print(*analysis._executor._processes, flush=True)
    await asyncio.sleep(600)

asyncio.run(main())
"""


def test_workers_end_with_a_crawl_killed_outright():
    crawl = subprocess.Popen([sys.executable, "-c", KILLED], stdout=subprocess.PIPE,
                             cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, text=True)
    workers = [int(pid) for pid in crawl.stdout.readline().split()]
    assert workers and all(_alive(pid) for pid in workers)
    crawl.kill()
    crawl.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in workers)


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def test_the_workers_have_pages_queued_ahead():
    analysis = pool.Analysis(workers=1, ocr=False)
    try:
        executor = analysis._pool()
        assert executor._call_queue._maxsize == 1 + pool.QUEUED_AHEAD
    finally:
        analysis.close()
    # Only the crawl's pool: another executor in the process keeps the standard queue.
    assert concurrent.futures.process.EXTRA_QUEUED_CALLS == 1


def test_a_worker_parses_a_report_once(items):
    # In a busy crawl a report's second part runs hundreds of pages after its first, when
    # the worker's kept trees are other pages': the spam step's reading of the markup is
    # made in the first part, where decode parsed it.
    report = next(i for i in items if i["kind"] == "report" and i["url"] != DEADLY
                  and not i["attachments"])  # an HTML attachment is parsed in the second part
    here = pool.Analysis(workers=0, ocr=False)
    decoded = pool.decode_part(pool._own_fields(report))
    assert decoded["added"]["dom"] == html_evidence(decoded["added"]["decoded"].markup)
    item = {**report, **decoded["added"]}
    parse_document.cache_clear()
    records = pool.analyze_part(item, here.learner.observe(item), False)
    assert parse_document.cache_info().misses == 0
    expected = to_record(analyze_page(report, ChromeLearner().observe, ocr=False))
    assert records["record"] == expected
