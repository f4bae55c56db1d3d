"""OCR of table pictures (rapidocr-onnxruntime; its Chinese models ship inside the wheel).

The table's ruling lines are found in the picture, cells (merged ones too) rebuilt from
their geometry, and each cell's text recognised on its own, so every cell gets its own
confidence. A picture without ruling lines falls back to detected text boxes grouped
into rows. OCR is slow (seconds per table): the crawl can defer it (OCR_ENABLED) and
``rebuild`` run it later; deferred pictures carry an ``ocr_pending`` flag.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from pipelines.flags import Flag

logger = logging.getLogger(__name__)

# Cells recognised below this score are flagged: clean printed cells score >= 0.92
# (a lone "0" is the lowest), smudged or blurred ones 0.45-0.75 (tests/fixtures tables).
MIN_CONFIDENCE = 0.85
# Pictures smaller than this on either side are icons and logos, not tables.
MIN_SIDE = 120
# Larger pictures are scaled down first: a 300-dpi A4 scan is ~3500 px high, and more
# only costs time (text stays above 20 px).
MAX_SIDE = 4000
# Gray levels below this count as ink.
INK = 160
# A ruling line is a run of ink at least this share of the picture's side (and at least
# MIN_RULE px): longer than any stroke of a character, shorter than one column.
RULE_SHARE = 0.05
MIN_RULE = 35
# Share of a cell border that must be inked for the border to exist (else cells merge).
BORDER_INKED = 0.7


@dataclass(frozen=True)
class OcrTable:
    """A table read from a picture: grid (spans repeated), per-cell scores, flags."""

    grid: tuple[tuple[str, ...], ...]
    scores: tuple[tuple[float | None, ...], ...]
    flags: tuple[Flag, ...] = ()


def ocr_pending(pictures: int) -> Flag:
    """The flag of pictures left for a later OCR run (OCR_ENABLED off)."""
    return Flag("ocr_pending", f"{pictures} picture(s) not read: OCR deferred",
                {"pictures": pictures})  # fmt: skip


@lru_cache(maxsize=1)
def ocr_engine():
    """The RapidOCR engine, loaded once (about a second)."""
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


def read_table_image(image) -> OcrTable:
    """OCR a table picture (PIL image) into a grid with a confidence per cell; never raises on content."""
    started = time.monotonic()
    if max(image.size) > MAX_SIDE:
        image = image.copy()
        image.thumbnail((MAX_SIDE, MAX_SIDE))
    gray = np.asarray(image.convert("L"))
    if min(gray.shape) < MIN_SIDE:
        return OcrTable((), ())
    ink = gray < INK
    ys = _rulings(ink)
    xs = _rulings(ink.T)
    if len(ys) < 2 or len(xs) < 2:
        return _free_text(gray)
    regions = _regions(ink, ys, xs)
    texts, scores = _recognise(gray, ink, regions, ys, xs)
    rows, cols = len(ys) - 1, len(xs) - 1
    grid = [["" for _ in range(cols)] for _ in range(rows)]
    score_grid: list[list[float | None]] = [[None] * cols for _ in range(rows)]
    for (r0, c0, r1, c1), text, score in zip(regions, texts, scores):
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                grid[r][c], score_grid[r][c] = text, score
    cells = [(r0, c0, t, s) for (r0, c0, _, _), t, s in zip(regions, texts, scores)]
    logger.info("OCR: %d x %d table, %d cells read in %.1f s", rows, cols,
                sum(1 for t in texts if t), time.monotonic() - started)  # fmt: skip
    return OcrTable(
        tuple(map(tuple, grid)), tuple(map(tuple, score_grid)), _confidence_flags(cells)
    )


def _rulings(ink: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each ruling line along axis 0: rows holding a long run of ink."""
    height, width = ink.shape
    threshold = max(MIN_RULE, int(width * RULE_SHARE))
    hits = [y for y in range(height) if _longest_run(ink[y]) >= threshold]
    lines: list[tuple[int, int]] = []
    for y in hits:
        if lines and y - lines[-1][1] <= 2:
            lines[-1] = (lines[-1][0], y)
        else:
            lines.append((y, y))
    return lines


def _longest_run(row: np.ndarray) -> int:
    padded = np.concatenate(([0], row.astype(np.int8), [0]))
    edges = np.diff(padded)
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return int((ends - starts).max()) if len(starts) else 0


def _regions(ink, ys, xs) -> list[tuple[int, int, int, int]]:
    """Printed cells as (row0, col0, row1, col1) grid ranges: grid cells with no border between them merge."""
    rows, cols = len(ys) - 1, len(xs) - 1
    parent = list(range(rows * cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(rows):
        y0, y1 = ys[r][1] + 1, ys[r + 1][0]
        for c in range(cols):
            x0, x1 = xs[c][1] + 1, xs[c + 1][0]
            if c + 1 < cols and not _inked(
                ink[y0:y1, xs[c + 1][0] : xs[c + 1][1] + 1], 1
            ):
                parent[find(r * cols + c + 1)] = find(r * cols + c)
            if r + 1 < rows and not _inked(
                ink[ys[r + 1][0] : ys[r + 1][1] + 1, x0:x1], 0
            ):
                parent[find((r + 1) * cols + c)] = find(r * cols + c)
    spans: dict[int, list[int]] = {}
    for i in range(rows * cols):
        root = find(i)
        r, c = divmod(i, cols)
        box = spans.setdefault(root, [r, c, r, c])
        box[0], box[1] = min(box[0], r), min(box[1], c)
        box[2], box[3] = max(box[2], r), max(box[3], c)
    return sorted(tuple(box) for box in spans.values())


def _inked(strip: np.ndarray, axis: int) -> bool:
    if strip.size == 0:
        return True
    return float(strip.any(axis=axis).mean()) >= BORDER_INKED


def _recognise(gray, ink, regions, ys, xs) -> tuple[list[str], list[float | None]]:
    """Text and score of each printed cell; a blank cell is '' with no score."""
    crops: list[np.ndarray] = []
    owners: list[int] = []
    for n, (r0, c0, r1, c1) in enumerate(regions):
        y0, y1 = ys[r0][1] + 2, ys[r1 + 1][0] - 1
        x0, x1 = xs[c0][1] + 2, xs[c1 + 1][0] - 1
        for band in _text_bands(gray[y0:y1, x0:x1], ink[y0:y1, x0:x1]):
            crops.append(band)
            owners.append(n)
    texts = [""] * len(regions)
    scores: list[float | None] = [None] * len(regions)
    if crops:
        # Identical crops (the many "0" cells) are recognised once.
        unique: dict[bytes, int] = {}
        keys = [
            unique.setdefault(c.tobytes() + bytes(str(c.shape), "ascii"), len(unique))
            for c in crops
        ]
        firsts = {k: crops[i] for i, k in reversed(list(enumerate(keys)))}
        recognised, _ = ocr_engine().text_rec([firsts[k] for k in range(len(unique))])
        results = [recognised[k] for k in keys]
        for owner, (text, score) in zip(owners, results):
            texts[owner] += text.strip()
            previous = scores[owner]
            scores[owner] = (
                float(score) if previous is None else min(previous, float(score))
            )
    return texts, scores


def _text_bands(gray: np.ndarray, ink: np.ndarray) -> list[np.ndarray]:
    """The text lines of one cell, each cut to its ink with a white margin."""
    if ink.size == 0 or ink.sum() < 8:
        return []
    rows = np.flatnonzero(ink.any(axis=1))
    bands: list[tuple[int, int]] = []
    for y in rows:
        if bands and y - bands[-1][1] <= 3:
            bands[-1] = (bands[-1][0], y)
        else:
            bands.append((y, y))
    out = []
    for top, bottom in bands:
        if bottom - top < 3:
            continue  # a speck, not a line of text
        band = ink[top : bottom + 1]
        cols = np.flatnonzero(band.any(axis=0))
        piece = gray[top : bottom + 1, cols[0] : cols[-1] + 1]
        # A margin of a fifth of the line height scores best: a lone "0" reads 0.99 with
        # it and 0.5 with a margin as high as the line (measured).
        margin = max(3, (bottom - top) // 5)
        padded = np.pad(piece, margin, constant_values=255)
        out.append(np.stack([padded] * 3, axis=-1))
    return out


def _confidence_flags(
    cells: list[tuple[int, int, str, float | None]],
) -> tuple[Flag, ...]:
    """The flag listing cells (row, col, text, score) read below MIN_CONFIDENCE."""
    weak = [
        {"row": r, "col": c, "text": text, "score": round(score, 3)}
        for r, c, text, score in cells
        if score is not None and score < MIN_CONFIDENCE
    ]
    if not weak:
        return ()
    message = f"{len(weak)} cell(s) read by OCR with confidence below {MIN_CONFIDENCE}"
    return (
        Flag("ocr_low_confidence", message, {"cells": weak[:50], "count": len(weak)}),
    )


def _free_text(gray: np.ndarray) -> OcrTable:
    """No ruling lines: detected text boxes, grouped into rows by their vertical centre."""
    result, _ = ocr_engine()(np.stack([gray] * 3, axis=-1))
    boxes = sorted(
        (sum(p[1] for p in box) / 4, min(p[0] for p in box), text, float(score))
        for box, text, score in result or []
    )
    rows: list[list[tuple[float, float, str, float]]] = []
    for box in boxes:
        # Boxes whose centres lie within half a line (12 px at 200 dpi) share a row.
        if rows and abs(box[0] - rows[-1][0][0]) < 12:
            rows[-1].append(box)
        else:
            rows.append([box])
    rows = [sorted(row, key=lambda b: b[1]) for row in rows]
    grid = tuple(tuple(b[2] for b in row) for row in rows)
    scores = tuple(tuple(b[3] for b in row) for row in rows)
    cells = [
        (r, c, b[2], b[3]) for r, row in enumerate(rows) for c, b in enumerate(row)
    ]
    return OcrTable(grid, scores, _confidence_flags(cells))
