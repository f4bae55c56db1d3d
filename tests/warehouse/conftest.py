"""A small warehouse built through the real store, with figures we know."""

from __future__ import annotations

from pathlib import Path

import pytest

from warehouse.archive import store_raw
from warehouse.schema import open_db
from warehouse.store import store_page, store_sites

SITES = [
    {
        "id": "dingxi",
        "name": "定西市人民政府",
        "level": "city",
        "division": "621100",
        "parent": "gansu",
        "hosts": ["www.dingxi.gov.cn"],
        "platform": "p3_jcms",
    },
    {
        "id": "lxs",
        "name": "临夏市人民政府",
        "level": "county",
        "division": "622901",
        "parent": "linxia",
        "hosts": ["www.lxs.gov.cn"],
        "platform": "p2_jpaas",
    },
]
DINGXI = {"province": "甘肃省", "city": "定西市"}
LXS = {"province": "甘肃省", "city": "临夏回族自治州", "county": "临夏市"}


def requests_cells(new: int, granted: int, denied: dict[str, int], **rows: int) -> dict:
    """Fields of a requests table (总计 column only) from a few numbers."""
    fields = {"requests.new.total": new, "requests.outcome.granted.total": granted}
    for reason, count in denied.items():
        fields[f"requests.outcome.denied.{reason}.total"] = count
    for path, count in rows.items():
        fields[f"requests.{path.replace('__', '.')}.total"] = count
    return fields


def report(
    url: str,
    agency: str,
    year: int,
    published: str,
    fields: dict,
    *,
    region: dict = DINGXI,
    scope: str = "agency",
    version: str = "gov2021",
    text: str = "",
    spam: dict | None = None,
    quality: list | None = None,
) -> dict:
    """A page and its analysis record, shaped as the stages hand them to the store."""
    page = {
        "url": url,
        "site": "lxs" if region is LXS else "dingxi",
        "kind": "report",
        "list_title": f"{agency}{year}年政府信息公开工作年度报告",
        "list_date": published,
        "status": 200,
        "content_type": "text/html",
        "fetched_at": "2026-11-01T00:00:00Z",
        "body": f"<html><script>alert(1)</script><p>{text}</p></html>".encode(
            "gb18030"
        ),
    }
    record = {
        "title": page["list_title"],
        "agency": agency,
        "region": region,
        "report_year": year,
        "publish_date": published,
        "scope": scope,
        "format_version": version,
        "fields": fields,
        "encoding": "gb18030",
        "page_kind": "html",
        "cells": [
            {"field": f, "value": v, "raw": str(v), "table": f.split(".")[0]}
            for f, v in fields.items()
        ],
        "text": f"{agency}{year}年政府信息公开工作年度报告。{text}",
        "spam": spam
        or {"is_spam": False, "score": 0.0, "kinds": [], "source_kind": "official"},
        "quality": quality or [],
    }
    return {"page": page, "record": record}


REPORTS = [
    report(
        "https://www.dingxi.gov.cn/a/mz2021.html",
        "定西市民政局",
        2021,
        "2022-01-20",
        requests_cells(
            10, 4, {"state_secret": 1, "process_info": 2}, outcome__total=10
        ),
        text="本年度收到行政复议申请1件，无行政诉讼。民政工作稳步推进。",
    ),
    report(
        "https://www.dingxi.gov.cn/a/mz2022.html",
        "定西市民政局",
        2022,
        "2023-02-05",
        requests_cells(
            14, 6, {"state_secret": 0, "process_info": 3}, outcome__total=13
        ),
        text="未发生行政诉讼案件。",
        quality=[
            {
                "code": "REQUESTS_OUTCOME_SUM",
                "message": "outcomes do not add up",
                "details": {
                    "identity": "REQUESTS_OUTCOME_SUM",
                    "scope": "column total",
                    "expected": 14,
                    "found": 13,
                },
            }
        ],
    ),
    report(
        "https://www.dingxi.gov.cn/a/zf2022.html",
        "定西市人民政府",
        2022,
        "2023-03-20",
        requests_cells(30, 20, {"third_party_rights": 2}),
        scope="government",
        text="全市政务公开工作。",
    ),
    report(
        "https://www.dingxi.gov.cn/a/cz2020.html",
        "定西市财政局",
        2020,
        "2021-01-15",
        {
            "active.normative_docs.newly_made": 3,
            "active.normative_docs.total_published": 40,
            "requests.outcome.other.subtotal.total": 2,
            "requests.new.total": 5,
        },
        version="gov2019",
        text="财政信息公开。",
    ),
    report(
        "https://www.dingxi.gov.cn/a/sj2023.html",
        "定西市审计局",
        2023,
        "2024-01-10",
        {},
        text="详见附件。",
        quality=[{"code": "tables_missing", "message": "no tables"}],
    ),
    report(
        "https://www.lxs.gov.cn/a/wj2023.html",
        "临夏市卫生健康局",
        2023,
        "2024-02-03",
        requests_cells(2, 2, {}),
        region=LXS,
        text="卫生健康工作。",
        spam={
            "is_spam": True,
            "score": 1.0,
            "kinds": ["gambling_lexicon"],
            "source_kind": "official",
            "evidence": [
                {
                    "kind": "gambling_lexicon",
                    "text": "皇冠体育在线投注",
                    "start": 0,
                    "end": 8,
                }
            ],
        },
    ),
    report(
        "https://www.lxs.gov.cn/a/clone.html",
        "如皋市人民政府",
        2021,
        "2022-01-26",
        requests_cells(9, 9, {}),
        region={"province": "江苏省", "city": "南通市"},
        scope="government",
        text="如皋市政务公开。",
        spam={
            "is_spam": True,
            "score": 1.0,
            "kinds": ["clone_domain"],
            "source_kind": "official",
            "evidence": [
                {"kind": "clone_domain", "text": "PG电子", "start": 0, "end": 4}
            ],
        },
    ),
]
ATTACHMENT_OF = "https://www.dingxi.gov.cn/a/sj2023.html"


def build_warehouse(path: Path, reports: list[dict] = REPORTS):
    """Store the sites and reports (and one attachment) as the crawl would."""
    db = open_db(path)
    store_sites(db, SITES)
    raw = path.parent / "raw"
    for item in reports:
        digest = store_raw(raw, item["page"]["body"])
        store_page(db, item["page"], item["record"], digest, run_id="test")
    attachment = {
        "url": "https://www.dingxi.gov.cn/a/zf2022.pdf",
        "site": "dingxi",
        "kind": "attachment",
        "report_url": ATTACHMENT_OF,
        "body": b"%PDF-1.4 x",
    }
    digest = store_raw(raw, attachment["body"])
    store_page(
        db, attachment, {"page_kind": "binary", "format": "pdf"}, digest, run_id="test"
    )
    return db


@pytest.fixture()
def warehouse_db(tmp_path):
    """A fresh small warehouse (sqlite-utils Database) in a temp folder."""
    db = build_warehouse(tmp_path / "reports.db")
    yield db
    db.close()
