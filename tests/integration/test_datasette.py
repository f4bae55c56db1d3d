"""Datasette as a real server on the crawled database: JSON and CSV answers."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import urllib.request

from tests.conftest import load_manifest


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200
        return response.read()


def test_reports_as_json(datasette_url, crawled):
    data = json.loads(_get(f"{datasette_url}/reports/reports.json?_shape=array&_size=max"))
    urls = {row["url"] for row in data}
    expected = {p["url"] for p in load_manifest() if p["kind"] in ("report", "off_registry_redirect")}
    assert urls == expected


def test_reports_as_csv(datasette_url, crawled):
    db, _, _ = crawled
    text = _get(f"{datasette_url}/reports/reports.csv?_size=max&_sort=url").decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    with sqlite3.connect(db) as conn:
        expected = conn.execute("select url, agency, report_year from reports order by url").fetchall()
    assert [(r["url"], r["agency"] or None, int(r["report_year"]) if r["report_year"] else None)
            for r in rows] == expected


def test_metadata_titles_served(datasette_url):
    meta = json.loads(_get(f"{datasette_url}/-/metadata.json"))
    assert meta["databases"]["reports"]["tables"]["reports"]["title"].startswith("年度报告")
