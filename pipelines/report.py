"""Stage 4: one report's text to plain data (metadata, sections, table cells, figures).

``extract_report`` is the single entry used by the crawl, ``rebuild`` and ``analyze``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Mapping
from urllib.parse import urlsplit

import zhconv
from zhconv import zhconv as zhconv_tables

from pipelines.charclass import ASTRAL, char_class
from pipelines.flags import Flag
from pipelines.formats import (
    detect_version,
    get_format,
    has_table_markers,
    normalize_label,
    version_by_year,
)
from pipelines.gazetteer import (
    PlaceMention,
    Region,
    divisions,
    mentions,
    region_from_host,
    resolve_region,
)
from pipelines.metadata import extract_metadata
from pipelines.narrative import Figure, extract_figures
from pipelines.sections import find_sections, has_preamble, section_regions
from pipelines.tables import Cell, extract_tables

logger = logging.getLogger(__name__)

# Longer texts are cut before parsing: real reports stay far below (the longest seen is
# ~40 000 characters), and the regexes must not run for minutes on a hostile page.
MAX_CHARS = 400_000
TABLE_SECTIONS = {"active": 2, "requests": 3, "review_litigation": 4}


@dataclass(frozen=True)
class ReportHints:
    """What the crawl knows besides the text; all optional."""

    url: str | None = None
    list_title: str | None = None
    list_date: str | None = None
    page_title: str | None = None
    meta: Mapping[str, str] = field(default_factory=dict)
    fetched_at: str | None = None


@dataclass(frozen=True)
class Report:
    """Everything read from one report page."""

    title: str | None
    agency: str | None
    region: Region
    report_year: int | None
    publish_date: str | None
    scope: str | None
    format_version: str | None
    sections: tuple[int, ...]
    cells: tuple[Cell, ...]
    narrative: tuple[Figure, ...]
    flags: tuple[Flag, ...]
    places: tuple[PlaceMention, ...] = ()
    has_preamble: bool = False

    @property
    def fields(self) -> dict[str, int | float | None]:
        """Table cells as {field name: value}."""
        return {cell.field: cell.value for cell in self.cells}


def extract_report(text: str, hints: ReportHints | None = None) -> Report:
    """Read a report from structured text (see pipelines.htmltext); never raises.

    Metadata come from the text first, then from ``hints``; the format version from the
    table content first, then the report year. Problems become ``flags``.
    """
    hints = hints or ReportHints()
    text = text[:MAX_CHARS] if isinstance(text, str) else ""
    lines = text_lines(text)
    meta = extract_metadata(
        lines, hints.page_title, hints.list_title, hints.list_date, hints.meta
    )
    sections = find_sections(lines)
    regions = section_regions(sections, len(lines))
    normalized = normalized_text(lines)
    version, basis = detect_version(normalized, meta.report_year)
    table_regions = {t: regions[n] for t, n in TABLE_SECTIONS.items() if n in regions}
    cells = extract_tables(lines, table_regions, version) if version != "pre2019_free_text" else ()
    region = _region(meta, text, hints.url)
    flags = _extraction_flags(meta, version, basis, sections, cells, normalized)
    if not lines:
        # An empty 200 page (or one that was all chrome or spam): nothing to read.
        flags = (Flag("text_empty", "the page has no text to read"), *flags)
    return Report(
        title=meta.title,
        agency=meta.agency,
        region=region,
        report_year=meta.report_year,
        publish_date=meta.publish_date,
        scope=meta.scope,
        format_version=version,
        sections=tuple(s.no for s in sections),
        cells=cells,
        narrative=extract_figures(text),
        flags=flags,
        places=mentions(to_simplified(text)),
        has_preamble=bool(sections) and has_preamble(lines, sections),
    )


def text_lines(text: str) -> list[str]:
    """The non-blank lines of a text, stripped."""
    return [line.strip() for line in re.split(r"\r\n|\r|\n", text) if line.strip()]


def normalized_text(lines: list[str]) -> str:
    """normalize_label of the text the lines come from (text_lines), line by line: the
    labels and table rows recur from report to report (their normal form is cached),
    and NFKC never joins characters across the whitespace normalize_label drops."""
    return "".join(map(normalize_label, lines))


def _region(meta, text: str, url: str | None) -> Region:
    """Region of the agency as written, else of the places the text names, else the host."""
    simplified = to_simplified(text)
    for name in (meta.agency, meta.subject, meta.title):
        if name:
            region = resolve_region(to_simplified(name), simplified)
            if region.code:
                return region
    local = [p for p in mentions(simplified) if divisions()[p.code].level > 1]
    if local:
        return resolve_region(local[0].name, simplified)
    return region_from_host(urlsplit(url).hostname if url else None)


@lru_cache(maxsize=64)  # the same page text is simplified for metadata and for region
def to_simplified(text: str) -> str:
    """Traditional characters to simplified, for gazetteer look-ups (廣州 -> 广州)."""
    if not text or not _may_convert(text):
        return text
    return zhconv.convert(text, "zh-cn")


def _may_convert(text: str) -> bool:
    """Whether zhconv could change the text: it holds a word that zhconv's zh-cn table
    maps to another. zhconv reads a text character by character in Python (2 ms a
    report), and most reports are simplified already: it would give them back as
    they were, since every word it matches in them maps to itself."""
    singles, pair_starts, words = _convertible()
    if singles.search(text):
        return True
    for match in pair_starts.finditer(text):
        i = match.start()
        if any(text.startswith(word, i) for word in words.get(text[i : i + 2], ())):
            return True
    return False


@lru_cache(maxsize=1)
def _convertible() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, tuple[str, ...]]]:
    """What ``_may_convert`` looks for, from the words of the zh-cn table it changes.

    ``singles``: a character changed on its own (開), or any character beyond the BMP
    (a regex class tries astral characters one by one; those texts go to zhconv).
    ``pair_starts``: where a longer word made of other characters (回覆, 公升) can
    start, a first character of one followed by a second character of one; ``words``:
    those words by their first two characters.
    """
    changed = [k for k, v in zhconv_tables.getdict("zh-cn").items() if k != v]
    single = {k for k in changed if len(k) == 1}
    longer = [k for k in changed if len(k) > 1 and not any(c in single for c in k)]
    words: dict[str, list[str]] = {}
    for word in longer:
        words.setdefault(word[:2], []).append(word)
    singles = re.compile(f"[{char_class(c for c in single if ord(c) <= 0xFFFF)}{ASTRAL}]")
    pair_starts = re.compile(
        f"[{char_class(k[0] for k in longer)}](?=[{char_class(k[1] for k in longer)}])"
    )
    return singles, pair_starts, {k: tuple(v) for k, v in words.items()}


def _extraction_flags(meta, version, basis, sections, cells, normalized) -> tuple[Flag, ...]:
    flags: list[Flag] = []
    if meta.report_year is None:
        flags.append(Flag("year_missing", "report year not found"))
    if meta.agency is None:
        flags.append(Flag("agency_missing", "issuing agency not written on the page"))
    by_year = version_by_year(meta.report_year)
    if basis == "content" and by_year and by_year != version:
        flags.append(
            Flag("version_year_mismatch",
                 f"tables are {version} but report year {meta.report_year} implies {by_year}",
                 {"found": version, "expected": by_year, "year": meta.report_year})
        )  # fmt: skip
    if version in ("gov2019", "gov2021"):
        flags.extend(_table_flags(version, sections, cells, normalized))
    return tuple(flags)


def _table_flags(version, sections, cells, normalized) -> list[Flag]:
    numbers = {s.no for s in sections}
    tabled = {c.table for c in cells}
    if not cells:
        if numbers & set(TABLE_SECTIONS.values()) or has_table_markers(normalized):
            return [
                Flag("tables_missing",
                     "table sections are present but no table was read "
                     "(images, attachments or lost markup)",
                     {"sections": sorted(numbers)})
            ]  # fmt: skip
        return []
    expected = get_format(version)
    read = {c.field for c in cells}
    missing = [n for n in expected.names() if n not in read]
    if not missing:
        return []
    return [
        Flag("tables_partial", f"{len(missing)} of {len(expected.names())} cells not read",
             {"missing": missing[:50], "missing_count": len(missing),
              "tables_found": sorted(tabled)})
    ]  # fmt: skip
