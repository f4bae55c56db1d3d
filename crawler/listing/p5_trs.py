"""P5, TRS WCM (Zhangye).

The list carries ``createPageHTML(countPage, currentPage, "index", "html")``; page 1 is
``index.html`` and page n+1 is ``index_n.html``. See shared/reference/gansu-sites.md §2 P5.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from parsel import Selector

from crawler.listing.entries import FollowUp, ListPage, read_entries

ITEMS_CSS = "ul.list > li, .list-box li, .xxgk_list li"
_CALL = re.compile(r"createPageHTML\(\s*(\d+)", re.I)
_DECLARED = re.compile(r"var\s+countPage\s*=\s*(\d+)")
_NAME = re.compile(r"createPageHTML\([^)]*?[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']\s*\)")


def parse(url: str, text: str, kind: str = "column") -> ListPage:
    """A column's first page (kind column) or a later page (kind page)."""
    sel = Selector(text=text or "<html></html>")
    entries = read_entries(sel, url, ITEMS_CSS)
    if kind != "column":
        return ListPage(entries=entries)
    count = _count(text or "")
    name = _NAME.search(text or "")
    stem, ext = name.groups() if name else ("index", "html")
    follow = tuple(
        FollowUp(url=urljoin(url, f"{stem}_{n}.{ext}"), kind="page") for n in range(1, count)
    )
    return ListPage(entries=entries, follow=follow)


def _count(text: str) -> int:
    # The variable declaration is what the call receives; prefer it when present.
    match = _DECLARED.search(text) or _CALL.search(text)
    return int(match.group(1)) if match else 1
