"""The SQL views and the comparability table, on a warehouse whose figures we know."""

from __future__ import annotations

import pytest

from tests.warehouse.conftest import build_warehouse, report
from warehouse.views import MATERIALIZED, _expand, create_views, outcome_columns, view_sql

MZ2021 = "https://www.dingxi.gov.cn/a/mz2021.html"
MZ2022 = "https://www.dingxi.gov.cn/a/mz2022.html"
CZ2020 = "https://www.dingxi.gov.cn/a/cz2020.html"


@pytest.fixture()
def db(warehouse_db):
    create_views(warehouse_db)
    return warehouse_db


def _one(db, sql, *params):
    rows = list(db.query(sql, params))
    assert len(rows) == 1, rows
    return rows[0]


def test_every_view_is_created_and_queryable(db):
    for name in view_sql():
        expected = db.table_names() if name in MATERIALIZED else db.view_names()
        assert name in expected
        db.execute(f"SELECT * FROM [{name}] LIMIT 1").fetchall()


def test_outcome_columns_follow_the_schema():
    columns = outcome_columns()
    assert columns["new"] == "requests.new"
    assert columns["denied_state_secret"] == "requests.outcome.denied.state_secret"
    assert columns["denied"] == "requests.outcome.denied.subtotal"
    assert columns["handled"] == "requests.outcome.total"
    order = list(columns)
    assert order.index("denied_admin_query") + 1 == order.index("denied")
    assert order[-1] == "carry_forward"


def test_request_outcomes_reads_totals_and_sums_subtotals(db):
    row = _one(db, "SELECT * FROM request_outcomes WHERE report_url = ?", MZ2021)
    assert (row["new"], row["granted"], row["handled"]) == (10, 4, 10)
    assert (row["denied_state_secret"], row["denied_process_info"], row["denied"]) == (
        1,
        2,
        3,
    )
    assert row["unable"] is None  # nothing of it printed: not reported, not zero
    # The 2019 format prints （六）其他处理 as one row: it is the subtotal.
    assert (
        _one(db, "SELECT other FROM request_outcomes WHERE report_url = ?", CZ2020)[
            "other"
        ]
        == 2
    )


def test_request_outcomes_row_for_request_cells_without_totals(tmp_path):
    no_total = "https://www.dingxi.gov.cn/a/nt2021.html"
    no_requests = "https://www.dingxi.gov.cn/a/nr2021.html"
    db = build_warehouse(tmp_path / "reports.db", [
        report(no_total, "定西市交通局", 2021, "2022-01-10",
               {"requests.new.natural_person": 5, "active.regulations.issued": 1}),
        report(no_requests, "定西市水务局", 2021, "2022-01-10", {"active.regulations.issued": 2}),
    ])
    create_views(db)
    row = _one(db, "SELECT * FROM request_outcomes WHERE report_url = ?", no_total)
    assert (row["agency"], row["new"], row["handled"]) == ("定西市交通局", None, None)
    assert list(db.query("SELECT 1 FROM request_outcomes WHERE report_url = ?", [no_requests])) == []
    db.close()


def test_identity_failures_name_the_identity_and_numbers(db):
    row = _one(db, "SELECT * FROM identity_failures")
    assert (row["agency"], row["report_year"], row["identity"]) == (
        "定西市民政局",
        2022,
        "REQUESTS_OUTCOME_SUM",
    )
    assert (row["expected"], row["found"], row["report_url"]) == (14, 13, MZ2022)


def test_spam_pages_by_city_and_kind(db):
    rows = {(r["city"], r["kind"]): r for r in db.query("SELECT * FROM spam_pages")}
    assert set(rows) == {
        ("临夏回族自治州", "gambling_lexicon"),
        ("南通市", "clone_domain"),
    }
    assert rows["临夏回族自治州", "gambling_lexicon"]["example"] == "皇冠体育在线投注"


def test_report_changes_year_over_year(db):
    row = _one(db, "SELECT * FROM report_changes WHERE report_url = ?", MZ2022)
    assert (row["previous_year"], row["requests_new_change"]) == (2021, 4)
    assert row["requests_granted_change"] == 2 and row["comparability"] == "same format"
    first = _one(db, "SELECT * FROM report_changes WHERE report_url = ?", MZ2021)
    assert first["previous_year"] is None and first["requests_new_change"] is None


def test_field_comparability_follows_the_cross_version_mapping(db):
    table = {
        (r["version"], r["field"]): r
        for r in db.query("SELECT * FROM field_comparability")
    }
    made = table["gov2019", "active.normative_docs.newly_made"]
    assert (made["measure"], made["comparability"]) == (
        "active.normative_docs.issued",
        "approximate",
    )
    published = table["gov2019", "active.normative_docs.total_published"]
    assert published["comparability"] == "not_comparable"
    assert published["measure"] == "active.normative_docs.total_published"
    assert (
        table["gov2019", "requests.outcome.other.subtotal.total"]["comparability"]
        == "identical"
    )
    assert table["gov2021", "requests.new.total"]["comparability"] == "identical"


def test_cross_version_values_put_both_formats_on_one_measure(db):
    rows = list(
        db.query(
            "SELECT * FROM cross_version_values WHERE measure = 'requests.new.total'"
        )
    )
    assert {
        (r["format_version"], r["report_year"], r["value"])
        for r in rows
        if r["agency"] in ("定西市财政局", "定西市民政局")
    } == {("gov2019", 2020, 5), ("gov2021", 2021, 10), ("gov2021", 2022, 14)}


def test_expand_alternatives():
    assert _expand("active.{regulations|normative_docs}.issued") == [
        "active.regulations.issued",
        "active.normative_docs.issued",
    ]
    assert _expand("active.admin_fees.{prior_year_items,change}") == [
        "active.admin_fees.prior_year_items",
        "active.admin_fees.change",
    ]
    assert _expand("active.other_services.*, active.central_procurement.*") == [
        "active.other_services.*",
        "active.central_procurement.*",
    ]


def test_create_views_twice_is_harmless(db):
    assert create_views(db) == create_views(db)
