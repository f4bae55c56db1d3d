"""P3, Hanweb JCMS classic (Lanzhou, Dingxi, Wuwei and some counties).

The column page embeds its first records in ``<script type="text/xml"><datastore>``,
which an HTML parser treats as opaque text, so records are cut out with a regex and
parsed one by one. Further records come from ``dataproxy.jsp`` (POST, startrecord/
endrecord), in groups of perPage × groupSize as the platform's own pager asks.
See shared/reference/gansu-sites.md §2 P3 and §4.2.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from parsel import Selector

from crawler.listing.entries import Entry, FollowUp, ListPage, make_entry

PROXY_PATH = "/module/web/jpage/dataproxy.jsp"
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>", re.S)
_TOTAL = re.compile(r"totalRecord\s*:\s*(\d+)|<totalrecord>\s*(\d+)", re.I)
_PER_PAGE = re.compile(r"perPage\s*:\s*(\d+)", re.I)
_GROUP = re.compile(r"groupSize\s*:\s*(\d+)", re.I)
FORM_KEYS = ("appid", "webid", "path", "columnid", "unitid", "webname", "permissiontype")


def parse(url: str, text: str, kind: str = "column") -> ListPage:
    """A column page (kind column) or a dataproxy.jsp answer (kind proxy)."""
    entries = _records(url, text or "")
    if kind != "column":
        return ListPage(entries=entries)
    return ListPage(entries=entries, follow=_proxy_requests(url, text or "", len(entries)))


def _records(url: str, text: str) -> tuple[Entry, ...]:
    entries: list[Entry] = []
    for record in _RECORD.findall(text):
        sel = Selector(text=record)
        link = sel.css("a[href]")
        entry = make_entry(url, link[0], " ".join(sel.css("::text").getall())) if link else None
        if entry:
            entries.append(entry)
    return tuple(entries)


def _proxy_requests(url: str, text: str, have: int) -> tuple[FollowUp, ...]:
    nextgroup = _NEXTGROUP.search(text)
    total = _first_int(_TOTAL, text)
    if not nextgroup or not total or total <= have:
        return ()
    href = Selector(text=nextgroup.group(1)).css("a::attr(href)").get() or ""
    query = dict(parse_qsl(urlsplit(href).query, keep_blank_values=True))
    form = {"col": "1", **{k: query.get(k, "") for k in FORM_KEYS}, "sourceContentType": "1"}
    per_page = _first_int(_PER_PAGE, text) or max(have, 15)
    chunk = per_page * (_first_int(_GROUP, text) or 3)
    follow = []
    for start in range(have + 1, total + 1, chunk):
        end = min(start + chunk - 1, total)
        target = urljoin(url, f"{PROXY_PATH}?startrecord={start}&endrecord={end}&perpage={per_page}")
        follow.append(
            FollowUp(
                url=target,
                kind="proxy",
                method="POST",
                body=urlencode(form),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
        )
    return tuple(follow)


def _first_int(pattern: re.Pattern, text: str) -> int | None:
    match = pattern.search(text)
    if not match:
        return None
    return int(next(g for g in match.groups() if g))
