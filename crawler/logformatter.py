"""Log items by what they are, not by their bytes.

A page item carries the raw body (and its attachments'), so Scrapy's default of
printing the whole item would put megabytes of bytes into the log for one error.
"""

from __future__ import annotations

from typing import Any

from scrapy.logformatter import LogFormatter


def describe_item(item: Any) -> str:
    """A one-line description of a page item: kind, URL, sizes."""
    if not isinstance(item, dict) or "url" not in item:
        return repr(item)[:500]
    attachments = item.get("attachments") or []
    size = len(item.get("body") or b"")
    extra = f", {len(attachments)} attachment(s)" if attachments else ""
    return f"<{item.get('kind', 'page')} {item['url']} status={item.get('status')} {size} bytes{extra}>"


class PageLogFormatter(LogFormatter):
    """Scrapy's log formatter with page items described instead of dumped."""

    def scraped(self, item, response, spider):
        return {**super().scraped(item, response, spider), "args": {
            "src": getattr(response, "url", response), "item": describe_item(item)}}

    def dropped(self, item, exception, response, spider):
        result = super().dropped(item, exception, response, spider)
        return {**result, "args": {**result["args"], "item": describe_item(item)}}

    def item_error(self, item, exception, response, spider):
        result = super().item_error(item, exception, response, spider)
        return {**result, "args": {**result["args"], "item": describe_item(item)}}
