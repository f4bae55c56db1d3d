"""The stage chain of DESIGN.md, as steps over one page dict.

The crawl runs each step in its own Scrapy pipeline (pipelines/itempipelines.py);
``analyze_page`` runs the same steps in the same order for ``analyze`` and ``rebuild``.
A step takes the page dict and returns a new one with its result added; pages that a
step does not apply to (list pages, binaries) pass through unchanged.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from pipelines.boilerplate import Chrome, strip_boilerplate
from pipelines.decode import decode_page
from pipelines.report import ReportHints, extract_report
from pipelines.spam import detect_spam
from pipelines.validate import validate_report

Page = Mapping[str, Any]


def decode_step(page: Page) -> dict:
    """Stage 1: raw bytes to text (``decoded``)."""
    return {**page, "decoded": decode_page(page.get("body") or b"", page.get("content_type"))}


def boilerplate_step(page: Page, chrome: Chrome | None = None) -> dict:
    """Stage 2: the page's own text, site chrome removed (``cleaned``)."""
    if not _is_text_report(page):
        return dict(page)
    return {**page, "cleaned": strip_boilerplate(page["decoded"].text, chrome)}


def spam_step(page: Page) -> dict:
    """Stage 3: injected spam found and cut out of the text (``spam``)."""
    if "cleaned" not in page:
        return dict(page)
    decoded = page["decoded"]
    result = detect_spam(
        page["cleaned"].text,
        html=decoded.markup,
        url=page.get("url"),
        title=decoded.title or page.get("list_title"),
    )
    return {**page, "spam": result}


def report_step(page: Page) -> dict:
    """Stage 4: metadata, sections, tables and figures (``report``)."""
    if "spam" not in page:
        return dict(page)
    decoded = page["decoded"]
    hints = ReportHints(
        url=page.get("url"),
        list_title=page.get("list_title"),
        list_date=page.get("list_date"),
        page_title=decoded.meta.get("ArticleTitle") or decoded.title,
        meta=decoded.meta,
        fetched_at=page.get("fetched_at"),
    )
    return {**page, "report": extract_report(page["spam"].clean_text, hints)}


def validate_step(page: Page) -> dict:
    """Stage 5: the format's identities and the other quality checks (``quality``)."""
    if "report" not in page:
        return dict(page)
    return {**page, "quality": validate_report(page["report"])}


STEPS: tuple[tuple[str, Callable[..., dict]], ...] = (
    ("decode", decode_step),
    ("boilerplate", boilerplate_step),
    ("spam", spam_step),
    ("report", report_step),
    ("validate", validate_step),
)


def analyze_page(page: Page, chrome: Chrome | None = None) -> dict:
    """Run every stage over one page dict (url, body, content_type, kind, …)."""
    for name, step in STEPS:
        page = step(page, chrome) if name == "boilerplate" else step(page)
    return page


def _is_text_report(page: Page) -> bool:
    decoded = page.get("decoded")
    return page.get("kind", "report") == "report" and decoded is not None and (
        decoded.kind != "binary"
    )


def to_record(page: Page) -> dict:
    """The analysis of a page as plain JSON-able data (the ``analyze`` output)."""
    record: dict[str, Any] = {"url": page.get("url"), "kind": page.get("kind", "report")}
    decoded = page.get("decoded")
    if decoded is not None:
        record.update(encoding=decoded.encoding, page_kind=decoded.kind,
                      format=decoded.format, page_title=decoded.title)
    report = page.get("report")
    if report is not None:
        data = dataclasses.asdict(report)
        record.update(
            title=report.title,
            agency=report.agency,
            region=data["region"],
            report_year=report.report_year,
            publish_date=report.publish_date,
            scope=report.scope,
            format_version=report.format_version,
            sections=list(report.sections),
            fields=report.fields,
            cells=data["cells"],
            narrative=data["narrative"],
        )
    flags = [*(report.flags if report is not None else ()), *page.get("quality", ())]
    record["quality"] = [dataclasses.asdict(flag) for flag in flags]
    spam = page.get("spam")
    if spam is not None:
        record["spam"] = {
            "is_spam": spam.is_spam,
            "score": spam.score,
            "kinds": list(spam.kinds),
            "evidence": [dataclasses.asdict(e) for e in spam.evidence],
            "official": spam.official,
            "source_kind": spam.source_kind,
        }
        record["text"] = spam.clean_text
    elif decoded is not None:
        record["text"] = decoded.text
    return record
