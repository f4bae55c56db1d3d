"""A report page combined with its attachments: cells, their sources, disagreements."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.chain import analyze_page, to_record
from tests.fixtures import documents
from tests.mirror import tables

SEEDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds"
PAGE_URL = "https://www.dingxi.gov.cn/art/2022/2/10/art_16760_1.html"
PDF_URL = (
    "https://www.dingxi.gov.cn/module/download/downfile.jsp?classid=0&filename=a.pdf"
)


def _seed(prefix: str) -> bytes:
    files = sorted(SEEDS.glob(f"{prefix}_*.txt")) if SEEDS.exists() else []
    if not files:
        pytest.skip("../shared/seeds is not beside this checkout")
    return files[0].read_bytes()


@pytest.fixture(scope="module")
def seed001():
    if not documents.SEED001.exists():
        pytest.skip("../shared/seeds is not beside this checkout")
    values = documents.seed001_values()
    return documents.report_blocks(
        values, "东乡县2021年政府信息公开工作年度报告"
    ), values


def _page(body: bytes, *attachments: tuple[str, bytes]) -> dict:
    return {
        "url": PAGE_URL, "body": body, "content_type": "text/plain", "kind": "report",
        "attachments": [
            {"url": url, "body": data, "content_type": "application/octet-stream",
             "kind": "attachment", "report_url": PAGE_URL, "list_title": "年度报告"}
            for url, data in attachments
        ],
    }  # fmt: skip


def test_page_without_tables_takes_the_attachments_cells(seed001):
    # Seed 000 has all six headings but its tables are elsewhere ("详见附件").
    blocks, values = seed001
    record = to_record(
        analyze_page(_page(_seed("000"), (PDF_URL, documents.pdf_report(blocks))))
    )
    expected = tables.render_tables(values).fields
    assert {k: record["fields"].get(k) for k in expected} == expected
    assert {c["source"] for c in record["cells"]} == {PDF_URL}
    assert {c["source_kind"] for c in record["cells"]} == {"attachment"}
    pages = {c["table"]: c["source_page"] for c in record["cells"]}
    assert pages == {"active": 1, "requests": 2, "review_litigation": 3}
    codes = {q["code"] for q in record["quality"]}
    assert "tables_missing" not in codes
    assert record["attachments"][0]["format"] == "pdf"
    assert record["attachments"][0]["tables"] == 3


def test_page_without_tables_and_no_readable_attachment_keeps_its_flag():
    record = to_record(analyze_page(_page(_seed("000"), (PDF_URL, b"%PDF-1.4 broken"))))
    codes = [q["code"] for q in record["quality"]]
    assert "tables_missing" in codes and "attachment_unreadable" in codes
    flag = next(q for q in record["quality"] if q["code"] == "attachment_unreadable")
    assert flag["details"]["attachment"] == PDF_URL


def test_page_and_attachment_agreeing_raise_no_flag(seed001):
    blocks, _ = seed001
    record = to_record(
        analyze_page(_page(_seed("001"), (PDF_URL, documents.docx_report(blocks))))
    )
    assert {c["source_kind"] for c in record["cells"]} == {"page"}
    assert "attachment_disagrees" not in {q["code"] for q in record["quality"]}


def test_page_and_attachment_disagreeing_are_flagged(seed001):
    _, values = seed001
    changed = {**values, "active.licensing.decisions": 320}
    blocks = documents.report_blocks(changed, "东乡县2021年政府信息公开工作年度报告")
    record = to_record(
        analyze_page(_page(_seed("001"), (PDF_URL, documents.xlsx_report(blocks))))
    )
    assert record["fields"]["active.licensing.decisions"] == 302  # the page wins
    flag = next(q for q in record["quality"] if q["code"] == "attachment_disagrees")
    assert flag["details"]["cells"] == [
        {"field": "active.licensing.decisions", "page": 302, "attachment": 320}
    ]
    assert flag["details"]["compared"] == 200


def test_deferred_ocr_attachment_leaves_the_tables_missing_with_a_pending_flag(seed001):
    blocks, _ = seed001
    page = _page(_seed("000"), (PDF_URL, documents.pdf_scanned(blocks)))
    record = to_record(analyze_page(page, ocr=False))
    codes = {q["code"] for q in record["quality"]}
    assert {"tables_missing", "ocr_pending"} <= codes
    assert record["fields"] == {}


def test_attachment_record_of_its_own(seed001):
    blocks, _ = seed001
    page = analyze_page(_page(_seed("000"), (PDF_URL, documents.docx_report(blocks))))
    attachment = to_record(page["attachments"][0])
    assert (
        attachment["format"] == "docx"
        and attachment["document"]["method"] == "python-docx"
    )
    assert "第二十条" in attachment["text"]


def test_attachments_and_cell_sources_stored(seed001, tmp_path):
    from pipelines.persist import persist_item
    from warehouse.schema import open_db

    blocks, _ = seed001
    page = analyze_page(_page(_seed("000"), (PDF_URL, documents.pdf_report(blocks))))
    page = {**page, "status": 200, "site": "dingxi"}
    page["attachments"] = [
        {**a, "status": 200, "site": "dingxi"} for a in page["attachments"]
    ]
    db = open_db(tmp_path / "reports.db")
    persist_item(db, tmp_path / "raw", page, "run1")
    persist_item(db, tmp_path / "raw", page, "run1")  # idempotent
    (row,) = list(db["attachments"].rows)
    assert (row["report_url"], row["url"], row["type"], row["extension"]) == (
        PAGE_URL,
        PDF_URL,
        "pdf",
        "pdf",
    )
    assert (row["method"], row["pages"], row["tables"], row["cell_count"]) == (
        "pdfplumber",
        3,
        3,
        200,
    )
    assert len(row["sha256"]) == 64 and row["size"] > 0 and row["flag_codes"] == "[]"
    cells = list(db["report_cells"].rows_where("report_url = ?", [PAGE_URL]))
    assert len(cells) == 200 and {c["source"] for c in cells} == {PDF_URL}
    assert {c["source_page"] for c in cells} == {1, 2, 3}


def test_table_pictures_one_per_table_make_the_whole_report(seed001):
    # Tables pasted as three <img> in the body, fetched as the report's attachments.
    blocks, values = seed001
    pictures = [b for b in blocks if isinstance(b, documents.Table)]
    urls = [f"https://www.dingxi.gov.cn/art/2022/2/10/table{n}.png" for n in range(3)]
    page = _page(_seed("000"), *zip(urls, map(documents.png_table, pictures)))
    record = to_record(analyze_page(page))
    expected = tables.render_tables(values).fields
    assert {k: record["fields"].get(k) for k in expected} == expected
    by_table = {c["table"]: c["source"] for c in record["cells"]}
    assert by_table == dict(zip(("active", "requests", "review_litigation"), urls))
    assert {c["method"] for c in record["cells"]} == {"ocr"}
    codes = {q["code"] for q in record["quality"]}
    assert not codes & {"tables_missing", "tables_partial", "ocr_low_confidence"}
