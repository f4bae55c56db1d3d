"""The Datasette experience in a real headless Chromium, on the crawled database.

`python -m warehouse serve` (refresh, metadata, plugins) runs as its own server on a
copy of the crawled database; Playwright drives the system Chromium through the home
page, a city facet, a Chinese search, the dashboard, a CSV download and an archived
spam page. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest

from crawler.browser import LAUNCH_ARGS, find_browser
from tests.conftest import ROOT, free_port, wait_for_http

sync_api = pytest.importorskip("playwright.sync_api")

ARTIFACTS = ROOT / "test-artifacts"
DINGXI_MINZHENG = "定西市民政局"
CITY = "定西市"


@pytest.fixture(scope="module")
def served_db(crawled, tmp_path_factory):
    """A copy of the crawled database (named reports.db), refreshed by `serve`."""
    source, _, _ = crawled
    copy = tmp_path_factory.mktemp("served") / "reports.db"
    with sqlite3.connect(source) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    return copy, source.parent / "raw"


@pytest.fixture(scope="module")
def warehouse_url(served_db):
    """`python -m warehouse serve` on a free port, with the crawl's raw archive."""
    db, raw = served_db
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / "warehouse-serve.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "warehouse",
            "serve",
            str(db),
            "--port",
            str(port),
            "--raw-dir",
            str(raw),
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(url + "/-/versions.json", timeout=90)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def page():
    """One headless Chromium page (the system browser, as the crawl uses it)."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            headless=True, executable_path=find_browser(), args=list(LAUNCH_ARGS)
        )
        context = browser.new_context(
            accept_downloads=True,
            locale="zh-CN",
            viewport={"width": 1400, "height": 1000},
        )
        tab = context.new_page()
        tab.set_default_timeout(20_000)
        yield tab
        context.close()
        browser.close()


def _rows(db: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def _shot(tab, name: str, full_page: bool = False) -> None:
    tab.screenshot(path=str(ARTIFACTS / f"datasette-{name}.png"), full_page=full_page)


def test_home_page_in_chinese(page, warehouse_url):
    page.goto(warehouse_url + "/")
    assert "政府信息公开工作年度报告" in page.text_content("body")
    _shot(page, "home")
    page.goto(warehouse_url + "/reports")
    body = page.text_content("body")
    assert "全文检索 / Full-text search" in body and "coverage" in body
    page.goto(warehouse_url + "/reports/reports")
    assert "年度报告 / Annual reports" in page.text_content("h1")


def _facet_by_city(page) -> None:
    """The city column's menu: "Facet by this" (it keeps the search and filters)."""
    page.click("th.col-city .dropdown-menu-icon")
    page.click(".dropdown-menu a.dropdown-facet")
    page.wait_for_selector("#facet-city")


def test_facet_reports_by_city(page, warehouse_url, served_db):
    db, _ = served_db
    page.goto(warehouse_url + "/reports/reports")
    page.click('a[href="?_facet=city"]')  # the facet links in the table's description
    page.click(f"#facet-city >> text={CITY}")
    page.wait_for_url("**city=*")
    assert unquote(page.url).endswith(f"city={CITY}") or f"city={CITY}" in unquote(
        page.url
    )
    (expected,) = _rows(db, "select count(*) from reports where city = ?", CITY)[0]
    assert f"{expected} row" in page.text_content("h3")
    cities = page.locator("td.col-city").all_text_contents()
    assert cities and set(cities) == {CITY}
    _shot(page, "facet-city")


def test_search_minzheng_finds_dingxi_civil_affairs(page, warehouse_url, served_db):
    db, _ = served_db
    page.goto(warehouse_url + "/reports/reports")
    page.fill("#_search", "民政")
    page.press("#_search", "Enter")
    page.wait_for_url("**_search=*")
    truth = _rows(
        db,
        "select count(*) from reports where title || coalesce(agency, '') "
        "|| coalesce(text, '') like '%民政%'",
    )[0][0]
    assert f"{truth} row" in page.text_content("h3")
    # More hits than a page holds: narrow them to the city with its facet.
    _facet_by_city(page)
    assert "_search=" in page.url
    page.click(f"#facet-city >> text={CITY}")
    page.wait_for_url("**city=*")
    assert "_search=" in page.url
    agencies = page.locator("td.col-agency").all_text_contents()
    assert DINGXI_MINZHENG in agencies
    (url,) = _rows(db, "select url from reports where agency = ?", DINGXI_MINZHENG)[0]
    assert page.locator(f'td.col-url >> text="{url}"').count() == 1
    page.locator(
        f'td.col-agency >> text="{DINGXI_MINZHENG}"'
    ).first.scroll_into_view_if_needed()
    _shot(page, "search-minzheng")


def test_dashboard_draws_its_charts(page, warehouse_url):
    page.goto(warehouse_url + "/-/dashboards/gansu")
    # vega-embed draws each chart as an SVG or a canvas once its data has loaded.
    page.wait_for_function(
        "document.querySelectorAll('.vega-embed canvas, .vega-embed svg').length >= 4",
        timeout=30_000,
    )
    assert "甘肃省政府信息公开年报" in page.text_content("body")
    _shot(page, "dashboard", full_page=True)


def test_csv_download_streams_every_row_with_its_values(page, warehouse_url, served_db):
    db, _ = served_db
    # A small page size so the table paginates and Datasette offers "stream all rows".
    page.goto(warehouse_url + f"/reports/reports?city={CITY}&_size=5&_sort=url")
    page.check("input[name=_dl]")
    page.check("input[name=_stream]")
    with page.expect_download() as download_info:
        page.click("input[value='Export CSV']")
    download = download_info.value
    target = ARTIFACTS / "datasette-reports-dingxi.csv"
    download.save_as(target)
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    expected = _rows(
        db,
        "select url, agency, report_year, requests_new_total from reports "
        "where city = ? order by url",
        CITY,
    )
    assert len(expected) > 5
    assert [
        (
            r["url"],
            r["agency"],
            int(r["report_year"]),
            float(r["requests_new_total"]) if r["requests_new_total"] else None,
        )
        for r in rows
    ] == expected


def test_archived_spam_page_is_shown_as_text(page, warehouse_url, served_db):
    db, _ = served_db
    (digest,) = _rows(db, "select sha256 from reports where is_spam = 1 order by url")[
        0
    ]
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(warehouse_url + f"/-/raw/{digest}")
    assert page.evaluate("document.contentType") == "text/plain"
    assert "<html" in page.text_content("body").lower()
    assert page.locator("script").count() == 0 and not dialogs
    _shot(page, "raw-spam-page")
