"""The crawl's analysis, in worker processes or in the crawl process, stores what the chain gives.

Two crawls fetch pages in different orders (the chrome learner's input), so each crawl is
compared with an in-process replay of its own archive in its own order (``rebuild``):
here with ANALYSIS_WORKERS=0; the default crawl (workers) is compared the same way in
tests/integration/test_archive.py. tests/pipelines/test_pool.py compares the two paths
on one sequence of pages.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from tests.conftest import ROOT, run_crawl

# Everything but the times of the crawl, its run id and WARC positions.
STORED = {
    "pages": "select url, site, kind, list_title, list_date, status, content_type, encoding,"
             " page_kind, format, page_title, fetched_at, sha256, size, referer, report_url,"
             " findings, probe_sha256 from pages where kind != 'index' order by url",
    "reports": "select * from reports order by url",
    "report_cells": "select * from report_cells order by report_url, field",
    "narrative_figures": "select * from narrative_figures order by report_url, position",
    "quality_flags": "select report_url, position, code, message, details from quality_flags"
                     " order by report_url, position",
    "spam_findings": "select * from spam_findings order by page_url, position",
}


def _stored(db) -> dict[str, list[tuple]]:
    with sqlite3.connect(db) as conn:
        return {table: conn.execute(sql).fetchall() for table, sql in STORED.items()}


def test_a_crawl_analysed_in_its_own_process_stores_what_the_chain_gives(mirror, tmp_path):
    db = tmp_path / "reports.db"
    result = run_crawl(mirror.base_url, db, "-s", "ANALYSIS_WORKERS=0")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Enabled item pipelines" in result.stderr
    rebuilt = tmp_path / "rebuilt.db"
    replay = subprocess.run([sys.executable, "-m", "warehouse", "rebuild", str(rebuilt),
                             "--raw-dir", str(tmp_path / "raw")],
                            cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert replay.returncode == 0, replay.stderr[-3000:]
    crawl, again = _stored(db), _stored(rebuilt)
    assert crawl["report_cells"] and crawl["spam_findings"]
    for table in STORED:
        assert again[table] == crawl[table], table
