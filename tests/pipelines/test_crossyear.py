"""Checks across years, over a warehouse holding two years of one agency."""

from __future__ import annotations

import json

from pipelines.crossyear import check_cross_year
from warehouse.schema import open_db
from warehouse.store import store_page


def _store(db, url: str, year: int, fields: dict, agency: str = "某县民政局") -> None:
    page = {"url": url, "site": "s", "kind": "report", "status": 200,
            "fetched_at": f"{year + 1}-01-20T00:00:00+00:00", "body": b"x"}
    cells = [{"field": k, "value": v, "table": k.split(".")[0]} for k, v in fields.items()]
    record = {"fields": fields, "cells": cells, "agency": agency, "report_year": year,
              "quality": [], "spam": {"is_spam": False}}
    store_page(db, page, record, f"{year:064d}")


def test_carry_chain_broken_between_two_years(tmp_path):
    db = open_db(tmp_path / "w.db")
    _store(db, "https://a.gov.cn/2022.html", 2022, {"requests.carry_forward.total": 3})
    _store(db, "https://a.gov.cn/2023.html", 2023, {"requests.carried_over.total": 2})
    _store(db, "https://a.gov.cn/other.html", 2023, {"requests.carried_over.total": 9},
           agency="另一个局")
    assert check_cross_year(db) == 1
    (flag,) = db.query("select report_url, code, details from quality_flags")
    assert flag["report_url"] == "https://a.gov.cn/2023.html" and flag["code"] == "REQ_CARRY_CHAIN"
    details = json.loads(flag["details"])
    assert (details["expected"], details["found"]) == (3, 2)
    assert details["previous_report"] == "https://a.gov.cn/2022.html"
    row = next(db.query("select quality_count, quality_codes from reports where url = ?",
                        ["https://a.gov.cn/2023.html"]))
    assert row["quality_count"] == 1 and json.loads(row["quality_codes"]) == ["REQ_CARRY_CHAIN"]
    assert check_cross_year(db) == 1  # recomputed, not added again
    assert next(db.query("select count(*) as n from quality_flags"))["n"] == 1


def test_a_kept_chain_raises_nothing(tmp_path):
    db = open_db(tmp_path / "w.db")
    _store(db, "https://a.gov.cn/2022.html", 2022, {"requests.carry_forward.total": 3,
                                                    "active.normative_docs.in_force": 10})
    _store(db, "https://a.gov.cn/2023.html", 2023, {
        "requests.carried_over.total": 3, "active.normative_docs.in_force": 12,
        "active.normative_docs.issued": 3, "active.normative_docs.repealed": 1})
    assert check_cross_year(db) == 0
