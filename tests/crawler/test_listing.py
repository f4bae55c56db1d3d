"""Listing adapters on the mirror's list pages: entries and every further page."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from crawler.listing import ADAPTERS, generic, p1_gansu, p2_jpaas, p3_jcms, p4_vsb, p5_trs
from crawler.links import is_report_title

SITES = Path(__file__).resolve().parents[1] / "mirror" / "sites"


def page(url: str, encoding: str = "utf-8") -> str:
    parts = urlsplit(url)
    path = parts.path + ("index.html" if parts.path.endswith("/") else "")
    return (SITES / parts.hostname / path.lstrip("/")).read_text(encoding=encoding)


def test_every_platform_has_an_adapter():
    from crawler.registry import PLATFORMS, load_registry

    assert set(ADAPTERS) == set(PLATFORMS)
    assert {s.platform for s in load_registry().sites} <= set(ADAPTERS)


def test_p1_channel_page_and_load_more():
    url = "https://www.gansu.gov.cn/gsszf/c100999/zfxxgknb.shtml"
    listing = p1_gansu.parse(url, page(url), "column")
    reports = [e for e in listing.entries if is_report_title(e.title)]
    assert len(reports) == 7 and all(e.url.startswith("https://www.gansu.gov.cn/gsszf/") for e in reports)
    assert all(e.date and len(e.date) == 10 for e in reports)
    assert any("mp.weixin.qq.com" in e.url for e in listing.entries)
    (more,) = listing.follow
    query = parse_qs(urlsplit(more.url).query, keep_blank_values=True)
    assert urlsplit(more.url).path == "/common/search/0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    assert query["page"] == ["1"] and more.kind == "more"


def test_p1_load_more_fragment_and_json():
    base = "https://www.gansu.gov.cn/common/search/0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    fragment = ('<ul id="body"><li><div class="title"><a href="/gsszf/c1/202501/1.shtml">'
                "甲2024年政府信息公开工作年度报告</a></div><div class=\"date\">2025-01-27</div></li></ul>"
                '<div class="pagination"><a class="next" href="/common/search/x?page=3">下一页</a></div>')
    listing = p1_gansu.parse(base + "?page=2", fragment, "more")
    assert [(e.url, e.date) for e in listing.entries] == [
        ("https://www.gansu.gov.cn/gsszf/c1/202501/1.shtml", "2025-01-27")]
    assert [f.url for f in listing.follow] == ["https://www.gansu.gov.cn/common/search/x?page=3"]
    doc = {"data": {"total": 3, "rows": 2, "results": [
        {"title": "乙", "url": "/a.shtml", "publishedTimeStr": "2024-01-26 10:00:00"},
        {"title": "丙", "url": "/b.shtml", "publishedTimeStr": "2024-01-25 10:00:00"}]}}
    listing = p1_gansu.parse(base + "?_isJson=true&page=1", json.dumps(doc), "more")
    assert [e.title for e in listing.entries] == ["乙", "丙"]
    assert parse_qs(urlsplit(listing.follow[0].url).query)["page"] == ["2"]


def test_p2_column_page_asks_the_unit_api_for_every_page():
    url = "https://www.linxia.gov.cn/lxz/zwgk/zfxxgknb/2023/zzfgbm/index.html"
    listing = p2_jpaas.parse(url, page(url), "column")
    assert len(listing.entries) == 5
    assert all("..." not in e.title for e in listing.entries)  # full @title, not the cut text
    pages = [json.loads(parse_qs(urlsplit(f.url).query)["paramJson"][0])["pageNo"]
             for f in listing.follow]
    assert pages == [2, 3]  # count=13, pagesize=5
    assert all("parseType=bulidstatic" in f.url and f.kind == "api" for f in listing.follow)


def test_p2_unit_api_answer():
    answer = {"success": True, "data": {"html": "<div class='page-content'><ul class='ajax-ul'>"
              "<li class='cf'><a class='fl' href='/lxz/a/art/2024/art_1.html' title='全标题'>全…</a>"
              "<span class='fr'>2024-01-25</span></li></ul></div>"}}
    listing = p2_jpaas.parse("https://www.linxia.gov.cn/api-gateway/x", json.dumps(answer), "api")
    assert [(e.url, e.title, e.date) for e in listing.entries] == [
        ("https://www.linxia.gov.cn/lxz/a/art/2024/art_1.html", "全标题", "2024-01-25")]
    assert listing.follow == ()


def test_p3_datastore_records_and_dataproxy_posts():
    url = "https://www.dingxi.gov.cn/col/col16760/index.html"
    listing = p3_jcms.parse(url, page(url), "column")
    assert len(listing.entries) == 5
    assert any(e.url.startswith("http://zwgk.dingxi.gov.cn/") for e in listing.entries)
    (post,) = listing.follow  # records 6..14 fit one group of perPage x groupSize
    assert post.method == "POST" and "startrecord=6&endrecord=14" in post.url
    form = parse_qs(post.body)
    assert form["webid"] == ["110"] and form["columnid"] == ["16760"] and form["unitid"] == ["40001"]


def test_p4_reverse_numbered_pages_on_a_gbk_site():
    url = "https://www.tianshui.gov.cn/zfxxgk/zfxxgknb.htm"
    listing = p4_vsb.parse(url, page(url, "gbk"), "column")
    assert [f.url for f in listing.follow] == [
        "https://www.tianshui.gov.cn/zfxxgk/zfxxgknb/2.htm",
        "https://www.tianshui.gov.cn/zfxxgk/zfxxgknb/1.htm",
    ]
    assert all(e.url.startswith("https://www.tianshui.gov.cn/info/") for e in listing.entries)
    later = p4_vsb.parse(listing.follow[0].url, page(listing.follow[0].url, "gbk"), "page")
    assert later.entries and later.follow == ()


def test_p5_create_page_html():
    url = "https://www.zhangye.gov.cn/zyszfxxgk/szfxxgknb/2024nnb/bmgknb_2024/"
    listing = p5_trs.parse(url, page(url), "column")
    assert [f.url for f in listing.follow] == [url + "index_1.html", url + "index_2.html"]
    assert all("/2024nnb/bmgknb_2024/20" in e.url for e in listing.entries if is_report_title(e.title))


def test_generic_takes_every_link_and_the_next_page():
    html = ('<ul><li><a href="a.html" title="某县2023年政府信息公开工作年度报告">某县…</a>'
            '<span>2024-01-10</span></li></ul><a href="list_2.html">下一页</a>')
    listing = generic.parse("https://x.gov.cn/nb/list.html", html, "column")
    assert [(e.url, e.date) for e in listing.entries] == [("https://x.gov.cn/nb/a.html", "2024-01-10")]
    assert [f.url for f in listing.follow] == ["https://x.gov.cn/nb/list_2.html"]


def test_adapters_never_raise_on_junk():
    for adapter in ADAPTERS.values():
        for kind in ("column", "more", "api", "proxy", "page"):
            for text in ("", "{not json", "<html><body><ul id=list><li>x</li></ul>", "\x00\xff"):
                adapter("https://x.gov.cn/a/index.html", text, kind)
