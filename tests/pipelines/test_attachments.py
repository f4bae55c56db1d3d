"""Attachments read by format: every table cell of seed 001, from every kind of file."""

from __future__ import annotations

import pytest

from pipelines import office
from pipelines.attachments import detect_format, read_document
from pipelines.report import extract_report
from tests.fixtures import documents
from tests.mirror import tables
from tests.pipelines.test_report_seeds import COLUMNS, SEED001_ACTIVE, SEED001_REQUESTS

TITLE = "东乡县2021年政府信息公开工作年度报告"


@pytest.fixture(scope="module")
def seed001():
    """(blocks, expected fields): seed 001's tables as a report, and every cell's value."""
    if not documents.SEED001.exists():
        pytest.skip("../shared/seeds is not beside this checkout")
    values = documents.seed001_values()
    return documents.report_blocks(values, TITLE), tables.render_tables(values).fields


def test_expected_cells_are_the_person_read_ones(seed001):
    _, expected = seed001
    assert {
        k: v for k, v in expected.items() if k.startswith("active.")
    } == SEED001_ACTIVE
    for name, value in expected.items():
        if name.startswith("requests."):
            row, col = name.rsplit(".", 1)
            assert value == SEED001_REQUESTS.get(row, (0,) * 7)[COLUMNS.index(col)], (
                name
            )
    assert len(expected) == 200


def _check_every_cell(body: bytes, name: str, expected: dict, fmt: str, method: str):
    document = read_document(body, name)
    assert (document.format, document.method) == (fmt, method)
    assert document.tables == 3 and not document.flags
    report = extract_report(document.text)
    wrong = {k: (v, report.fields.get(k)) for k, v in expected.items()
             if report.fields.get(k) != v}  # fmt: skip
    assert not wrong, f"{len(wrong)} cells differ: {list(wrong.items())[:5]}"
    assert report.format_version == "gov2021" and report.report_year == 2021
    assert not [f for f in report.flags if f.code.startswith("tables_")]
    return document, report


def test_pdf_ruled_tables(seed001):
    blocks, expected = seed001
    document, report = _check_every_cell(
        documents.pdf_report(blocks), "a.pdf", expected, "pdf", "pdfplumber"
    )
    assert document.pages == 3
    # The active table is on page 1, the others follow on their own pages.
    pages = {c.table: document.page_of(c.row) for c in report.cells}
    assert pages == {"active": 1, "requests": 2, "review_litigation": 3}


def test_docx_tables_with_merged_cells(seed001):
    blocks, expected = seed001
    _check_every_cell(
        documents.docx_report(blocks), "a.docx", expected, "docx", "python-docx"
    )


def test_xlsx_merged_cells(seed001):
    blocks, expected = seed001
    _check_every_cell(
        documents.xlsx_report(blocks), "a.xlsx", expected, "xlsx", "calamine"
    )


@pytest.fixture(scope="module")
def legacy(seed001):
    if office.find_converter() is None:
        pytest.skip("LibreOffice not installed (make office)")
    return documents.legacy_doc(documents.docx_report(seed001[0]))


def test_legacy_doc_through_libreoffice(seed001, legacy):
    _check_every_cell(legacy, "a.doc", seed001[1], "doc", "libreoffice+python-docx")


def test_wps_named_file_read_as_word(seed001, legacy):
    # WPS Writer saves the Word 97 format under .wps; the name keeps the format's name.
    _check_every_cell(legacy, "报告.wps", seed001[1], "wps", "libreoffice+python-docx")


def test_legacy_without_converter_is_flagged(monkeypatch):
    monkeypatch.setattr(office.shutil, "which", lambda name: None)
    body = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    document = read_document(body, "https://x.gov.cn/a.doc")
    assert document.text == "" and [f.code for f in document.flags] == [
        "converter_missing"
    ]


def test_corrupt_and_unknown_files_are_flagged_not_raised():
    broken = read_document(b"%PDF-1.4\nnot really a pdf", "a.pdf")
    assert broken.format == "pdf" and [f.code for f in broken.flags] == [
        "attachment_unreadable"
    ]
    unknown = read_document(b"Rar!\x1a\x07\x00", "a.rar")
    assert [f.code for f in unknown.flags] == ["attachment_unsupported"]
    empty = read_document(b"", "a.pdf")
    assert empty.text == "" and empty.flags


def test_format_sniffed_from_bytes_not_only_the_name(seed001):
    blocks, _ = seed001
    docx_body = documents.docx_report(blocks)
    assert detect_format(docx_body, "download.jsp?id=3") == "docx"
    assert detect_format(documents.xlsx_report(blocks), "a.docx") == "xlsx"
    assert detect_format(b"%PDF-1.7 ...", "a.doc") == "pdf"
    word = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le")
    assert detect_format(word, None) == "doc"
    assert detect_format(word, "a.wps") == "wps"


def test_generated_documents_are_deterministic(seed001):
    blocks, _ = seed001
    for render in (documents.docx_report, documents.xlsx_report, documents.pdf_report):
        assert render(blocks) == render(blocks), render.__name__


def test_legacy_doc_grid_slivers_do_not_shift_cells(seed001):
    # LibreOffice's .doc of this table adds a 635-EMU grid column under the 行政复议 /
    # 行政诉讼 boundary; a cell spanning it must be read once (values all differ here).
    if office.find_converter() is None:
        pytest.skip("LibreOffice not installed (make office)")
    values = {**documents.seed001_values()}
    order = tables.schema()["review_litigation"]["flattened_order"]
    values.update({key: n for n, key in enumerate(order)})
    blocks = documents.report_blocks(values, TITLE)
    document = read_document(
        documents.legacy_doc(documents.docx_report(blocks)), "a.doc"
    )
    fields = extract_report(document.text).fields
    assert [fields.get(key) for key in order] == list(range(15))


def test_legacy_workbooks_xls_and_et(seed001):
    # WPS Spreadsheets saves .et in the Excel 97 format; calamine reads both directly.
    converter = office.find_converter()
    if converter is None:
        pytest.skip("LibreOffice not installed (make office)")
    blocks, expected = seed001
    xls = office.convert(documents.xlsx_report(blocks), "xlsx", "xls", converter)
    _check_every_cell(xls, "a.xls", expected, "xls", "calamine")
    _check_every_cell(xls, "报告.et", expected, "et", "calamine")
