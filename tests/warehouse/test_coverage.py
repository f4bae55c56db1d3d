"""The coverage ledger: expected agencies x years, found, missing, late, incomplete."""

from __future__ import annotations

from datetime import date

from warehouse.coverage import build_coverage, deadline_for


def _ledger(db) -> dict[tuple[str, int], dict]:
    return {
        (r["agency"], r["report_year"]): r for r in db.query("SELECT * FROM coverage")
    }


def test_deadlines_by_scope_and_rule():
    assert deadline_for(2022, "agency") == date(2023, 1, 31)
    assert deadline_for(2022, "government") == date(2023, 3, 31)
    assert deadline_for(2018, "agency") == date(
        2019, 3, 31
    )  # 2007 条例: everyone by 3月31日
    assert deadline_for(2022, None) == date(2023, 1, 31)


def test_ledger_rows_are_expected_agencies_times_years(warehouse_db):
    summary = build_coverage(warehouse_db, range(2021, 2024))
    ledger = _ledger(warehouse_db)
    agencies = {agency for agency, _ in ledger}
    # The sites' own bodies are expected even when never found; a clone found on a
    # site (如皋市, another province) names no agency of it.
    assert agencies == {
        "定西市人民政府",
        "临夏市人民政府",
        "定西市民政局",
        "定西市财政局",
        "定西市审计局",
        "临夏市卫生健康局",
    }
    assert summary.rows == len(agencies) * 3 and summary.years == (2021, 2022, 2023)
    assert summary.found + summary.missing == summary.rows


def test_found_missing_late_and_incomplete(warehouse_db):
    build_coverage(warehouse_db, [2021, 2022, 2023])
    ledger = _ledger(warehouse_db)
    on_time = ledger["定西市民政局", 2021]
    assert (on_time["status"], on_time["published_late"], on_time["days_late"]) == (
        "found",
        0,
        -11,
    )
    late = ledger["定西市民政局", 2022]
    assert (late["published_late"], late["days_late"], late["deadline"]) == (
        1,
        5,
        "2023-01-31",
    )
    government = ledger["定西市人民政府", 2022]  # 3月20日 is on time for a government
    assert (government["scope"], government["published_late"]) == ("government", 0)
    assert ledger["定西市民政局", 2023]["status"] == "missing"
    assert ledger["临夏市人民政府", 2021]["status"] == "missing"
    audit = ledger["定西市审计局", 2023]
    assert (audit["tables_missing"], audit["attachment_only"]) == (1, 1)
    assert ledger["临夏市卫生健康局", 2023]["is_spam"] == 1


def test_default_years_run_from_2019_to_the_last_found(warehouse_db):
    assert build_coverage(warehouse_db).years == (2019, 2020, 2021, 2022, 2023)
