"""HTML to structured text: one block per line, data tables as ``| a | b |`` rows.

This is the one representation every later stage reads, for HTML pages and for plain
text pages alike (see pipelines/__init__.py for the contract).
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

DROPPED_TAGS = frozenset(
    {"script", "style", "noscript", "template", "head", "title", "iframe", "object"}
)
BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "caption", "center", "dd",
        "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure",
        "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
        "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
        "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
# Largest span honoured; real reports use rowspan up to ~20, larger values are CMS bugs
# that would otherwise blow the grid up.
MAX_SPAN = 100
# Cells one table may expand to. The largest real report table has about 600 (2021
# format, table 3: 27 rows x 16 columns); 8 KB of rows with rowspan=100 colspan=100
# would otherwise expand to millions of cells and 7 MB of text (a table bomb), and
# every later stage would crawl through it. Rows past the budget are left out.
MAX_TABLE_CELLS = 20_000


def space_runs(space: str) -> re.Pattern:
    """The runs of ``space`` (a character class) to replace by one " " to collapse them.

    The same result as replacing every ``space+``, without rewriting the many single
    spaces already right; opening with the class lets the regex engine skip ahead.
    """
    return re.compile(rf"{space}(?:(?<! )|(?={space})){space}*")


_SPACES = space_runs(r"[ \t\r\f\v\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff]")
_TAGS = re.compile(r"<[^>]+>")
_SPAN = re.compile(r"\s*(\d+)")
# lxml.html's parser with lxml's own element classes: the same tree, without the
# Python-level class lookup lxml.html runs for every element it hands out.
_PARSER = etree.HTMLParser()
# Documents kept parsed: decode reads a page's markup twice, the spam stage once more
# (and a cloaking probe's markup in between).
PARSED_DOCUMENTS = 4
# Cell texts up to this length have their cleaning cached.
_CACHED_CELL = 200


def normalize_line(text: str) -> str:
    """Collapse whitespace (including &nbsp; and full-width spaces) and strip."""
    return _SPACES.sub(" ", text).strip()


def text_to_lines(text: str) -> str:
    """Normalise a plain-text page: unify newlines, collapse spaces, drop empty lines."""
    # normalize_line on every line, done on the whole text at once: no run of spaces
    # crosses a newline once \r is one.
    text = _SPACES.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(filter(None, map(str.strip, text.split("\n"))))


@lru_cache(maxsize=PARSED_DOCUMENTS)
def parse_document(markup: str) -> etree._Element:
    """The root of decoded HTML as ``lxml.html.document_fromstring`` parses it, shared.

    Every stage reading a page's markup gets the same tree, parsed once: callers must
    not change it. Raises as lxml.html does (ParserError for an empty document,
    ValueError for a string with an encoding declaration).
    """
    root = etree.fromstring(markup, _PARSER)
    if root is None:
        raise etree.ParserError("Document is empty")
    return root


def html_to_text(html: str) -> str:
    """Render decoded HTML as structured text; never raises on malformed markup.

    Blocks become lines; a data table (no nested table) becomes one ``| … |`` line per
    row with rowspan/colspan expanded; a layout table is rendered as blocks.
    """
    if not html or html.isspace():  # (not html.strip(), without copying the page)
        return ""
    try:
        root = parse_document(html)
    except (etree.ParserError, ValueError):
        return text_to_lines(_TAGS.sub(" ", html))
    out: list[str] = []
    _render(root, out)
    return text_to_lines("".join(out))


def _render(node: etree._Element, out: list[str]) -> None:
    tag = node.tag
    if not isinstance(tag, str) or tag in DROPPED_TAGS or not tag:
        pass  # a comment, a script...: its tail only
    elif tag == "table" and next(node.iterdescendants("table"), None) is None:
        out.append("\n")
        out.extend(row + "\n" for row in table_rows(node))
    else:
        block = tag in BLOCK_TAGS
        if block:
            out.append("\n")
        text = node.text
        if text:
            out.append(text)
        for child in node:
            _render(child, out)
        if block:
            out.append("\n")
    tail = node.tail
    if tail:
        out.append(tail)


def cell_text(cell: etree._Element) -> str:
    """Text of one table cell with inner line breaks collapsed to single spaces."""
    if not len(cell):  # the common cell: text only, no child (nor comment)
        text = cell.text or ""
        # A word or number ("0", "自然人") has no space or pipe to change.
        return text if text.isalnum() else _plain_cell(text)
    parts: list[str] = []
    for piece in cell.iter():
        if piece is not cell and piece.tag in DROPPED_TAGS:
            continue
        if piece is cell:
            parts.append(piece.text or "")
        else:
            parts.append(" " if piece.tag in BLOCK_TAGS else "")
            parts.append(piece.text or "")
            parts.append(piece.tail or "")
    return normalize_line(" ".join(parts).replace("|", "｜"))


def _plain_cell(text: str) -> str:
    """The text of a cell without children, pipes made full-width, spaces collapsed."""
    if len(text) <= _CACHED_CELL:
        return _cached_plain_cell(text)
    return _read_plain_cell(text)


def _read_plain_cell(text: str) -> str:
    return normalize_line(text.replace("|", "｜"))


@lru_cache(maxsize=4096)  # labels recur in every report of a format
def _cached_plain_cell(text: str) -> str:
    return _read_plain_cell(text)


@lru_cache(maxsize=256)  # a few values ("2", "3", "22") on every page
def _span(value: str) -> int:
    match = _SPAN.match(value)
    return min(max(int(match.group(1)), 1), MAX_SPAN) if match else 1


def table_grid(table: etree._Element) -> list[list[str]]:
    """Expand a data table into a full grid; a spanned cell repeats in each position."""
    grid: list[list[str]] = []
    pending: dict[int, dict[int, str]] = {}  # row -> column -> text of a rowspan above
    rows = [tr for tr in table.iter("tr") if tr.getparent() is not None]
    budget = MAX_TABLE_CELLS
    for r, tr in enumerate(rows):
        row: list[str] = []
        col = 0
        above = pending.pop(r, None)
        for cell in tr.iterchildren("td", "th"):
            if len(row) > budget:
                break
            if above:
                while col in above:
                    row.append(above.pop(col))
                    col += 1
            text = cell_text(cell)
            if not cell.keys():  # most cells: no attribute to look up one by one
                row.append(text)
                col += 1
                continue
            rowspan, colspan = cell.get("rowspan"), cell.get("colspan")
            colspan = _span(colspan) if colspan else 1
            if colspan == 1:
                row.append(text)
            else:
                row.extend([text] * colspan)
            if rowspan and (rowspan := _span(rowspan)) > 1:
                for dr in range(1, rowspan):
                    below = pending.setdefault(r + dr, {})
                    for dc in range(colspan):
                        below[col + dc] = text
            col += colspan
        if above:
            while col in above:
                row.append(above.pop(col))
                col += 1
        budget -= len(row)
        if budget < 0:
            break
        grid.append(row)
    width = max((len(row) for row in grid), default=0)
    return [row + [""] * (width - len(row)) for row in grid]


def table_rows(table: etree._Element) -> list[str]:
    """Pipe-row lines of a data table, empty rows left out."""
    return [
        "| " + " | ".join(row) + " |" for row in table_grid(table) if any(row)
    ]
