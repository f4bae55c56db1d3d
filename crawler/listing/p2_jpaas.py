"""P2, Hanweb JPaaS (Jiayuguan, Jinchang, Baiyin, Pingliang, Linxia and their counties).

The column's ``index.html`` server-renders page 1 (``ul.ajax-ul > li.cf``, or a table
under 政府信息公开); further pages come from the unit API
``/api-gateway/jpaas-publish-server/front/page/build/unit?…&paramJson={"pageNo":N}``
whose JSON wraps the same HTML fragment. webId/tplSetId/pageId/tagId are read from the
column page; the total from the pager's ``count``/``pagesize`` attributes.
See shared/reference/gansu-sites.md §2 P2 and §4.4.
"""

from __future__ import annotations

import json
import math
import re
from urllib.parse import urlencode, urljoin

from parsel import Selector

from crawler.listing.entries import FollowUp, ListPage, read_entries

ITEMS_CSS = "ul.ajax-ul > li, div.page-content li, table tr"
UNIT_API = "/api-gateway/jpaas-publish-server/front/page/build/unit"
_PARAMS = re.compile(r"jpaasParams\s*=\s*(\{.*?\})", re.S)
PARAM_KEYS = ("webId", "tplSetId", "pageId", "tagId")


def parse(url: str, text: str, kind: str = "column") -> ListPage:
    """A column page (kind column) or a unit-API answer (kind api)."""
    if kind == "api":
        return ListPage(entries=_fragment_entries(url, _unwrap(text)))
    sel = Selector(text=text or "<html></html>")
    entries = read_entries(sel, url, ITEMS_CSS)
    params = _unit_params(text)
    pages = _page_count(sel)
    follow = tuple(
        FollowUp(url=urljoin(url, unit_url(params, n, _page_size(sel))), kind="api")
        for n in range(2, pages + 1)
    ) if params else ()
    return ListPage(entries=entries, follow=follow)


def unit_url(params: dict[str, str], page: int, size: int) -> str:
    """The unit-API path+query for one page (note the platform's own 'bulidstatic')."""
    query = {
        "parseType": "bulidstatic",
        "webId": params["webId"],
        "tplSetId": params["tplSetId"],
        "pageType": "column",
        "tagId": params["tagId"],
        "editType": "null",
        "pageId": params["pageId"],
        "paramJson": json.dumps({"pageNo": page, "pageSize": size}, separators=(",", ":")),
    }
    return UNIT_API + "?" + urlencode(query)


def _unit_params(text: str) -> dict[str, str] | None:
    match = _PARAMS.search(text or "")
    if not match:
        return None
    try:
        params = json.loads(match.group(1))
    except ValueError:
        return None
    if not isinstance(params, dict) or not all(params.get(k) for k in PARAM_KEYS):
        return None
    return {k: str(params[k]) for k in PARAM_KEYS}


def _pager(sel: Selector) -> Selector | None:
    pager = sel.css(".pagination[count]")
    return pager[0] if pager else None


def _page_size(sel: Selector) -> int:
    pager = _pager(sel)
    size = pager.attrib.get("pagesize", "") if pager is not None else ""
    return int(size) if size.isdigit() and int(size) > 0 else 15


def _page_count(sel: Selector) -> int:
    pager = _pager(sel)
    count = pager.attrib.get("count", "") if pager is not None else ""
    return math.ceil(int(count) / _page_size(sel)) if count.isdigit() else 1


def _unwrap(text: str) -> str:
    try:
        return json.loads(text)["data"]["html"]
    except (ValueError, KeyError, TypeError):
        return ""


def _fragment_entries(url: str, html: str):
    return read_entries(Selector(text=html or "<div></div>"), url, ITEMS_CSS)
