"""What the spider hands to the pipelines: one fetched page, raw and with provenance."""

from __future__ import annotations

from typing import TypedDict


class PageItem(TypedDict, total=False):
    """A fetched page: a list page, a report page or an attachment.

    The url is always the real URL (never the mirror's); ``body`` is the raw bytes as
    received; ``findings`` are crawl-time observations such as an off-registry redirect.
    """

    url: str
    site: str
    kind: str  # "index" | "report" | "attachment"
    list_title: str | None
    list_date: str | None
    body: bytes
    headers: dict[str, list[str]]
    status: int
    fetched_at: str
    content_type: str | None
    referer: str | None
    report_url: str | None
    findings: list[dict[str, str]]
    unchanged: bool  # the same bytes as the warehouse holds (304 or same SHA-256)
    attachments: list[PageItem]  # a report's attachments, fetched before it is yielded
    probe: dict  # the cloaking check's second fetch: body, status, content_type, user_agent
