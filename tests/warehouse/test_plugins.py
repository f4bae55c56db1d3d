"""The Datasette plugins and metadata, served in-process on a small warehouse."""

from __future__ import annotations

import asyncio
import csv
import io
import re

import pytest
import yaml
from datasette.app import Datasette

from tests.warehouse.conftest import build_warehouse
from warehouse.cli import METADATA, PLUGINS_DIR
from warehouse.plugins.default_facets import default_columns, table_of, without_defaults
from warehouse.plugins.zh_search import prepare_connection
from warehouse.refresh import refresh_warehouse
from warehouse.search import SEARCH_TABLE

MZ2021 = "https://www.dingxi.gov.cn/a/mz2021.html"
MZ2022 = "https://www.dingxi.gov.cn/a/mz2022.html"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(Datasette, Database) on a refreshed small warehouse named reports."""
    db = build_warehouse(tmp_path_factory.mktemp("served") / "reports.db")
    refresh_warehouse(db, [2021, 2022, 2023])
    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    ds = Datasette(
        [str(db.conn.execute("PRAGMA database_list").fetchone()[2])],
        metadata=metadata,
        plugins_dir=str(PLUGINS_DIR),
    )
    yield ds, db
    db.close()


def _get(ds, path: str):
    return asyncio.run(ds.client.get(path))


def test_search_filter_on_reports(served):
    ds, db = served
    rows = _get(
        ds, "/reports/reports.json?_search=民政局&_shape=array&_col=agency"
    ).json()
    assert {r["url"] for r in rows} == {MZ2021, MZ2022}
    truth = {
        r["url"]
        for r in db.query(
            "SELECT url FROM reports WHERE title || agency || text LIKE '%诉讼%'"
        )
    }
    rows = _get(ds, "/reports/reports.json?_search=诉讼&_shape=array").json()
    assert {r["url"] for r in rows} == truth == {MZ2021, MZ2022}


def test_search_box_shown_and_filled(served):
    ds, _ = served
    html = _get(ds, "/reports/reports?_search=复议").text
    assert 'name="_search" value="复议"' in html
    assert "1 row where" in html


def test_search_filter_on_a_view_keyed_by_report_url(served):
    ds, _ = served
    rows = _get(ds, "/reports/request_outcomes.json?_search=复议&_shape=array").json()
    assert [r["report_url"] for r in rows] == [MZ2021]


def test_canned_search_query_with_context(served):
    ds, _ = served
    rows = _get(ds, "/reports/search.json?q=复议&_shape=array").json()
    assert [r["url"] for r in rows] == [MZ2021]
    assert "行政复议" in rows[0]["context"]
    assert _get(ds, "/reports/search.json?q=&_shape=array").json() == []


def test_raw_page_is_inert_text(served):
    ds, db = served
    digest = db["reports"].get(MZ2021)["sha256"]
    response = _get(ds, f"/-/raw/{digest}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in response.headers["content-security-policy"]
    assert "<script>alert(1)</script>" in response.text  # as text, decoded from GB18030
    assert "行政复议" in response.text


def test_raw_attachment_is_a_download_and_unknown_is_404(served):
    ds, db = served
    digest = db["pages"].get("https://www.dingxi.gov.cn/a/zf2022.pdf")["sha256"]
    response = _get(ds, f"/-/raw/{digest}")
    assert response.headers["content-type"] == "application/octet-stream"
    assert 'filename="zf2022.pdf"' in response.headers["content-disposition"]
    assert _get(ds, "/-/raw/" + "0" * 64).status_code == 404


def test_report_rows_link_to_archive_and_source(served):
    ds, db = served
    digest = db["reports"].get(MZ2021)["sha256"]
    html = _get(ds, "/reports/reports?_search=复议").text
    assert f'href="/-/raw/{digest}"' in html
    assert f'href="{MZ2021}"' in html


def test_reports_facets_are_links_not_defaults(served):
    ds, _ = served
    facets = _get(ds, "/reports/reports.json").json()["facet_results"]
    assert facets == {}  # a grouped scan of a million rows on every page view
    html = _get(ds, "/reports/reports").text
    for link in ("_facet=city", "_facet=report_year", "_facet=format_version", "_facet=is_spam",
                 "_facet_array=spam_kinds", "_facet_array=quality_codes"):
        assert f'href="?{link}"' in html
    facets = _get(
        ds, "/reports/reports.json?_facet=report_year&_facet=format_version&_facet=is_spam"
    ).json()["facet_results"]
    assert {"report_year", "format_version", "is_spam"} == set(facets)
    spam = {r["value"]: r["count"] for r in facets["is_spam"]["results"]}
    assert spam.get(1) == 2 and spam.get(0) == 5
    kinds = _get(ds, "/reports/spam_findings.json").json()["facet_results"]["kind"]
    assert {r["value"] for r in kinds["results"]} >= {"gambling_lexicon", "clone_domain"}
    codes = _get(ds, "/reports/quality_flags.json").json()["facet_results"]
    assert "code" in codes
    arrays = _get(ds, "/reports/reports.json?_facet_array=spam_kinds").json()["facet_results"]
    assert {r["value"]: r["count"] for r in arrays["spam_kinds"]["results"]} == {
        "gambling_lexicon": 1, "clone_domain": 1}


def test_facet_asked_for_that_is_a_default_is_shown_once(served):
    ds, db = served  # quality_flags: a default facet on code
    data = _get(ds, "/reports/quality_flags.json?_facet=code&_facet=report_url&_size=0").json()
    assert set(data["facet_results"]) == {"code", "report_url"}  # no code_2
    codes = {r["value"]: r["count"] for r in data["facet_results"]["code"]["results"]}
    truth = db.execute("SELECT code, count(*) FROM quality_flags GROUP BY code")
    assert codes == dict(truth.fetchall()) and codes
    html = _get(ds, "/reports/quality_flags?_facet=code").text
    assert html.count('id="facet-code"') == 1 and 'id="facet-code_2"' not in html


def test_default_facet_stripping_keeps_other_arguments_byte_for_byte():
    query = "_facet=%E5%B8%82&_search=%E6%B0%91%E6%94%BF&_facet=city&_sort=report_year"
    assert table_of("/reports/reports.json") == ("reports", "reports")
    assert table_of("/reports/reports/1") is None
    assert default_columns(["city", {"array": "spam_kinds"}, {"column": "county"}]) == {
        "city", "county"}
    stripped = without_defaults(query.encode(), {"city", "市"})
    assert stripped == b"_search=%E6%B0%91%E6%94%BF&_sort=report_year"
    assert without_defaults(b"_facet=county", {"city"}) == b"_facet=county"


def test_dashboard_markdown_rendered_without_the_cell_hook(served):
    ds, _ = served
    html = _get(ds, "/-/dashboards/gansu").text
    assert "<h1>甘肃省政府信息公开工作年度报告</h1>" in html
    hooks = {p["name"]: p["hooks"] for p in _get(ds, "/-/plugins.json").json()}
    assert "render_cell" not in hooks.get("markdown_templates.py", [])
    assert not any("render_markdown" in name for name in hooks)


def test_csv_stream_of_every_row(served):
    ds, db = served
    text = _get(ds, "/reports/report_cells.csv?_stream=on&_sort=report_url").text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == db["report_cells"].count
    first = db.execute(
        "SELECT report_url, field, value FROM report_cells "
        "ORDER BY report_url, field LIMIT 1"
    ).fetchone()
    assert (rows[0]["report_url"], float(rows[0]["value"])) == (first[0], first[2])


def test_metadata_describes_every_column_of_every_table_and_view(served):
    _, db = served
    tables = yaml.safe_load(METADATA.read_text(encoding="utf-8"))["databases"][
        "reports"
    ]["tables"]
    shown = [
        t
        for t in db.table_names() + db.view_names()
        if not t.startswith(SEARCH_TABLE) and not tables.get(t, {}).get("hidden")
    ]
    for name in shown:
        assert name in tables, f"no metadata for {name}"
        described = set(tables[name].get("columns", {}))
        columns = {c.name for c in (db[name].columns)}
        assert columns == described, (
            f"{name}: undescribed {columns - described}, stale {described - columns}"
        )
        for facet in tables[name].get("facets", []):
            column = facet["array"] if isinstance(facet, dict) else facet
            assert column in columns, f"{name}: facet on missing column {column}"


def test_every_canned_query_and_dashboard_chart_runs(served):
    _, db = served
    prepare_connection(
        db.conn
    )  # zh_query and zh_snippet, as Datasette's connections have
    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    params = {
        "q": "民政",
        "agency": "定西市民政局",
        "city": "定西市",
        "county": "",
        "year": "2022",
        "measure": "requests.new.total",
    }
    counts = {}
    for name, query in metadata["databases"]["reports"]["queries"].items():
        counts[name] = len(db.execute(query["sql"], params).fetchall())
    assert counts["agency_years"] == 2 and counts["county_departments"] == 2
    # Substring semantics: 民政 is also inside 人民政府, so every such report is found.
    truth = db.execute(
        "SELECT count(*) FROM reports WHERE title || agency || text LIKE '%民政%'"
    ).fetchone()[0]
    assert counts["search"] == truth == 4 and counts["measure_across_versions"] >= 3
    charts = metadata["plugins"]["datasette-dashboards"]["gansu"]["charts"]
    for name, chart in charts.items():
        if "query" not in chart:
            continue
        unfiltered = re.sub(r"\[\[.*?\]\]", "", chart["query"])
        filtered = re.sub(r"\[\[(.*?)\]\]", r"\1", chart["query"])
        assert db.execute(unfiltered).fetchall(), name
        db.execute(filtered, {"city": "定西市"}).fetchall()


def test_dashboard_page_served(served):
    ds, _ = served
    response = _get(ds, "/-/dashboards/gansu")
    assert response.status_code == 200
    assert "甘肃省政府信息公开年报" in response.text


def test_search_on_an_unrefreshed_database_says_so(tmp_path):
    build_warehouse(tmp_path / "reports.db").close()  # no refresh: no search index
    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    ds = Datasette(
        [str(tmp_path / "reports.db")], metadata=metadata, plugins_dir=str(PLUGINS_DIR)
    )
    response = _get(ds, "/reports/reports?_search=民政")
    assert response.status_code == 200
    assert "python -m warehouse refresh" in response.text
    assert "0 rows where" in response.text
