"""Any list page: every link is an entry, 下一页 links are further pages.

Used for platforms without an adapter of their own (Qingyang P6, Longnan P7, portals of
unknown make) and for lists rendered by a browser.
"""

from __future__ import annotations

from urllib.parse import urljoin

from parsel import Selector

from crawler.listing.entries import FollowUp, ListPage, make_entry

NEXT_TEXTS = ("下一页", "下页", "后一页", "next")


def parse(url: str, text: str, kind: str = "column") -> ListPage:
    """Every link of the page as an entry; the next-page link as a follow-up."""
    sel = Selector(text=text or "<html></html>")
    entries, follow, seen = [], [], set()
    for link in sel.css("a[href]"):
        context = " ".join(link.xpath("../text()|../*[not(self::a)]//text()").getall())
        entry = make_entry(url, link, context)
        if not entry or entry.url in seen:
            continue
        seen.add(entry.url)
        label = "".join(link.css("::text").getall()).strip().lower()
        if label in NEXT_TEXTS:
            follow.append(FollowUp(url=urljoin(url, link.attrib["href"]), kind="column"))
        else:
            entries.append(entry)
    return ListPage(entries=tuple(entries), follow=tuple(follow))
