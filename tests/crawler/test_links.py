"""Report titles versus news about reports; attachment links."""

from __future__ import annotations

import pytest

from crawler.links import attachment_type, is_report_title, title_year
from tests.conftest import load_manifest


@pytest.mark.parametrize(
    "title",
    [
        "东乡县2021年政府信息公开工作年度报告",
        "甘肃省人民政府办公厅2025年政府信息公开工作年度报告",
        "定西市民政局2021年度政府信息公开工作报告",
        "天水市2016年政府信息公开年报",
    ],
)
def test_report_titles(title):
    assert is_report_title(title)


@pytest.mark.parametrize(
    "title",
    [
        "市统计局召开2023年度政府信息公开工作年度报告编制培训会",
        "关于做好2024年政府信息公开工作年度报告编制发布工作的通知",
        "临夏县人民政府信息公开指南(2024年)",
        "2022年政务公开工作要点",
    ],
)
def test_news_about_reports_is_not_a_report(title):
    assert not is_report_title(title)


def test_mirror_list_titles_classified_as_labelled():
    for page in load_manifest():
        if page["kind"] in ("report", "not_report") and page.get("title"):
            assert is_report_title(page["title"]) == (page["kind"] == "report"), page["title"]


def test_title_year():
    assert title_year("东乡县2021年政府信息公开工作年度报告") == 2021
    assert title_year("政府信息公开年报") is None


@pytest.mark.parametrize(
    ("url", "text", "kind"),
    [
        ("https://www.gansu.gov.cn/gsszf/c1/202401/1/files/ab12.pdf", "", "pdf"),
        ("https://www.tianshui.gov.cn/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1&wbfileid=2",
         "2023年报.docx", "docx"),
        ("https://www.linxia.gov.cn/api-gateway/jpaas-web-server/front/document/download?fileUrl=Ab&fileName=%E5%B9%B4%E6%8A%A5.xlsx",
         "", "xlsx"),
        ("https://www.tianshui.gov.cn/system/_content/download.jsp?owner=1", "下载", "download"),
        ("https://www.gansu.gov.cn/gsszf/c1/202401/1.shtml", "报告", None),
    ],
)
def test_attachment_type(url, text, kind):
    assert attachment_type(url, text) == kind
