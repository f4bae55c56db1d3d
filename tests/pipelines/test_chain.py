"""The stage chain: one order, one record shape, and no page lost to a failing stage."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines import chain
from pipelines.analyze import analyze_file

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


def _seed(name: str) -> Path:
    path = SEEDS / name
    if not path.exists():
        pytest.skip("../shared/seeds is not beside this checkout")
    return path


def test_analyze_record_has_every_documented_key():
    record = analyze_file(_seed("001_b92b6f1085681289.txt"), url="https://www.dxzzzx.gov.cn/a.html")
    for key in ("url", "title", "agency", "region", "report_year", "publish_date",
                "format_version", "sections", "fields", "narrative", "quality", "spam", "text"):
        assert key in record, key
    assert set(record["region"]) == {"province", "city", "county", "code"}
    assert set(record["spam"]) >= {"is_spam", "score", "kinds", "evidence"}
    assert record["fields"]["requests.new.total"] == 5


def test_a_failing_stage_flags_the_page_and_keeps_it(monkeypatch):
    def broken(page):
        raise RuntimeError("boom")

    monkeypatch.setitem(chain.STEP_FUNCTIONS, "report", broken)
    page = chain.analyze_page({"url": "https://x.gov.cn/a", "body": "一、总体情况".encode(),
                               "content_type": "text/plain", "kind": "report"})
    record = chain.to_record(page)
    assert record["text"] == "一、总体情况"
    (flag,) = [f for f in record["quality"] if f["code"] == "stage_error"]
    assert flag["details"]["stage"] == "report" and "boom" in flag["message"]


def test_list_pages_and_binaries_pass_through_unanalysed():
    page = chain.analyze_page({"url": "https://x.gov.cn/a.pdf", "body": b"%PDF-1.4 ...",
                               "content_type": "application/pdf", "kind": "attachment"})
    assert page["decoded"].format == "pdf" and "report" not in page


def test_a_probe_served_the_same_bytes_is_not_read_again(monkeypatch):
    body = "<html><body><h1>2023年政府信息公开工作年度报告</h1><p>一、总体情况</p></body></html>"
    page = {"url": "https://x.gov.cn/a.html", "body": body.encode(), "kind": "report",
            "content_type": "text/html; charset=utf-8"}
    alone = chain.analyze_page(page)["spam"]

    def unexpected(*args, **kwargs):
        raise AssertionError("the same bytes were checked for cloaking again")

    monkeypatch.setattr(chain, "add_cloaking", unexpected)
    same = {"body": page["body"], "content_type": page["content_type"], "status": 200}
    assert chain.analyze_page({**page, "probe": same})["spam"] == alone
    # Other bytes (here, another charset declared) are still read as the search engine got them.
    other = {**same, "content_type": "text/html; charset=gbk"}
    with pytest.raises(AssertionError):
        chain.spam_step(chain.boilerplate_step(chain.decode_step({**page, "probe": other})))
