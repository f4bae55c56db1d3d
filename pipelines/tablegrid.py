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
# Lines up to this length have their tokens cached (a table row is ~50-150 characters).
_CACHED_LINE = 300


class Token(NamedTuple):
    """One table cell as found in the text (a tuple: pages have hundreds of them)."""

    text: str
    line: int  # 0-based line number in the text
    col: int  # cell position in a pipe row, 0 for a plain line
    piped: bool  # came from a ``| … |`` row (blank cells exist only there)
    row: int  # running row number, one per text line
    value: bool  # a cell value (number or blank marker) rather than a label: is_value()
    number: int | float | None  # the value read (parse_value); None: a blank, a label
    norm: str  # the cell text normalised for label matching (normalize_label)


def make_token(text: str, line: int, col: int, piped: bool, row: int) -> Token:
    """The token of one cell, read."""
    _, _, _, value, number, norm = _read_cell(text, col, piped)
    return _token((text, line, col, piped, row, value, number, norm))


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


# Token(...) without the Python-level __new__ of a NamedTuple: pipe rows make thousands.
_token = partial(tuple.__new__, Token)


def tokenize(lines: list[str], first_line: int = 0) -> list[Token]:
    """Tokens of a block of text lines, in reading order."""
    tokens: list[Token] = []
    for number, line in enumerate(lines, first_line):
        cells = _line_cells(line) if len(line) <= _CACHED_LINE else _read_line(line)
        if cells:
            tokens.extend([_token((text, number, col, piped, number, value, num, norm))
                           for text, col, piped, value, num, norm in cells])
    return tokens


# A token without its line number: (text, col, piped, value, number, norm).
_Cell = tuple[str, int, bool, bool, int | float | None, str]


@lru_cache(maxsize=4096)
def _line_cells(line: str) -> tuple[_Cell, ...]:
    # Table rows recur across reports (a row of zeros, a template's header rows):
    # each distinct line is split and read once.
    return _read_line(line)


def _read_line(line: str) -> tuple[_Cell, ...]:
    """The tokens of one line, without their line number."""
    if _ONLY_PIPES.match(line):
        return ()
    cells = split_cells(line)
    if cells is not None and len(cells) > 1:
        return tuple(_read_cell(c, i, True) for i, c in enumerate(cells))
    text = cells[0] if cells else line.strip()
    parts = _RUN_SPLIT.split(text)
    if len(parts) > 1 and all(parse_value(p)[0] and p for p in parts):
        # "0 0 0 1 1 ..." : a table row collapsed onto one line.
        return tuple(_read_cell(p, i, False) for i, p in enumerate(parts))
    if text:
        return (_read_cell(text, 0, False),)
    return ()


def _read_cell(text: str, col: int, piped: bool) -> _Cell:
    number = parse_value(text)[1]
    return text, col, piped, is_value(text, piped), number, normalize_label(text)


@lru_cache(maxsize=1)
def _blank_markers() -> frozenset[str]:
    return frozenset(load_labels()["blank_values"])
