"""Structured text to table tokens: pipe rows split into cells, other lines as one cell.

Every rendering of a report table seen in the wild (``| a | b |`` rows from HTML grids,
markdown-like pipe tables, one cell per line, a run of numbers on one line) becomes one
stream of tokens that remember their line and column, so a cell can be traced back.
"""

from __future__ import annotations

import re
from functools import lru_cache, partial
from typing import NamedTuple

from pipelines.formats import load_labels, normalize_label

# Units typed into cells ("251000元", "3件"); 万元 before 元 so the longer one is cut.
_UNITS = r"(万元|元|件|条|个|项|次|人次|宗|份)"
_NUMBER = re.compile(rf"^([-−–]?)(\d{{1,3}}(?:,\d{{3}})+|\d+)(\.\d+)?{_UNITS}?$")
_RUN_SPLIT = re.compile(r"[ \t]+")
# A CMS layout residue line such as "||||||" (seeds 000/002) carries no cells.
_ONLY_PIPES = re.compile(r"^[|｜\s]*$")
# Cells up to this length have their reading cached (numbers and labels recur across
# reports); longer text, prose mostly, is read each time.
_CACHED_CELL = 64


class Token(NamedTuple):
    """One table cell as found in the text (a tuple: pages have hundreds of them)."""

    text: str
    line: int  # 0-based line number in the text
    col: int  # cell position in a pipe row, 0 for a plain line
    piped: bool  # came from a ``| … |`` row (blank cells exist only there)
    row: int  # running row number, one per text line
    value: bool  # a cell value (number or blank marker) rather than a label: is_value()

    @property
    def norm(self) -> str:
        """The cell text normalised for label matching."""
        return normalize_label(self.text)


def parse_value(raw: str) -> tuple[bool, int | float | None]:
    """Read a cell as a value: (is_value, number or None for a blank marker)."""
    if len(raw) <= _CACHED_CELL:
        return _parse_short(raw)
    return _parse(raw)


@lru_cache(maxsize=8192)
def _parse_short(raw: str) -> tuple[bool, int | float | None]:
    return _parse(raw)


def _parse(raw: str) -> tuple[bool, int | float | None]:
    text = normalize_label(raw)
    if text in _blank_markers():
        return True, None
    match = _NUMBER.match(text)
    if not match:
        return False, None
    sign, digits, decimals, _unit = match.groups()
    digits = digits.replace(",", "")
    if decimals:
        value: int | float = float(digits + decimals)
    else:
        value = int(digits)
    return True, -value if sign else value


def is_value(text: str, piped: bool) -> bool:
    """Whether a cell is a value (number or blank marker) rather than a label.

    A blank cell is a value only in a pipe row: a blank line is nothing.
    """
    if not piped and not text.strip():
        return False
    return parse_value(text)[0]


def split_cells(line: str) -> list[str] | None:
    """Cells of a pipe row, or None when the line is not one."""
    if "|" not in line:
        return None
    cells = [c.strip() for c in line.split("|")]
    if line.lstrip().startswith("|"):
        cells = cells[1:]
    if line.rstrip().endswith("|") and cells:
        cells = cells[:-1]
    return cells


def _cell_is_value(cell: str) -> bool:
    """is_value(cell, True): a pipe cell, blank ones included."""
    return (_parse_short(cell) if len(cell) <= _CACHED_CELL else _parse(cell))[0]


# Token(...) without the Python-level __new__ of a NamedTuple: pipe rows make thousands.
_token = partial(tuple.__new__, Token)


def tokenize(lines: list[str], first_line: int = 0) -> list[Token]:
    """Tokens of a block of text lines, in reading order."""
    tokens: list[Token] = []
    for offset, line in enumerate(lines):
        number = first_line + offset
        if _ONLY_PIPES.match(line):
            continue
        cells = split_cells(line)
        if cells is not None and len(cells) > 1:
            tokens.extend([_token((c, number, i, True, number, _cell_is_value(c)))
                           for i, c in enumerate(cells)])
            continue
        text = cells[0] if cells else line.strip()
        parts = _RUN_SPLIT.split(text)
        if len(parts) > 1 and all(parse_value(p)[0] and p for p in parts):
            # "0 0 0 1 1 ..." : a table row collapsed onto one line.
            tokens.extend([Token(p, number, i, False, number, is_value(p, False))
                           for i, p in enumerate(parts)])
        elif text:
            tokens.append(Token(text, number, 0, False, number, is_value(text, False)))
    return tokens


@lru_cache(maxsize=1)
def _blank_markers() -> frozenset[str]:
    return frozenset(load_labels()["blank_values"])
