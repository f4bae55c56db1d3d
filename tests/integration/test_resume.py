"""A crawl killed with SIGKILL and started again with the same JOBDIR loses nothing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

from tests.conftest import FAST, ROOT, load_manifest, run_crawl

# OCR costs seconds a table: these crawls run without it, and the reports whose tables
# the reference crawl read by OCR are left out of the comparison.
NO_OCR = ("-s", "OCR_ENABLED=False")
CONTENT = {
    "pages": "select url, sha256 from pages where kind in ('report', 'attachment') order by url",
    "reports": "select url, agency, report_year, format_version, requests_new_total, is_spam,"
               " spam_kinds, quality_codes from reports order by url",
    "report_cells": "select report_url, field, value from report_cells order by 1, 2",
}


def _count(db, sql: str) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def _content(db, leave_out: set[str]) -> dict[str, list[tuple]]:
    with sqlite3.connect(db) as conn:
        return {name: [row for row in conn.execute(sql).fetchall() if row[0] not in leave_out]
                for name, sql in CONTENT.items()}


def _read_by_ocr(db) -> set[str]:
    with sqlite3.connect(db) as conn:
        reports = {u for (u,) in conn.execute(
            "select distinct report_url from report_cells where method = 'ocr'")}
        attachments = {u for (u,) in conn.execute(
            "select url from pages where report_url in (%s)" % ",".join("?" * len(reports)),
            sorted(reports))}
    return reports | attachments


def test_killed_crawl_resumes_to_the_same_warehouse(mirror, crawled, tmp_path):
    reference, _, _ = crawled
    db, jobdir = tmp_path / "reports.db", tmp_path / "job"
    sites = ",".join(sorted({p["site"] for p in load_manifest()}))
    command = [sys.executable, "-m", "scrapy", "crawl", "gansu_reports", "-a", f"site={sites}",
               "-s", f"MIRROR={mirror.base_url}", "-s", f"WAREHOUSE_DB={db}",
               "-s", f"JOBDIR={jobdir}", *FAST, *NO_OCR]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if _count(db, "select count(*) from pages where kind = 'report'") >= 25:
            break
        time.sleep(0.1)
    assert process.poll() is None, "the crawl ended before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    stored = _count(db, "select count(*) from pages where kind = 'report'")
    total = sum(1 for p in load_manifest() if p["kind"] in ("report", "off_registry_redirect"))
    assert 0 < stored < total

    result = run_crawl(mirror.base_url, db, "-s", f"JOBDIR={jobdir}", *NO_OCR)
    assert result.returncode == 0, result.stderr[-3000:]
    leave_out = _read_by_ocr(reference)
    assert leave_out  # the mirror has tables only in pictures and scans
    assert _content(db, leave_out) == _content(reference, leave_out)
