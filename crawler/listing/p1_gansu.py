"""P1, the provincial platform (gansu.gov.cn and its departments, Jiuquan).

The channel page server-renders ``ul#list``; "加载更多" (``a.jzgd``) names an AJAX
endpoint ``/common/search/<hex>`` that answers further pages as an HTML fragment
(``ul#body`` with ``a.next``) or, with ``_isJson=true``, as JSON.
See shared/reference/gansu-sites.md §2 P1 and §4.3.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from parsel import Selector

from crawler.listing.entries import Entry, FollowUp, ListPage, find_date, read_entries

ITEMS_CSS = "ul#list > li"
MORE_ITEMS_CSS = "ul#body > li"
MORE_QUERY = "sort=&_isAgg=false&_isJson=false&_pageSize={size}&_template=index&_channelName=&page={page}"
PAGE_SIZE = 20


def parse(url: str, text: str, kind: str = "column") -> ListPage:
    """A channel page (kind column) or a load-more answer (kind more)."""
    if kind == "more":
        return _parse_more(url, text)
    sel = Selector(text=text or "<html></html>")
    entries = read_entries(sel, url, ITEMS_CSS)
    more = sel.css("a.jzgd[data-url]")
    if not more:
        return ListPage(entries=entries)
    # Walk the endpoint from page 1 with a page size of our own: the channel page's
    # size is not reliably visible (off-site items share the list), and entries that
    # repeat those of the channel page are dropped by the dupefilter.
    query = MORE_QUERY.format(size=PAGE_SIZE, page=1)
    target = urljoin(url, more[0].attrib["data-url"]) + "?" + query
    return ListPage(entries=entries, follow=(FollowUp(url=target, kind="more"),))


def _parse_more(url: str, text: str) -> ListPage:
    if text.lstrip().startswith("{"):
        return _parse_json(url, text)
    sel = Selector(text=text or "<html></html>")
    entries = read_entries(sel, url, MORE_ITEMS_CSS)
    follow = tuple(
        FollowUp(url=urljoin(url, href), kind="more")
        for href in sel.css("a.next::attr(href)").getall()[:1]
    )
    return ListPage(entries=entries, follow=follow)


def _parse_json(url: str, text: str) -> ListPage:
    try:
        data = json.loads(text)["data"]
        results = data["results"]
    except (ValueError, KeyError, TypeError):
        return ListPage()
    entries = tuple(
        Entry(
            url=urljoin(url, r["url"]),
            title=r.get("title", ""),
            date=find_date(r.get("publishedTimeStr", "")),
        )
        for r in results
        if isinstance(r, dict) and r.get("url")
    )
    return ListPage(entries=entries, follow=_next_json_page(url, data, len(results)))


def _next_json_page(url: str, data: dict, count: int) -> tuple[FollowUp, ...]:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    page = int(query.get("page", "1") or 1)
    total, rows = data.get("total"), data.get("rows") or count
    if not count or not isinstance(total, int) or page * rows >= total:
        return ()
    query["page"] = str(page + 1)
    target = urlunsplit(parts._replace(query=urlencode(query)))
    return (FollowUp(url=target, kind="more"),)
