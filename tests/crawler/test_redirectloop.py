"""RedirectLoopMiddleware: the 30x that closes a loop reaches the spider with a finding."""

from __future__ import annotations

from scrapy import Request
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from crawler.middlewares.redirectloop import RedirectLoopMiddleware, redirect_loop

A, B = "https://www.x.gov.cn/a.html", "https://www.x.gov.cn/b.html"


def test_redirect_loop_names_the_chain():
    assert redirect_loop(Request(A), "/b.html") is None
    assert redirect_loop(Request(A), "/a.html") == [A, A]
    second = Request(B, meta={"redirect_urls": [A]})
    assert redirect_loop(second, "a.html") == [A, B, A]


def test_middleware_stops_the_loop_and_leaves_other_redirects():
    crawler = get_crawler()
    middleware = RedirectLoopMiddleware.from_crawler(crawler)
    crawler.stats.open_spider()
    onward = Request(A)
    response = Response(A, status=302, headers={"Location": "/b.html"})
    assert middleware.process_response(onward, response) is response
    assert "dont_redirect" not in onward.meta

    looping = Request(B, meta={"redirect_urls": [A]})
    response = Response(B, status=301, headers={"Location": A})
    assert middleware.process_response(looping, response) is response
    assert looping.meta["dont_redirect"] and looping.meta["handle_httpstatus_all"]
    [finding] = looping.meta["nianbao_findings"]
    assert (
        finding["kind"] == "redirect_loop" and finding["reason"] == f"{A} -> {B} -> {A}"
    )
    assert crawler.stats.get_value("nianbao/redirectloop/loop") == 1
