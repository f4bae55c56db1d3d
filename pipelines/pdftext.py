"""PDF attachments: text lines and ruled tables with pdfplumber, pictures through OCR.

Blocks of a page (text lines, tables, large pictures) are emitted top to bottom, so the
section headings stay before their tables as in the printed report.
"""

from __future__ import annotations

import io
import logging

import pdfplumber

from pipelines.attachments import Document, TextBuilder
from pipelines.ocr import ocr_pending, read_table_image

logger = logging.getLogger(__name__)

# A picture covering less of the page than this is a logo, seal (a 4 cm 公章 is 2.6%
# of A4) or signature, not a table (a full-width review table is ~5%) or a scan.
MIN_PICTURE_SHARE = 0.04
# Resolution for OCR: 200 dpi puts 10.5-pt report text at ~30 px, what the recogniser
# handles best; more only costs time.
OCR_DPI = 200
# Pages read at most: real reports have 5-30 pages; a 500-page attachment is not one.
MAX_PAGES = 80


def read_pdf(body: bytes, fmt: str, ocr: bool) -> Document:
    """Text and tables of every page; pictures OCRed (or flagged ``ocr_pending``)."""
    out = TextBuilder()
    pending = 0
    ocred = 0
    with pdfplumber.open(io.BytesIO(body)) as pdf:
        pages = pdf.pages[:MAX_PAGES]
        for page in pages:
            out.new_page()
            pictures = _read_page(page, out, ocr)
            pending += pictures if not ocr else 0
            ocred += pictures if ocr else 0
        count = len(pdf.pages)
    if pending:
        out.flags.append(ocr_pending(pending))
    method = "pdfplumber+ocr" if ocred else "pdfplumber"
    return out.build(fmt, method, count)


def _read_page(page, out: TextBuilder, ocr: bool) -> int:
    """Emit one page's blocks in reading order; returns the number of pictures met."""
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    blocks: list[tuple[float, int, object]] = [(t.bbox[1], 1, t) for t in tables]
    for line in page.extract_text_lines():
        if not _inside(line, boxes):
            blocks.append((line["top"], 0, line))
    area = float(page.width * page.height)
    for picture in page.images:
        share = (
            (picture["x1"] - picture["x0"])
            * (picture["bottom"] - picture["top"])
            / area
        )
        if share >= MIN_PICTURE_SHARE and not _inside(picture, boxes):
            blocks.append((picture["top"], 2, picture))
    pictures = 0
    for _, kind, block in sorted(blocks, key=lambda b: (b[0], b[1])):
        if kind == 0:
            out.add_text(block["text"])
        elif kind == 1:
            out.add_table(table_grid(block))
        else:
            pictures += 1
            if ocr:
                _ocr_picture(page, block, out)
    return pictures


def _inside(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _ocr_picture(page, picture: dict, out: TextBuilder) -> None:
    bbox = (max(picture["x0"], 0), max(picture["top"], 0),
            min(picture["x1"], page.width), min(picture["bottom"], page.height))  # fmt: skip
    image = page.crop(bbox).to_image(resolution=OCR_DPI).original
    table = read_table_image(image)
    out.add_table(table.grid, table.scores)
    out.flags.extend(table.flags)


def table_grid(table) -> list[list[str]]:
    """A pdfplumber table as a full grid: a merged cell repeats in every position it covers.

    The grid lines are every distinct cell edge (a row's own bbox stretches over the
    cells that span down from it, so it cannot serve).
    """
    texts = table.extract()
    cells = [
        (bbox, " ".join((texts[r][c] or "").split()))
        for r, row in enumerate(table.rows)
        for c, bbox in enumerate(row.cells)
        if bbox is not None
    ]
    xs = _edges([b[0] for b, _ in cells] + [b[2] for b, _ in cells])
    ys = _edges([b[1] for b, _ in cells] + [b[3] for b, _ in cells])
    grid = [["" for _ in xs[1:]] for _ in ys[1:]]
    for (x0, top, x1, bottom), text in cells:
        for r in range(len(ys) - 1):
            if top <= (ys[r] + ys[r + 1]) / 2 <= bottom:
                for c in range(len(xs) - 1):
                    if x0 <= (xs[c] + xs[c + 1]) / 2 <= x1:
                        grid[r][c] = text
    return grid


def _edges(values: list[float]) -> list[float]:
    """Distinct positions, those closer than 1.5 pt taken as one line."""
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > 1.5:
            out.append(value)
    return out
