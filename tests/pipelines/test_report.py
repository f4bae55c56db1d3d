"""extract_report on pages with nothing to read."""

from __future__ import annotations

import pytest

from pipelines.report import ReportHints, extract_report


@pytest.mark.parametrize("text", ["", "   \n\n  "])
def test_an_empty_page_is_flagged(text):
    report = extract_report(
        text, ReportHints(list_title="某县2023年政府信息公开工作年度报告")
    )
    assert "text_empty" in [f.code for f in report.flags]
    assert report.report_year == 2023  # the list title still says which report it is


def test_a_page_with_text_has_no_empty_flag():
    report = extract_report("一、总体情况\n本年度收到申请12件。")
    assert "text_empty" not in [f.code for f in report.flags]


def test_normalized_line_by_line_is_the_normalized_text():
    """extract_report normalises its text line by line (cached): the same as at once,
    whitespace of every kind, combining marks and Hangul jamo at the line edges too."""
    import random

    from pipelines.formats import normalize_label
    from pipelines.report import normalized_text, text_lines

    alphabet = ["\n", "\r\n", "\r", " ", "\u00a0", "\u3000", "\u2003", "\t", "\u0301",
                "e", "\u1100", "\u1161", "\u11a8", "Ａ", "１", "（", "）", "政府", "|", "ﾊ",
                "\u309a", "\u2028", "\x1c", "ｶﾞ", "\u0308", "ﬁ"]
    rng = random.Random(8)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 30)))
        assert normalized_text(text_lines(text)) == normalize_label(text), repr(text)
