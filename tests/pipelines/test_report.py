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
