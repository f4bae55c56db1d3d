"""The warehouse schema built by its migrations, new and upgraded."""

from __future__ import annotations

from warehouse.schema import migrations, open_db


def _indexes(db) -> set[tuple[str, ...]]:
    return {tuple(index.columns) for index in db["reports"].indexes}


def test_new_warehouse_has_one_city_year_county_index(tmp_path):
    db = open_db(tmp_path / "reports.db")
    indexes = _indexes(db)
    assert ("city", "report_year", "county") in indexes
    assert ("city", "report_year") not in indexes
    assert {("report_year",), ("city",), ("county",), ("agency",)} <= indexes
    assert {m.name for m in migrations.applied(db)} >= {"m006_facet_indexes",
                                                         "m008_drop_city_year_index"}
    db.close()


def test_reopening_applies_nothing_twice(tmp_path):
    open_db(tmp_path / "reports.db").close()
    db = open_db(tmp_path / "reports.db")
    names = [m.name for m in migrations.applied(db)]
    assert len(names) == len(set(names))
    assert migrations.pending(db) == []
    db.close()
