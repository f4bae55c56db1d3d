"""The spider's list paging: a pager that never ends stops at the cap, with a finding."""

from __future__ import annotations

from pathlib import Path

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.spiders.gansu_reports import GansuReportsSpider

REGISTRY = Path(__file__).resolve().parents[1] / "hostile" / "registry.yaml"
INDEX = "https://www.hostile-test.gov.cn/nb/index.html"


def _list(url: str, spider, n: int) -> HtmlResponse:
    body = (
        f'<ul><li><a href="/nb/r{n}.html">2023年政府信息公开工作年度报告</a></li></ul>'
        f'<a href="/nb/index_{n + 1}.html">下一页</a>'
    )
    request = Request(
        url, meta={"site": spider.sites[0], "index_url": INDEX, "list_kind": "column"}
    )
    return HtmlResponse(
        url, body=body.encode("utf-8"), encoding="utf-8", request=request
    )


def test_endless_pager_stops_at_the_cap_with_a_finding():
    crawler = get_crawler(
        GansuReportsSpider,
        {"NIANBAO_REGISTRY": str(REGISTRY), "NIANBAO_MAX_LIST_PAGES": 3},
    )
    spider = GansuReportsSpider.from_crawler(crawler)
    crawler.stats.open_spider()
    url, items = INDEX, []
    for n in range(1, 10):
        out = list(spider.parse_list(_list(url, spider, n)))
        items += [o for o in out if isinstance(o, dict)]
        nexts = [o.url for o in out if isinstance(o, Request) and "index_" in o.url]
        if not nexts:
            break
        url = nexts[0]
    assert len(items) == 3  # the cap: 3 list pages per index URL
    assert [f["kind"] for f in items[-1]["findings"]] == ["pagination_capped"]
    assert items[-1]["findings"][0]["next"].endswith("/nb/index_4.html")
    assert not any(i["findings"] for i in items[:-1])
    assert crawler.stats.get_value("nianbao/site/hostile/list_pages_capped") == 1
