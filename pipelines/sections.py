"""The six standard sections of a report, located by their headings (reference §2).

Headings are matched by meaning (report_sections.json), so variants such as
政府信息公开行政复议和行政诉讼情况 or 存在的主要问题和改进措施 map to the standard number,
and headings run into one long line (CMS pages flattened to a paragraph) are found too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from pipelines.formats import DATA_DIR
from pipelines.nfkc import nfkc

SECTIONS_FILE = DATA_DIR / "report_sections.json"


@dataclass(frozen=True)
class Section:
    """One standard section: its number, id, printed heading and where it starts."""

    no: int
    id: str
    heading: str
    line: int
    offset: int  # character offset of the heading within its line


@lru_cache(maxsize=1)
def _heading_patterns() -> tuple[re.Pattern[str], tuple[tuple[int, str, re.Pattern[str]], ...]]:
    """The numeral every heading starts with, and each section's heading pattern."""
    spec = json.loads(SECTIONS_FILE.read_text(encoding="utf-8"))
    numeral = spec["numeral"]
    return re.compile(numeral), tuple(
        (s["no"], s["id"], re.compile(rf"(?:^|[\s。|])\s*({numeral}\s*(?:{'|'.join(s['patterns'])}))"))
        for s in spec["sections"]
    )


def find_sections(lines: list[str]) -> tuple[Section, ...]:
    """Standard sections found, in text order; the first heading of each number wins."""
    found: dict[int, Section] = {}
    for number, line in enumerate(lines):
        headings = _cached_headings if len(line) <= _CACHED_LINE else _line_headings
        for no, sid, heading, offset in headings(line):
            if no not in found:
                found[no] = Section(no, sid, heading, number, offset)
    return tuple(sorted(found.values(), key=lambda s: (s.line, s.offset)))


def _line_headings(line: str) -> tuple[tuple[int, str, str, int], ...]:
    """(number, id, heading, offset) of each section heading pattern found in a line."""
    numeral, patterns = _heading_patterns()
    text = nfkc(line)
    if not numeral.search(text):
        return ()  # most lines: the six patterns need not be tried
    return tuple(
        (no, sid, match.group(1), match.start(1))
        for no, sid, pattern in patterns
        if (match := pattern.search(text))
    )


# Table rows and stock sentences recur from report to report: short lines keep their
# result (a page flattened to one line of 40,000 characters is not kept).
_CACHED_LINE = 300
_cached_headings = lru_cache(maxsize=4096)(_line_headings)


def section_regions(
    sections: tuple[Section, ...], line_count: int
) -> dict[int, tuple[int, int]]:
    """Line range [start, end) of each section, up to the next section's heading line."""
    regions: dict[int, tuple[int, int]] = {}
    for i, section in enumerate(sections):
        end = sections[i + 1].line if i + 1 < len(sections) else line_count
        regions[section.no] = (section.line, max(end, section.line + 1))
    return regions


def has_preamble(lines: list[str], sections: tuple[Section, ...]) -> bool:
    """Whether text precedes the first section heading (the unnumbered preamble)."""
    if not sections:
        return bool(lines)
    first = sections[0]
    return first.line > 0 or first.offset > 0
