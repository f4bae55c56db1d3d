"""The WARC archive: every page recorded, and `rebuild` gives back the crawl's warehouse."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import ROOT, SHARED

# What a rebuild must give back exactly; run ids, WARC positions and refresh-time
# columns are the only things allowed to differ.
COMPARED = {
    "reports": "select * from reports order by url",
    "report_cells": "select * from report_cells order by report_url, field",
    "quality_flags": "select report_url, position, code, message, details from quality_flags"
                     " order by report_url, position",
    "spam_findings": "select * from spam_findings order by page_url, position",
    "narrative_figures": "select * from narrative_figures order by report_url, position",
    "pages": "select url, site, kind, list_title, list_date, status, content_type, encoding,"
             " page_kind, format, page_title, fetched_at, sha256, size, referer, report_url,"
             " findings, probe_sha256 from pages where kind != 'index' order by url",
}


def _dump(db: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(db) as conn:
        return {table: conn.execute(sql).fetchall() for table, sql in COMPARED.items()}


def _warehouse(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "warehouse", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def test_every_stored_page_is_in_the_warc_archive(crawled):
    db, _, _ = crawled
    with sqlite3.connect(db) as conn:
        rows = conn.execute("select url, sha256, warc_file, warc_offset from pages"
                            " where kind in ('report', 'attachment')").fetchall()
    assert rows and all(f and o is not None for _, _, f, o in rows)
    warc_dir = db.parent / "raw" / "warc"
    for url, digest, name, offset in rows:
        with open(warc_dir / name, "rb") as stream:
            stream.seek(offset)
            records = ArchiveIterator(stream)
            found = {}
            for record in records:
                if record.rec_type == "response":
                    found[record.rec_headers.get_header("WARC-Target-URI")] = (
                        hashlib.sha256(record.content_stream().read()).hexdigest())
                if url in found:
                    break
        assert found.get(url) == digest, url


def test_rebuild_equals_the_crawl(crawled, tmp_path):
    db, _, _ = crawled
    rebuilt = tmp_path / "rebuilt.db"
    result = _warehouse("rebuild", str(rebuilt), "--raw-dir", str(db.parent / "raw"))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "rebuild: pages" in result.stdout + result.stderr  # the progress bar
    crawl, again = _dump(db), _dump(rebuilt)
    for table in COMPARED:
        assert again[table] == crawl[table], table


def test_import_local_files(tmp_path):
    seed = SHARED / "seeds" / "001_b92b6f1085681289.txt"
    page = SHARED / "devset" / "pages" / "065.html"
    if not seed.exists():
        pytest.skip("../shared is not beside this checkout")
    db = tmp_path / "local.db"
    result = _warehouse("import", str(db), str(seed), str(page))
    assert result.returncode == 0, result.stderr[-3000:]
    with sqlite3.connect(db) as conn:
        rows = dict(conn.execute("select agency, report_year from reports").fetchall())
    assert rows == {"东乡族自治县人民政府办公室": 2021, "上海市人民政府办公厅": 2019}
