"""`python -m warehouse merge`: worker databases combined without duplicates."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from tests.warehouse.conftest import REPORTS, build_warehouse, report, requests_cells
from warehouse.cli import cli
from warehouse.merge import MergeError, merge_files
from warehouse.schema import open_db

TABLES = ("pages", "reports", "report_cells", "quality_flags", "spam_findings")


def _rows(db, table: str) -> list[tuple]:
    return sorted(tuple(r.values()) for r in db[table].rows)


def _dump(db) -> dict[str, list[tuple]]:
    return {t: _rows(db, t) for t in TABLES}


@pytest.fixture()
def whole(tmp_path):
    db = build_warehouse(tmp_path / "whole" / "reports.db")
    yield db
    db.close()


def test_two_halves_merge_to_the_whole(tmp_path, whole):
    first = build_warehouse(tmp_path / "a" / "reports.db", REPORTS[:3])
    second = build_warehouse(tmp_path / "b" / "reports.db", REPORTS[3:])
    first.close(), second.close()
    result = merge_files(
        tmp_path / "merged.db",
        [tmp_path / "a" / "reports.db", tmp_path / "b" / "reports.db"],
    )
    assert dict(result.rows)["reports"] == len(REPORTS)
    merged = open_db(tmp_path / "merged.db")
    dump = _dump(merged)
    expected = _dump(whole)
    # The attachment page is stored by both halves: it is there once.
    assert dump == expected
    assert "request_outcomes" in merged.table_names()  # derived parts rebuilt
    merged.close()


def test_merging_again_adds_nothing(tmp_path):
    build_warehouse(tmp_path / "a" / "reports.db").close()
    out = tmp_path / "merged.db"
    merge_files(out, [tmp_path / "a" / "reports.db"])
    first = merge_files(out, [tmp_path / "a" / "reports.db"])
    assert dict(first.pages_taken)[str(tmp_path / "a" / "reports.db")] == 0
    assert dict(first.rows)["reports"] == len(REPORTS)


def test_the_later_fetch_wins_with_all_its_rows(tmp_path):
    url = REPORTS[0]["page"]["url"]
    old = build_warehouse(tmp_path / "old" / "reports.db", REPORTS[:1])
    old.close()
    newer = report(url, "定西市民政局", 2021, "2022-01-20", requests_cells(99, 99, {}))
    newer["page"]["fetched_at"] = "2026-11-20T00:00:00Z"
    build_warehouse(tmp_path / "new" / "reports.db", [newer]).close()
    out = tmp_path / "merged.db"
    # Order of the inputs does not matter: the later fetch wins either way.
    merge_files(out, [tmp_path / "new" / "reports.db", tmp_path / "old" / "reports.db"])
    db = open_db(out)
    cells = dict(
        db.execute(
            "select field, value from report_cells where report_url = ?", [url]
        ).fetchall()
    )
    assert cells == {"requests.new.total": 99, "requests.outcome.granted.total": 99}
    assert (
        db.execute("select fetched_at from pages where url = ?", [url]).fetchone()[0]
        == "2026-11-20T00:00:00Z"
    )
    db.close()


def test_an_input_that_is_not_a_warehouse_is_refused(tmp_path):
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table t (x)").connection.close()
    with pytest.raises(MergeError, match="not a warehouse"):
        merge_files(tmp_path / "merged.db", [other])
    with pytest.raises(MergeError, match="is the output"):
        merge_files(other, [other])


def test_cli_merge(tmp_path):
    build_warehouse(tmp_path / "a" / "reports.db", REPORTS[:2]).close()
    build_warehouse(tmp_path / "b" / "reports.db", REPORTS[2:]).close()
    out = tmp_path / "merged.db"
    result = CliRunner().invoke(
        cli,
        [
            "merge",
            str(out),
            str(tmp_path / "a" / "reports.db"),
            str(tmp_path / "b" / "reports.db"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert f"{len(REPORTS)} reports" in result.output
    result = CliRunner().invoke(cli, ["merge", str(out), str(tmp_path / "nope.db")])
    assert result.exit_code != 0
