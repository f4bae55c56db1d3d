"""The three standard tables as fields: labels matched by meaning, values kept as printed.

Rows and columns are recognised through the regexes of report_labels.json, so typos,
split labels ("商业 企业") and local explanations inside labels still match. A value is
taken only when it sits right after its row label (in the same pipe row, or on the
following lines of a one-cell-per-line table): anything else is left unread rather than
guessed. Blank, '-', '/' stay None; 0 stays 0.
"""

from __future__ import annotations

import logging
import re
from functools import cache, lru_cache, partial
from typing import Any, NamedTuple

from pipelines.formats import (
    all_field_names,
    get_format,
    load_labels,
    load_schema,
    normalize_label,
)
from pipelines.tablegrid import Token, make_token, tokenize

logger = logging.getLogger(__name__)

REQUEST_COLUMNS = 7
REVIEW_CELLS = 15
# Row labels longer than this are prose, not table cells (湖北 labels with their local
# explanations run to ~110 characters).
MAX_LABEL = 160
_FLAT_REVIEW_ROW = re.compile(r"\d{15}")
_SPACES = re.compile(r"\s+")


class Cell(NamedTuple):
    """One table cell: the field it fills, its value and where it came from.

    A named tuple, not a frozen dataclass: a report has 200 cells, and a tuple is made
    in a third of the time (``_replace`` gives a changed copy).
    """

    field: str
    value: int | float | None
    raw: str
    table: str
    row_label: str
    col_label: str
    row: int
    col: int
    method: str = "text"


# Cell(...) without the Python-level __new__ of a NamedTuple (all nine fields given).
_cell = partial(tuple.__new__, Cell)


def extract_tables(
    lines: list[str], regions: dict[str, tuple[int, int]], version: str | None
) -> tuple[Cell, ...]:
    """All cells of the active, requests and review_litigation tables found in the text.

    ``regions`` gives, per table, the line range of its section (missing: whole text).
    """
    allowed = _allowed_fields(version)
    cells: list[Cell] = []
    whole: list[Token] | None = None  # tokens of the whole text, made once if needed
    for table, reader in (
        ("active", _active_cells),
        ("requests", _request_cells),
        ("review_litigation", _review_cells),
    ):
        start, end = regions.get(table, (0, len(lines)))
        found = []
        if (start, end) != (0, len(lines)):
            found = reader(tokenize(lines[start:end], start))
        if not found:
            whole = tokenize(lines, 0) if whole is None else whole
            found = reader(whole)
        cells.extend(found)
    return tuple(_first_per_field(cells, allowed))


@lru_cache(maxsize=4)
def _allowed_fields(version: str | None) -> frozenset[str]:
    if version in ("gov2019", "gov2021"):
        return frozenset(get_format(version).names())
    return all_field_names()


def _first_per_field(cells: list[Cell], allowed: frozenset[str]) -> list[Cell]:
    """The first cell of each allowed field, in order."""
    seen: set[str] = set()
    out = []
    for cell in cells:
        name = cell.field
        if name not in seen and name in allowed:
            seen.add(name)
            out.append(cell)
    return out


def _method(token: Token) -> str:
    return "pipe" if token.piped else "lines"


@cache
def _label_patterns(kind: str) -> tuple[tuple[dict[str, Any], tuple[re.Pattern[str], ...]], ...]:
    """The entries of one label list of report_labels.json with their regexes compiled."""
    return tuple(
        (entry, tuple(re.compile(p) for p in entry["patterns"]))
        for entry in load_labels()[kind]
    )


def _matches(kind: str, norm: str) -> tuple[dict[str, Any], ...]:
    """The entries of label list ``kind`` that match a normalised label, in lexicon order."""
    if len(norm) > MAX_LABEL:
        return _search_labels(kind, norm)
    return _cached_matches(kind, norm)


def _search_labels(kind: str, norm: str) -> tuple[dict[str, Any], ...]:
    return tuple(
        entry for entry, patterns in _label_patterns(kind)
        if any(p.search(norm) for p in patterns)
    )  # fmt: skip


@lru_cache(maxsize=8192)
def _cached_matches(kind: str, norm: str) -> tuple[dict[str, Any], ...]:
    # The same labels recur in every report: each is matched against the lexicon once.
    return _search_labels(kind, norm)


def _first_id(kind: str, norm: str) -> str | None:
    """The id of the first entry of label list ``kind`` matching the label, if any."""
    found = _matches(kind, norm)
    return found[0]["id"] if found else None


def _row_values(tokens: list[Token], i: int, limit: int) -> list[Token]:
    """Value tokens right after token i: same pipe row, or following plain lines."""
    label = tokens[i]
    piped, row = label.piped, label.row
    out: list[Token] = []
    for tok in tokens[i + 1 : i + 1 + limit]:  # at most ``limit`` are taken
        if piped and tok.row != row:
            break
        if tok.piped != piped or not tok.value:
            break
        out.append(tok)
    return out


# --- table 2: active ------------------------------------------------------------


def _active_cells(tokens: list[Token]) -> list[Cell]:
    header: list[tuple[int, str]] = []  # (offset from the row label, printed label)
    cells: list[Cell] = []
    for i, tok in enumerate(tokens):
        norm = tok.norm
        short = len(norm) <= MAX_LABEL
        is_header, row_id = _active_label(norm) if short else (False, None)
        if is_header:
            header = _active_header(tokens, i)
            continue
        if row_id is None:
            continue
        cells.extend(_active_row_cells(tokens, i, row_id, header))
    return cells


@lru_cache(maxsize=8192)
def _active_label(norm: str) -> tuple[bool, str | None]:
    """Whether a label heads the columns (信息内容), and the row it names, if any."""
    if load_labels()["active_header"] in norm and len(norm) < 20:
        return True, None
    return False, _first_id("active_rows", norm) if norm else None


def _active_column(printed: str) -> str | None:
    return _first_id("active_columns", normalize_label(printed))


def _active_header(tokens: list[Token], i: int) -> list[tuple[int, str]]:
    """Column labels after 信息内容, one per distinct column (colspan repeats dropped)."""
    anchor = tokens[i]
    header: list[tuple[int, str]] = []
    if anchor.piped:
        previous = anchor.text
        for k in range(i + 1, len(tokens)):
            tok = tokens[k]
            if tok.row != anchor.row:
                break
            if tok.text and tok.text != previous and _active_column(tok.text):
                header.append((tok.col - anchor.col, tok.text))
            previous = tok.text
        return header
    for k in range(i + 1, len(tokens)):
        tok = tokens[k]
        if tok.piped or _active_column(tok.text) is None:
            break
        header.append((k - i, tok.text))
    return header


def _row_tokens(tokens: list[Token], i: int) -> list[Token]:
    """The tokens of token i's row (tokenize keeps the tokens of a row together)."""
    row = tokens[i].row
    start, end = i, i + 1
    while start > 0 and tokens[start - 1].row == row:
        start -= 1
    while end < len(tokens) and tokens[end].row == row:
        end += 1
    return tokens[start:end]


def _active_row_cells(
    tokens: list[Token], i: int, row_id: str, header: list[tuple[int, str]]
) -> list[Cell]:
    label = tokens[i]
    if label.piped:
        same_row = {t.col: t for t in _row_tokens(tokens, i)}
        picked = [(same_row.get(label.col + off), text) for off, text in header]
    else:
        values = _row_values(tokens, i, len(header) or 3)
        picked = list(zip(values, [text for _, text in header]))
    cells = []
    for tok, col_label in picked:
        if tok is None or not tok.value:
            continue
        col_id = _active_column(col_label)
        cells.append(
            _cell((f"active.{row_id}.{col_id}", tok.number, tok.text,
                   "active", label.text, col_label, tok.line, tok.col, _method(tok)))
        )  # fmt: skip
    return cells


# --- table 3: requests ------------------------------------------------------------


def _request_cells(tokens: list[Token]) -> list[Cell]:
    context: str | None = None
    seen_groups: set[str] = set()
    columns = _request_column_labels(tokens)
    col_ids = tuple(col_id for col_id, _ in columns)
    col_labels = [col_label for _, col_label in columns]
    cells: list[Cell] = []
    for i, tok in enumerate(tokens):
        if tok.value:
            continue
        norm = tok.norm
        if not norm or len(norm) > MAX_LABEL:
            continue
        rows, group = _request_label(norm)
        path = _request_row(rows, context, seen_groups) if rows else None
        values = _row_values(tokens, i, REQUEST_COLUMNS) if path else []
        path = path if values else None
        if path and len(values) == REQUEST_COLUMNS:
            label, names = tok.text, _field_names(path, col_ids)
            cells.extend([
                _cell((name, v.number, v.text, "requests", label, col_label, v.line, v.col,
                       _method(v)))
                for name, col_label, v in zip(names, col_labels, values)
            ])  # fmt: skip
            continue
        if path:
            logger.debug("request row %r has %d values, not read", tok.text, len(values))
        if group:
            context = group
            seen_groups.add(group)
    return cells


@lru_cache(maxsize=8192)
def _request_label(norm: str) -> tuple[tuple[dict[str, Any], ...], str | None]:
    """The request rows a label may be (in lexicon order), and the group it opens."""
    groups = _matches("requests_groups", norm)
    return _matches("requests_rows", norm), groups[0]["id"] if groups else None


@lru_cache(maxsize=256)
def _field_names(path: str, col_ids: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{path}.{col_id}" for col_id in col_ids)


def _request_row(rows: tuple[dict[str, Any], ...], context: str | None,
                 seen_groups: set[str]) -> str | None:
    """The path of the first of a label's rows that fits the group context."""
    for row in rows:
        if "group" in row and row["group"] != context:
            continue
        if "after_group" in row and row["after_group"] not in seen_groups:
            continue
        return row["path"]
    return None


def _request_column_labels(tokens: list[Token]) -> list[tuple[str, str]]:
    """(column id, printed label) in template order; printed from the header if found."""
    spec = load_schema()["versions"]["gov2021"]["tables"]["requests"]["columns"]
    printed = {c["id"]: c["label"] for c in spec}
    texts = [t.text for t in tokens[:200] if not t.value]
    found: dict[str, str] = {}
    wanted = len(_label_patterns("requests_columns"))
    for j, text in enumerate(texts):
        if len(found) == wanted:
            break  # every column has its printed label: later text changes nothing
        for pair in (text, f"{text} {texts[j + 1]}" if j + 1 < len(texts) else text):
            for col_id in _column_ids(pair):
                if col_id not in found:
                    found[col_id] = pair
    return [(c["id"], found.get(c["id"], printed[c["id"]])) for c in spec]


def _column_ids(text: str) -> tuple[str, ...]:
    """The ids of the request columns a header text matches, in lexicon order."""
    if len(text) > MAX_LABEL:
        return _read_column_ids(text)
    return _cached_column_ids(text)


def _read_column_ids(text: str) -> tuple[str, ...]:
    found = _matches("requests_columns", _SPACES.sub("", text))
    return tuple(col["id"] for col in found)


@lru_cache(maxsize=8192)
def _cached_column_ids(text: str) -> tuple[str, ...]:
    return _read_column_ids(text)


# --- table 4: review_litigation -----------------------------------------------------


@lru_cache(maxsize=1)
def _review_layout() -> tuple[tuple[str, str, str], ...]:
    """(field, block label, leaf label) in the flattened order of reference §6."""
    spec = load_schema()["versions"]["gov2021"]["tables"]["review_litigation"]
    blocks = {
        b["id"]: (f"{b['parent_label']} {b['label']}" if b["parent_label"] else b["label"])
        for b in spec["blocks"]
    }
    leaves = {c["id"]: c["label"] for c in spec["columns"]}
    return tuple(
        (key, blocks[key.split(".")[1]], leaves[key.split(".")[2]])
        for key in spec["flattened_order"]
    )


def _review_cells(tokens: list[Token]) -> list[Cell]:
    anchor = load_labels()["review_anchor"]
    start = next((i for i, t in enumerate(tokens) if anchor in t.norm), None)
    if start is None:
        return []
    for i in range(start, len(tokens)):
        tok = tokens[i]
        if _FLAT_REVIEW_ROW.fullmatch(tok.norm):
            # 15 single-digit cells run together when a table is flattened to text.
            digits = [make_token(d, tok.line, n, False, tok.row)
                      for n, d in enumerate(tok.norm)]
            return _review_from(digits, "digits")
        if not tok.value:
            continue
        run = [tok] + _row_values(tokens, i, REVIEW_CELLS - 1)
        if len(run) == REVIEW_CELLS:
            return _review_from(run, _method(tok))
    return []


def _review_from(run: list[Token], method: str) -> list[Cell]:
    return [
        _cell((key, t.number, t.text, "review_litigation", block, leaf,
               t.line, t.col, method))
        for (key, block, leaf), t in zip(_review_layout(), run)
    ]  # fmt: skip
