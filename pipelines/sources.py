"""A report page and its attachments combined: where each table cell comes from.

The page's own tables win when it has them; when it has none (the "详见附件" reports,
seeds 000 and 002), the cells come from the attachment that carries the most, each with
its source (attachment URL, page number) and, for OCR, its confidence. When page and
attachment both carry tables, both are read and compared; a disagreement is a flag.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from pipelines.attachments import Document
from pipelines.flags import Flag
from pipelines.formats import get_format
from pipelines.report import Report
from pipelines.tables import Cell

# The page's own table flags, void once an attachment supplies the tables.
TABLE_FLAGS = frozenset({"tables_missing", "tables_partial"})
# Metadata an attachment may supply when the page does not say it.
METADATA = ("title", "agency", "report_year", "publish_date", "scope", "format_version")
# Disagreements listed in a flag at most (the count is always given).
MAX_LISTED = 50


@dataclass(frozen=True)
class Attachment:
    """One readable attachment of a report: its URL, the document and the report read from it."""

    url: str
    document: Document
    report: Report


class CellSource(NamedTuple):
    """Where one cell of the report was read: ``source`` is the page or attachment URL.

    A named tuple like tables.Cell: one per cell, made in a third of a dataclass's time.
    """

    field: str
    source: str | None
    kind: str  # page | attachment
    page: int | None = None
    confidence: float | None = None

    @classmethod
    def each(cls, fields: Sequence[str], source: str | None,
             kind: str) -> tuple[CellSource, ...]:
        """One source per field, all read from one place without page numbers."""
        new = tuple.__new__
        return tuple([new(cls, (name, source, kind, None, None)) for name in fields])


@dataclass(frozen=True)
class Combined:
    """The report with cells from their best source, and the source of every cell."""

    report: Report
    sources: tuple[CellSource, ...]
    origin: str  # page | attachment | none


def combine_sources(
    report: Report,
    attachments: Sequence[Attachment] = (),
    page_url: str | None = None,
    page_document: Document | None = None,
) -> Combined:
    """Combine a page's report with its attachments' reports; never raises.

    ``page_document`` is given when the page itself is a document (a PDF report page):
    then its cells carry page numbers and OCR confidences too. Flags of every
    attachment (``ocr_pending``, ``converter_missing``, …) join the report's flags.
    """
    doc_flags = [
        *_document_flags(page_url, page_document, "page"),
        *(f for a in attachments for f in _document_flags(a.url, a.document)),
    ]
    ranked = sorted(attachments, key=lambda a: len(a.report.cells), reverse=True)
    if report.cells or not ranked or not ranked[0].report.cells:
        cells = _with_methods(report.cells, page_document)
        sources = _sources(cells, page_url, "page", page_document)
        flags = [*report.flags, *doc_flags, *_comparisons(report, attachments)]
        origin = "page" if report.cells else "none"
        combined = dataclasses.replace(report, cells=cells, flags=tuple(flags))
        return Combined(combined, sources, origin)
    cells, sources = _attachment_cells(ranked)
    best = ranked[0].report
    filled = {
        name: getattr(best, name)
        for name in METADATA
        if getattr(report, name) is None and getattr(best, name) is not None
    }
    combined = dataclasses.replace(report, cells=cells, **filled)
    flags = [f for f in report.flags if f.code not in TABLE_FLAGS]
    flags += [*_partial(combined), *doc_flags]
    return Combined(
        dataclasses.replace(combined, flags=tuple(flags)), sources, "attachment"
    )


def _attachment_cells(ranked: Sequence[Attachment]) -> tuple[tuple[Cell, ...], tuple]:
    """Cells of the richest attachment, then fields only others carry (one picture per table)."""
    cells: list[Cell] = []
    sources: list[CellSource] = []
    taken: set[str] = set()
    for attachment in ranked:
        new = [c for c in attachment.report.cells if c.field not in taken]
        new = list(_with_methods(new, attachment.document))
        cells += new
        sources += _sources(new, attachment.url, "attachment", attachment.document)
        taken.update(c.field for c in new)
    return tuple(cells), tuple(sources)


def _partial(report: Report) -> list[Flag]:
    if report.format_version not in ("gov2019", "gov2021"):
        return []
    expected = get_format(report.format_version).names()
    missing = [n for n in expected if n not in {c.field for c in report.cells}]
    if not missing:
        return []
    return [
        Flag(
            "tables_partial",
            f"{len(missing)} of {len(expected)} cells not read",
            {"missing": missing[:50], "missing_count": len(missing),
             "tables_found": sorted({c.table for c in report.cells})},
        )
    ]  # fmt: skip


def _with_methods(cells: Sequence[Cell], document: Document | None) -> tuple[Cell, ...]:
    """The cells, those read by OCR from the document marked so."""
    if document is None or not document.confidence:
        return tuple(cells)
    return tuple(
        c._replace(method="ocr") if (c.row, c.col) in document.confidence else c
        for c in cells
    )  # fmt: skip


def _sources(
    cells, url: str | None, kind: str, document: Document | None
) -> tuple[CellSource, ...]:
    if document is None:
        return CellSource.each([c.field for c in cells], url, kind)
    return tuple(
        CellSource(c.field, url, kind, document.page_of(c.row),
                   document.confidence.get((c.row, c.col)))
        for c in cells
    )  # fmt: skip


def _document_flags(
    url: str | None, document: Document | None, kind: str = "attachment"
):
    if document is None:
        return []
    return [
        dataclasses.replace(
            f, details={**f.details, kind: url, "format": document.format}
        )
        for f in document.flags
    ]


def _comparisons(report: Report, attachments: Sequence[Attachment]) -> list[Flag]:
    """A flag per attachment whose tables disagree with the page's."""
    if not attachments:
        return []
    page = report.fields
    flags = []
    for attachment in attachments:
        other = attachment.report.fields
        common = sorted(set(page) & set(other))
        differ = [{"field": f, "page": page[f], "attachment": other[f]}
                  for f in common if page[f] != other[f]]  # fmt: skip
        if differ:
            flags.append(Flag(
                "attachment_disagrees",
                f"{len(differ)} of {len(common)} cells differ between the page and its "
                f"attachment {attachment.url}",
                {"attachment": attachment.url, "cells": differ[:MAX_LISTED],
                 "count": len(differ), "compared": len(common)},
            ))  # fmt: skip
    return flags
