"""decode_page: charsets the bytes contradict are replaced, and flagged."""

from __future__ import annotations

import pytest

from pipelines.decode import decode_page

PAGE = "<html><head><title>定西市财政局2023年政府信息公开工作年度报告</title></head><body><p>收到申请12件</p></body></html>"


@pytest.mark.parametrize(
    ("body", "content_type", "encoding", "code"),
    [
        (PAGE.encode("gbk"), "text/html; charset=UTF-8", "gb18030", "charset_mismatch"),
        (PAGE.encode("utf-8"), "text/html; charset=GBK", "utf-8", "charset_mismatch"),
        (PAGE.encode("gbk"), "text/html", "gb18030", "charset_guessed"),
        (
            PAGE.replace("<head>", '<head><meta charset="utf-8">').encode("gbk"),
            "text/html",
            "gb18030",
            "charset_mismatch",
        ),
    ],
    ids=["gbk-as-utf8", "utf8-as-gbk", "gbk-no-charset", "gbk-with-utf8-meta"],
)
def test_contradicted_charset_is_replaced_and_flagged(
    body, content_type, encoding, code
):
    decoded = decode_page(body, content_type)
    assert decoded.encoding == encoding
    assert decoded.title == "定西市财政局2023年政府信息公开工作年度报告"
    assert "收到申请12件" in decoded.text and "\ufffd" not in decoded.text
    assert [f.code for f in decoded.flags] == [code]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (PAGE.encode("utf-8"), "text/html; charset=utf-8"),
        (PAGE.encode("gbk"), "text/html; charset=gb2312"),
        (PAGE.encode("utf-8"), None),
        (b"<html><body>plain ascii</body></html>", "text/html; charset=gbk"),
    ],
)
def test_consistent_charset_is_kept_without_flag(body, content_type):
    decoded = decode_page(body, content_type)
    assert "\ufffd" not in decoded.text and decoded.flags == ()


def test_one_stray_byte_does_not_make_a_utf8_page_gbk():
    body = PAGE.encode("utf-8").replace(b"<p>", b"<p>\xff", 1)
    decoded = decode_page(body, "text/html; charset=utf-8")
    assert decoded.encoding == "utf-8" and decoded.flags == ()
    assert "收到申请12件" in decoded.text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_with_bom_is_text_not_binary(encoding):
    body = ("\ufeff" if encoding == "utf-16-be" else "") + PAGE
    decoded = decode_page(body.encode(encoding), "text/html")
    assert decoded.kind == "html" and "收到申请12件" in decoded.text
