"""Section headings with their variants, on their own line or run into a paragraph."""

from __future__ import annotations

from pipelines.sections import find_sections


def test_variants_and_inline_headings():
    lines = [
        "前言。 一、总体情况 正文 二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议和行政诉讼情况",
        "五、存在的主要问题和改进措施",
        "六、其他需要报告事项",
    ]
    found = find_sections(lines)
    assert [s.no for s in found] == [1, 2, 3, 4, 5, 6]
    assert found[0].offset > 0  # the preamble precedes 一、


def test_subheadings_are_not_sections():
    found = find_sections(["一、总体情况", "（一）主动公开情况", "一、加强领导明确责任"])
    assert [s.no for s in found] == [1]
