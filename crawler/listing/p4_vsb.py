"""P4, VSB/博达 (Tianshui and its counties, Gannan).

Pages are numbered in reverse: ``col.htm`` is page 1, ``col/{N-1}.htm`` page 2, down
to ``col/1.htm``, the last. The total comes from ``_simple_list_gotopage_fun(N, …)``
or ``共N页``. See shared/reference/gansu-sites.md §2 P4 and §4.6.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from parsel import Selector

from crawler.listing.entries import FollowUp, ListPage, read_entries

ITEMS_CSS = "ul.txtList > li, div[class^=govnewslist] > li, .list li"
_TOTAL = re.compile(r"_simple_list_gotopage_fun\(\s*(\d+)|共\s*(\d+)\s*页")


def parse(url: str, text: str, kind: str = "column") -> ListPage:
    """A column's first page (kind column) or a later page (kind page)."""
    sel = Selector(text=text or "<html></html>")
    entries = read_entries(sel, url, ITEMS_CSS)
    if kind != "column":
        return ListPage(entries=entries)
    total = _total_pages(text or "")
    return ListPage(entries=entries, follow=tuple(
        FollowUp(url=page_url(url, total - n + 1), kind="page") for n in range(2, total + 1)
    ))


def page_url(column_url: str, number: int) -> str:
    """The URL of reverse-numbered page file ``number`` of a column."""
    parts = urlsplit(column_url)
    stem = parts.path[: -len(".htm")] if parts.path.endswith(".htm") else parts.path.rstrip("/")
    return urlunsplit(parts._replace(path=f"{stem}/{number}.htm", query=""))


def _total_pages(text: str) -> int:
    match = _TOTAL.search(text)
    return int(next(g for g in match.groups() if g)) if match else 1
