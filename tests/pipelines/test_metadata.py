"""Title, agency, report year, publish date and scope from the page text."""

from __future__ import annotations

from pipelines.metadata import extract_metadata
from pipelines.report import ReportHints, extract_report


def test_agency_from_title_and_year_not_publish_year():
    meta = extract_metadata(["定西市民政局2021年政府信息公开工作年度报告", "发布时间:2022-02-10"])
    assert meta.agency == "定西市民政局" and meta.scope == "agency"
    assert meta.report_year == 2021 and meta.publish_date == "2022-02-10"


def test_place_title_takes_compiler_and_government_scope():
    lines = ["东乡县2021年政府信息公开工作年度报告", "报告由东乡族自治县人民政府办公室编制。"]
    meta = extract_metadata(lines)
    assert meta.agency == "东乡族自治县人民政府办公室" and meta.scope == "government"


def test_title_split_over_two_lines_and_closing_date():
    lines = ["甘谷县人民政府办公室", "2024年政府信息公开工作年度报告", "正文。", "甘谷县人民政府办公室 2025年1月20日"]
    meta = extract_metadata(lines)
    assert meta.agency == "甘谷县人民政府办公室"
    assert meta.publish_date == "2025-01-20"


def test_hints_fill_what_the_text_lacks():
    report = extract_report(
        "正文没有标题。",
        ReportHints(page_title="天水市秦州区人民政府2017年政府信息公开工作年度报告",
                    meta={"PubDate": "2018-03-01 10:00"}),
    )
    assert report.agency == "天水市秦州区人民政府" and report.report_year == 2017
    assert report.publish_date == "2018-03-01"
    assert report.region.county == "秦州区"


def test_spam_brand_is_not_an_agency():
    meta = extract_metadata(["现将中国体育彩票市统计局2019年政府信息公开工作年度报告向社会公布。"])
    assert meta.agency is None and meta.report_year == 2019


def test_the_better_date_label_wins_over_an_earlier_line():
    # 发布日期 outranks 成文日期 in the labels' order, wherever the lines stand; a line's
    # first date after its label is read, and a label without a date is passed over.
    lines = ["某县2023年政府信息公开工作年度报告", "成文日期：2024-01-05", "发布日期：待定",
             "发布日期：2024年1月20日，更新于2024-02-01"]
    meta = extract_metadata(lines)
    assert meta.publish_date == "2024-01-20"
    assert meta.evidence["publish_date"] == "label:发布日期"


def test_source_label_skips_a_value_that_is_a_date_label():
    # 来源：发布… is another label's text, not an agency: the next labelled line is read.
    lines = ["某县2023年政府信息公开工作年度报告", "信息来源：发布日期2024", "来源：某县统计局"]
    meta = extract_metadata(lines)
    assert meta.agency == "某县统计局" and meta.evidence["agency"] == "source_label"
