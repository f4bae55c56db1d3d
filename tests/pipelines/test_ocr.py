"""OCR of table pictures: a clean rendered table read exactly, a smudged one flagged."""

from __future__ import annotations

import io

import pytest

from pipelines.attachments import read_document
from pipelines.chain import analyze_page, to_record
from pipelines.ocr import MIN_CONFIDENCE, read_table_image
from pipelines.report import extract_report
from tests.fixtures import documents
from tests.mirror import tables


@pytest.fixture(scope="module")
def seed001():
    """(blocks, expected fields) of seed 001's tables."""
    if not documents.SEED001.exists():
        pytest.skip("../shared/seeds is not beside this checkout")
    values = documents.seed001_values()
    blocks = documents.report_blocks(values, "东乡县2021年政府信息公开工作年度报告")
    return blocks, tables.render_tables(values).fields


def _requests_table(blocks) -> documents.Table:
    return next(b for b in blocks if isinstance(b, documents.Table) and b.cols == 10)


def _png_page(body: bytes) -> dict:
    return {
        "url": "https://www.dxzzzx.gov.cn/table.png",
        "body": body,
        "content_type": "image/png",
        "kind": "report",
    }


def test_clean_table_picture_every_cell_exact(seed001):
    blocks, expected = seed001
    record = to_record(
        analyze_page(_png_page(documents.png_table(_requests_table(blocks))))
    )
    requests = {k: v for k, v in expected.items() if k.startswith("requests.")}
    got = record["fields"]
    assert {k: got.get(k) for k in requests} == requests
    cells = [c for c in record["cells"] if c["table"] == "requests"]
    assert len(cells) == 175
    assert all(
        c["method"] == "ocr" and c["confidence"] >= MIN_CONFIDENCE for c in cells
    )
    codes = {q["code"] for q in record["quality"]}
    assert "ocr_low_confidence" not in codes
    assert not codes & {"REQ_COLUMN_BALANCE", "REQ_OUTCOME_TOTAL", "REQ_ROW_TOTAL"}
    assert record["document"]["method"] == "ocr"


def test_smudged_table_picture_is_flagged(seed001):
    blocks, _ = seed001
    body = documents.png_table(_requests_table(blocks), smudge=True)
    record = to_record(analyze_page(_png_page(body)))
    flags = [q for q in record["quality"] if q["code"] == "ocr_low_confidence"]
    assert flags, [q["code"] for q in record["quality"]]
    assert flags[0]["details"]["count"] >= 6
    weak = [c for c in record["cells"] if c["confidence"] is not None
            and c["confidence"] < MIN_CONFIDENCE]  # fmt: skip
    assert weak, "smudged cells must carry their low confidence"


def test_scanned_pdf_every_cell_exact(seed001):
    blocks, expected = seed001
    document = read_document(documents.pdf_scanned(blocks), "scan.pdf")
    assert document.method == "pdfplumber+ocr" and document.tables == 3
    report = extract_report(document.text)
    assert {k: report.fields.get(k) for k in expected} == expected


def test_pdf_with_table_pictures_every_cell_exact(seed001):
    blocks, expected = seed001
    document = read_document(documents.pdf_report(blocks, "picture"), "a.pdf")
    report = extract_report(document.text)
    assert {k: report.fields.get(k) for k in expected} == expected
    assert report.report_year == 2021  # the text layer is read too


def test_ocr_deferred_flags_pictures_pending(seed001):
    blocks, _ = seed001
    png = read_document(
        documents.png_table(_requests_table(blocks)), "t.png", ocr=False
    )
    scanned = read_document(documents.pdf_scanned(blocks), "scan.pdf", ocr=False)
    for document in (png, scanned):
        assert document.text == ""
        assert [f.code for f in document.flags] == ["ocr_pending"]
    assert scanned.flags[0].details["pictures"] == 3


def test_icons_are_not_tables():
    from PIL import Image

    table = read_table_image(Image.new("RGB", (32, 32), "white"))
    assert table.grid == () and table.flags == ()
    blank = io.BytesIO()
    Image.new("RGB", (400, 300), "white").save(blank, "PNG")
    document = read_document(blank.getvalue(), "blank.png")
    assert document.format == "png" and not document.flags
