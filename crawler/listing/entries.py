"""What a list page yields, and the shared way of reading list items."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from parsel import Selector

_DATE = re.compile(r"(20\d{2})[-./年](\d{1,2})[-./月](\d{1,2})")


@dataclass(frozen=True)
class Entry:
    """One item of a list: absolute URL, full title, list date (ISO) if shown."""

    url: str
    title: str
    date: str | None = None


@dataclass(frozen=True)
class FollowUp:
    """A further list page to fetch, handed back to the adapter with its ``kind``."""

    url: str
    kind: str
    method: str = "GET"
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ListPage:
    """The entries of one list page and the list pages it leads to."""

    entries: tuple[Entry, ...] = ()
    follow: tuple[FollowUp, ...] = ()


def find_date(text: str) -> str | None:
    """The first date in a text, as YYYY-MM-DD."""
    match = _DATE.search(text or "")
    if not match:
        return None
    year, month, day = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def read_entries(sel: Selector, base_url: str, item_css: str) -> tuple[Entry, ...]:
    """Entries from the items matched by ``item_css``: first link, title, date."""
    entries: list[Entry] = []
    seen: set[str] = set()
    for item in sel.css(item_css):
        link = item.css("a[href]")
        if not link:
            continue
        entry = make_entry(base_url, link[0], " ".join(item.css("::text").getall()))
        if entry and entry.url not in seen:
            seen.add(entry.url)
            entries.append(entry)
    return tuple(entries)


def make_entry(base_url: str, link: Selector, context: str = "") -> Entry | None:
    """An Entry from an <a>: the @title wins over the (often truncated) text."""
    href = (link.attrib.get("href") or "").strip()
    if not href or href.startswith(("javascript:", "#", "mailto:")):
        return None
    text = " ".join(t.strip() for t in link.css("::text").getall() if t.strip())
    title = (link.attrib.get("title") or "").strip() or text
    return Entry(url=urljoin(base_url, href), title=title, date=find_date(context))
