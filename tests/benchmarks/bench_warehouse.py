"""Warehouse speed: insert rate, and Datasette latency over real HTTP on a 1,000,000-report database.

python -m tests.benchmarks.bench_warehouse /tmp/bench-1m.db --reports 1000000
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.request
from functools import partial
from pathlib import Path
from urllib.parse import quote

from pipelines.persist import for_store, open_warehouse, store_item
from pipelines.pool import Analysis
from pipelines.writer import Writer
from tests.benchmarks.bench_analysis import mirror_pages
from tests.conftest import free_port, wait_for_http
from tests.warehouse.conftest import REPORTS, SITES
from warehouse.archive import store_raw
from warehouse.cli import PACKAGE, datasette_command
from warehouse.coverage import create_coverage_table, index_coverage
from warehouse.headline import HEADLINE
from warehouse.schema import open_db
from warehouse.search import sync_search
from warehouse.store import store_page, store_sites
from warehouse.views import create_views

ROOT = Path(__file__).resolve().parents[2]
CITIES = (
    "兰州市",
    "嘉峪关市",
    "金昌市",
    "白银市",
    "天水市",
    "武威市",
    "张掖市",
    "平凉市",
    "酒泉市",
    "庆阳市",
    "定西市",
    "陇南市",
    "临夏回族自治州",
    "甘南藏族自治州",
)
DEPARTMENTS = (
    "人民政府办公室",
    "民政局",
    "教育局",
    "财政局",
    "公安局",
    "司法局",
    "自然资源局",
    "生态环境局",
    "交通运输局",
    "卫生健康局",
    "审计局",
    "统计局",
    "水务局",
    "商务局",
)
DENIED = (
    "state_secret",
    "law_prohibited",
    "security_stability",
    "third_party_rights",
    "internal_affairs",
    "process_info",
    "enforcement_file",
    "admin_query",
)
TIMED = 15  # requests per URL (after one warm-up)


def store_rate(folder: Path, count: int = 1000) -> float:
    """Reports/s through the warehouse's own store_page (one transaction each, with cells)."""
    for stale in folder.glob("store.db*"):
        stale.unlink()
    db = open_db(folder / "store.db")
    store_sites(db, SITES)
    items = [REPORTS[i % len(REPORTS)] for i in range(count)]
    started = time.perf_counter()
    for i, item in enumerate(items):
        page = {**item["page"], "url": f"{item['page']['url']}?n={i}"}
        digest = store_raw(folder / "raw", page["body"])
        store_page(db, page, item["record"], digest, run_id="bench")
    elapsed = time.perf_counter() - started
    db.close()
    return count / elapsed


def crawl_store_rate(folder: Path, mirror_dir: Path, count: int = 600) -> dict:
    """Reports/s of the crawl's store over the large mirror's analysed reports (~200 cells
    each): persist_item through the crawl's own Writer process, with the crawl's connection
    settings; CPU of both ends (pickling here, the store there). All are queued at once, so
    every transaction holds MAX_GROUP reports."""
    analysis = Analysis(0, ocr=False)
    items = [analysis.analyze_here(page)[0] for page in mirror_pages(mirror_dir, count)]
    for stale in folder.glob("crawlstore.db*"):
        stale.unlink()
    writer = Writer(partial(open_warehouse, partial(open_db, folder / "crawlstore.db"),
                            folder / "raw", "bench"))
    items = [for_store(item) for item in items]
    started, cpu = time.perf_counter(), time.process_time()
    stored = [writer.write(store_item, item) for item in items]
    for future in stored:
        future.result()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu + writer.call(_cpu_seconds).result()
    cells = writer.call(_cell_count).result()
    writer.close()
    return {"reports": len(items), "cells_per_report": round(cells / len(items)),
            "reports_per_s": round(len(items) / elapsed, 1),
            "cpu_ms_per_report": round(cpu / len(items) * 1000, 2)}


def _cpu_seconds(warehouse) -> float:
    return time.process_time()  # the writer process's CPU (it does little but store)


def _cell_count(warehouse) -> int:
    return warehouse.db.execute("select count(*) from report_cells").fetchone()[0]


def _report_rows(n: int, rng: random.Random):
    headline = list(HEADLINE)
    for i in range(n):
        city = CITIES[i % len(CITIES)]
        county = f"{city[:2]}{i // len(CITIES) % 6}县" if i % 7 else None
        agency = f"{county or city}{DEPARTMENTS[i // 84 % len(DEPARTMENTS)]}"
        year = 2019 + i % 6
        url = f"https://www.site{i % 500}.gov.cn/art/{year + 1}/art_{i}.html"
        spam = int(i % 97 == 0)
        figures = {c: float(rng.randint(0, 300)) for c in headline}
        yield {
            "url": url,
            "site": f"s{i % 500}",
            "title": f"{agency}{year}年政府信息公开工作年度报告",
            "agency": agency,
            "province": "甘肃省",
            "city": city,
            "county": county,
            "division_code": f"62{i % 14:02d}00",
            "report_year": year,
            "publish_date": f"{year + 1}-01-{1 + i % 28:02d}",
            "scope": "agency",
            "format_version": "gov2021" if year >= 2021 else "gov2019",
            "sections": "[]",
            **figures,
            "cell_count": 10,
            "is_spam": spam,
            "spam_score": float(spam),
            "spam_kinds": '["gambling_lexicon"]' if spam else "[]",
            "source_kind": "official",
            "quality_count": int(i % 31 == 0),
            "quality_codes": '["REQUESTS_OUTCOME_SUM"]' if i % 31 == 0 else "[]",
            "list_title": None,
            "list_date": None,
            "fetched_at": "2026-11-01T00:00:00+00:00",
            "sha256": f"{i:064x}",
            "text": f"{agency}{year}年政府信息公开工作年度报告。本年度收到行政复议申请{i % 5}件，{DEPARTMENTS[i % 14]}工作稳步推进。",
        }


def generate(path: Path, reports: int, seed: int = 7) -> dict:
    """A warehouse of `reports` generated reports (pages, 10 cells each, flags, spam), views and search index."""
    if path.exists():
        path.unlink()
    db = open_db(path)
    rng = random.Random(seed)
    conn = db.conn
    timings = {}
    started = time.perf_counter()
    conn.executemany(
        "insert into sites (id, name, level, platform, status) values (?, ?, 'county', 'p5_trs', 'inferred')",
        [(f"s{i}", f"站点{i}") for i in range(500)],
    )
    columns = None
    batch: list[dict] = []

    def flush() -> None:
        marks = ", ".join("?" * len(columns))
        conn.executemany(
            f"insert into reports ({', '.join(columns)}) values ({marks})",
            [tuple(r[c] for c in columns) for r in batch],
        )
        conn.executemany(
            "insert into pages (url, site, kind, status, fetched_at, sha256) values (?, ?, 'report', 200, ?, ?)",
            [(r["url"], r["site"], r["fetched_at"], r["sha256"]) for r in batch],
        )
        cells = []
        for r in batch:
            cells.append((r["url"], "requests.new.total", r["requests_new_total"]))
            cells.append(
                (
                    r["url"],
                    "requests.outcome.granted.total",
                    r["requests_granted_total"],
                )
            )
            for reason in DENIED:
                cells.append(
                    (
                        r["url"],
                        f"requests.outcome.denied.{reason}.total",
                        float(rng.randint(0, 3)),
                    )
                )
        conn.executemany(
            "insert into report_cells (report_url, field, value) values (?, ?, ?)",
            cells,
        )
        flags = [
            (
                r["url"],
                0,
                "REQUESTS_OUTCOME_SUM",
                "outcomes do not add up",
                '{"identity": "REQUESTS_OUTCOME_SUM", "scope": "column total", "expected": 10, "found": 9}',
            )
            for r in batch
            if r["quality_count"]
        ]
        conn.executemany("insert into quality_flags values (?, ?, ?, ?, ?)", flags)
        spam = [
            (r["url"], 0, r["site"], "gambling_lexicon", "澳门赌场", 0, 4, None)
            for r in batch
            if r["is_spam"]
        ]
        conn.executemany(
            "insert into spam_findings values (?, ?, ?, ?, ?, ?, ?, ?)", spam
        )
        batch.clear()

    with conn:
        for row in _report_rows(reports, rng):
            columns = columns or list(row)
            batch.append(row)
            if len(batch) >= 10_000:
                flush()
        if batch:
            flush()
    timings["bulk_insert_s"] = round(time.perf_counter() - started, 1)
    timings["bulk_reports_per_s"] = round(reports / (time.perf_counter() - started))
    started = time.perf_counter()
    create_views(db)
    sync_search(db)
    timings["views_and_search_index_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    # The coverage ledger as build_coverage would write it (sites x agencies x years), in
    # one statement: build_coverage reads every report into memory.
    create_coverage_table(db)
    with conn:
        conn.execute(
            "insert into coverage (site, agency, report_year, reports, status, "
            "published_late, tables_missing, attachment_only) "
            "select site, agency, report_year, count(*), 'found', 0, 0, 0 "
            "from reports group by site, agency, report_year"
        )
    index_coverage(db)
    timings["coverage_s"] = round(time.perf_counter() - started, 1)
    db.close()
    return timings


def latency(url: str, n: int = TIMED) -> dict:
    """Median and p95 (ms) of n GETs after one warm-up; status and facet timeouts of the last."""
    times, status, body = [], 0, b""
    for i in range(n + 1):
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=120) as response:
                body, status = response.read(), response.status
        except urllib.error.HTTPError as err:
            body, status = err.read(), err.code
        if i:
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    result = {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        "status": status,
    }
    if url.split("?")[0].endswith(".json"):
        try:
            data = json.loads(body)
            if isinstance(data, dict) and data.get("facets_timed_out"):
                result["facets_timed_out"] = data["facets_timed_out"]
        except ValueError:
            result["note"] = "not JSON"
    return result


QUERIES = {
    "reports table (HTML, metadata facets)": "/{db}/reports",
    "reports table (JSON)": "/{db}/reports.json",
    "facet by city": "/{db}/reports.json?_facet=city&_size=0",
    # 民政 is in 265,000 of the generated reports (also inside 人民政府); a body's name
    # is the usual search (5,100 here).
    "Chinese search 民政": "/{db}/reports.json?_search=" + quote("民政"),
    "Chinese search 兰州市审计局": "/{db}/reports.json?_search=" + quote("兰州市审计局"),
    "canned search?q=复议": "/{db}/search.json?q=" + quote("复议"),
    # 定西1县 has no report of 2023 in the generated data (定西0县 has 11,905: no county
    # has that many departments): the query still reads the city's reports of the year.
    "canned county_departments": "/{db}/county_departments.json?city="
    + quote("定西市")
    + "&county="
    + quote("定西1县")
    + "&year=2023",
    "canned agency_years": "/{db}/agency_years.json?agency=" + quote("定西1县民政局"),
    "canned refusals_by_reason": "/{db}/refusals_by_reason.json",
    "canned identity_failures_by_agency": "/{db}/identity_failures_by_agency.json",
    "canned spam_by_city": "/{db}/spam_by_city.json",
    "canned coverage_by_site": "/{db}/coverage_by_site.json",
}


def serve_and_measure(path: Path) -> dict:
    """Datasette with the warehouse's own serve settings; latency of each query."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
    with open(path.parent / "datasette-bench.log", "w") as log:
        process = subprocess.Popen(
            datasette_command(str(path), "127.0.0.1", port),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        try:
            wait_for_http(f"http://127.0.0.1:{port}/-/versions.json", timeout=180)
            base = f"http://127.0.0.1:{port}"
            return {
                name: latency(base + q.format(db=path.stem))
                for name, q in QUERIES.items()
            }
        finally:
            process.terminate()
            process.wait(timeout=20)


def bench_warehouse(path: Path, reports: int = 1_000_000) -> dict:
    """Insert rates, the generated database, and Datasette latencies on it."""
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    result = {"store_page_reports_per_s": round(store_rate(folder), 1)}
    mirror = folder / "mirror"
    if (mirror / "manifest.json").is_file():
        result["crawl_store"] = crawl_store_rate(folder, mirror)
    result["generate"] = generate(path, reports)
    result["reports"] = reports
    result["db_mib"] = round(path.stat().st_size / 2**20, 1)
    result["latency"] = serve_and_measure(path)
    result["target_median_ms"] = 200
    return result


if __name__ == "__main__":
    target = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path("/tmp/nianbao-bench/reports.db")
    )
    count = (
        int(sys.argv[3])
        if len(sys.argv) > 3 and sys.argv[2] == "--reports"
        else 1_000_000
    )
    print(json.dumps(bench_warehouse(target, count), ensure_ascii=False, indent=1))
