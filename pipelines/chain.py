"""The stage chain of DESIGN.md, as steps over one page dict.

The crawl runs the steps in worker processes around the chrome learner (pipelines/pool.py,
called by pipelines/itempipelines.py); ``analyze_page`` runs the same steps in the same
order for ``analyze`` and ``rebuild``.
A step takes the page dict and returns a new one with its result added; pages that a
step does not apply to (list pages, binaries) pass through unchanged.
"""

from __future__ import annotations

import dataclasses
import logging
import operator
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from pipelines.attachments import read_document
from pipelines.boilerplate import Chrome, strip_boilerplate
from pipelines.decode import decode_page
from pipelines.report import ReportHints, extract_report
from pipelines.sources import Attachment, combine_sources
from pipelines.spam import SpamResult, compare_cloaked, detect_spam
from pipelines.spam_html import DomFindings, html_evidence
from pipelines.validate import validate_report

logger = logging.getLogger(__name__)

Page = Mapping[str, Any]


def decode_step(page: Page) -> dict:
    """Stage 1: raw bytes to text (``decoded``)."""
    return {**page, "decoded": decode_page(page.get("body") or b"", page.get("content_type"))}


def attachments_step(page: Page, ocr: bool = True) -> dict:
    """Stage 1b: documents read into structured text (``document``), by format.

    A report's attachments are decoded and read; a report page that is itself a
    document (a PDF linked from the list) is read the same way and then goes through
    the later stages as text. With ``ocr`` off, pictures get an ``ocr_pending`` flag.
    """
    page = _read_document(page, ocr) if page.get("kind", "report") == "report" else dict(page)
    if page.get("attachments"):
        page["attachments"] = [_read_document(decode_step(a), ocr) for a in page["attachments"]]
    return page


def _read_document(page: Page, ocr: bool) -> dict:
    decoded = page.get("decoded")
    if decoded is None or decoded.kind != "binary" or not page.get("body"):
        return dict(page)
    name = " ".join(filter(None, (page.get("url"), page.get("list_title"),
                                 page.get("file_name"))))
    document = read_document(page["body"], name, ocr=ocr)
    if document.text:
        decoded = dataclasses.replace(decoded, kind="text", text=document.text,
                                      format=document.format)
    return {**page, "decoded": decoded, "document": document}


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
    title = decoded.title or page.get("list_title")
    result = detect_spam(page["cleaned"].text, html=decoded.markup, url=page.get("url"),
                         title=title, dom=page.get("dom"))
    probe = page.get("probe") or {}
    if probe.get("body") and not _served_alike(page, probe):
        result = add_cloaking(result, probe["body"], probe.get("content_type"),
                              page.get("url"), title)
    return {**page, "spam": result}


def read_dom(page: Page) -> DomFindings | None:
    """What the spam step reads in a report's markup (``spam_html.html_evidence``), read
    ahead as the page's ``dom``; None when it has no markup to read, or reading failed
    (the spam step then reads it itself, and a failure is its own stage error)."""
    decoded = page.get("decoded")
    if not _is_text_report(page) or not isinstance(decoded.markup, str):
        return None
    try:
        return html_evidence(decoded.markup)
    except Exception:  # noqa: BLE001 (read again, and reported, by the spam step)
        return None


def _served_alike(page: Page, probe: Mapping[str, Any]) -> bool:
    # The search engine got the very bytes a reader got: nothing can have been cloaked
    # (and reading them again, without the site's learned chrome, could only mislead).
    return (probe["body"] == page.get("body")
            and probe.get("content_type") == page.get("content_type"))


def add_cloaking(normal: SpamResult, probe_body: bytes, content_type: str | None,
                 url: str | None, title: str | None) -> SpamResult:
    """The spam verdict with the cloaking check: what a search engine was served."""
    decoded = decode_page(probe_body, content_type)
    cleaned = strip_boilerplate(decoded.text)
    as_bot = detect_spam(cleaned.text, html=decoded.markup, url=url,
                         title=decoded.title or title)
    cloaking = compare_cloaked(normal, as_bot)
    if cloaking is None:
        return normal
    seen = {(e.kind, e.text) for e in normal.evidence}
    shown_to_bots = tuple(
        dataclasses.replace(e, detail=f"served to search engines only; {e.detail}")
        for e in as_bot.evidence
        if (e.kind, e.text) not in seen
    )
    evidence = (*normal.evidence, cloaking, *shown_to_bots)
    return dataclasses.replace(
        normal,
        is_spam=True,
        score=max(normal.score, as_bot.score),
        kinds=tuple(dict.fromkeys((*normal.kinds, "cloaking",
                                   *(e.kind for e in shown_to_bots if e.weight > 0)))),
        evidence=evidence,
    )


def report_step(page: Page) -> dict:
    """Stage 4: metadata, sections, tables and figures (``report``), attachments combined.

    Cells come from the page's tables, else from the attachment carrying the most;
    ``sources`` says where each was read (pipelines/sources.py).
    """
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
    document = page.get("document")
    # A document page is read from its own text: line numbers must match the document's
    # for page numbers and OCR confidences (files carry no site chrome to strip).
    text = document.text if document is not None else page["spam"].clean_text
    attachments = [
        Attachment(a["url"], a["document"], extract_report(a["document"].text, hints))
        for a in page.get("attachments", ()) if a.get("document") is not None
    ]  # fmt: skip
    combined = combine_sources(extract_report(text, hints), attachments, page.get("url"),
                               document)
    return {**page, "report": combined.report, "sources": combined.sources}


def validate_step(page: Page) -> dict:
    """Stage 5: the format's identities and the other quality checks (``quality``)."""
    if "report" not in page:
        return dict(page)
    return {**page, "quality": validate_report(page["report"])}


STEPS: tuple[tuple[str, Callable[..., dict]], ...] = (
    ("decode", decode_step),
    ("attachments", attachments_step),
    ("boilerplate", boilerplate_step),
    ("spam", spam_step),
    ("report", report_step),
    ("validate", validate_step),
)
STEP_FUNCTIONS = dict(STEPS)


def run_step(name: str, page: Page, *args: Any) -> dict:
    """Run one step; a stage that fails leaves the page as it was, with the error noted.

    A bug in one stage must not lose the page: it is logged with its traceback, and
    the page goes on to be stored with a ``stage_error`` quality flag.
    """
    try:
        return STEP_FUNCTIONS[name](page, *args)
    except Exception as err:  # noqa: BLE001 (logged, flagged and stored, not swallowed)
        logger.exception("Stage %s failed on %s", name, page.get("url"))
        error = {"stage": name, "error": f"{type(err).__name__}: {err}"[:500]}
        return {**page, "stage_errors": [*page.get("stage_errors", ()), error]}


def analyze_page(page: Page, chrome: Chrome | Callable[[Page], Chrome | None] | None = None,
                 ocr: bool = True) -> dict:
    """Run every stage over one page dict (url, body, content_type, kind, …).

    ``chrome`` is a site's learned chrome, or a learner called with the decoded page
    (``ChromeLearner.observe``), as the crawl does it.
    """
    for name, _ in STEPS:
        if name == "boilerplate":
            learned = chrome(page) if callable(chrome) else chrome
            page = run_step(name, page, learned)
        elif name == "attachments":
            page = run_step(name, page, ocr)
        else:
            page = run_step(name, page)
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
        record.update(
            title=report.title,
            agency=report.agency,
            region=_flat_dict(report.region),
            report_year=report.report_year,
            publish_date=report.publish_date,
            scope=report.scope,
            format_version=report.format_version,
            sections=list(report.sections),
            fields=report.fields,
            cells=_sourced_cells(report.cells, page.get("sources")),
            narrative=[_flat_dict(figure) for figure in report.narrative],
        )
    document = page.get("document")
    if document is not None:
        record["document"] = document_summary(document)
    if page.get("attachments"):
        record["attachments"] = [
            {"url": a.get("url"), "list_title": a.get("list_title"),
             **document_summary(a.get("document"))}
            for a in page["attachments"]
        ]  # fmt: skip
    # A document's own flags: in the report's flags when it has one (sources.py).
    own = document.flags if document is not None and report is None else ()
    decoding = decoded.flags if decoded is not None else ()  # charset guessed or mismatched
    flags = [*decoding, *(report.flags if report is not None else ()), *own,
             *page.get("quality", ())]
    record["quality"] = [dataclasses.asdict(flag) for flag in flags] + [
        {"code": "stage_error", "message": f"stage {e['stage']} failed: {e['error']}",
         "details": e}
        for e in page.get("stage_errors", ())
    ]
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


def document_summary(document: Any) -> dict[str, Any]:
    """What was read from a document: format, reader, pages, tables, text length, flags."""
    if document is None:
        return {"format": None, "method": None, "pages": 0, "tables": 0, "text_length": 0,
                "flags": []}
    return {
        "format": document.format,
        "method": document.method,
        "pages": document.pages,
        "tables": document.tables,
        "text_length": len(document.text),
        "flags": [dataclasses.asdict(f) for f in document.flags],
    }


def _sourced_cells(cells: tuple[Any, ...], sources: Any) -> list[dict]:
    """Each cell (a named tuple) as a dict, with where it was read when the sources are
    known."""
    if not cells:
        return []
    names = cells[0]._fields
    if not sources:
        return [dict(zip(names, cell)) for cell in cells]
    return [
        dict(zip(names, cell), source=s.source, source_kind=s.kind, source_page=s.page,
             confidence=s.confidence)
        for cell, s in zip(cells, sources)
    ]  # fmt: skip


def _flat_dict(obj: Any) -> dict[str, Any]:
    """dataclasses.asdict of a dataclass whose fields hold plain values (str, numbers,
    None): the same dict, without asdict's recursion and deep copies."""
    names, values = _field_getter(type(obj))
    return dict(zip(names, values(obj)))


@cache  # one entry per dataclass
def _field_getter(cls: type) -> tuple[tuple[str, ...], Callable[[Any], tuple]]:
    names = tuple(f.name for f in dataclasses.fields(cls))
    getter = operator.attrgetter(*names)
    return names, (getter if len(names) > 1 else lambda obj: (getter(obj),))
