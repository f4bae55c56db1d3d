"""Attachments (PDF, Word, Excel, WPS, images) read into structured text, by format.

``read_document`` is the entry used by the chain for report attachments and for report
pages that are themselves documents. Its text has the shape of pipelines/htmltext.py
(one block per line, tables as ``| a | b |`` rows with spans repeated), so the report
stage reads attachments exactly as it reads pages.
"""

from __future__ import annotations

import bisect
import io
import logging
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from pipelines.decode import sniff_format
from pipelines.flags import Flag
from pipelines.htmltext import normalize_line

logger = logging.getLogger(__name__)

# OLE2 directory entries name their streams in UTF-16LE: a Word body (also what WPS
# writes into .wps files) or an Excel workbook (also .et).
_OLE_STREAMS = (("WordDocument".encode("utf-16-le"), "doc"),
                ("Workbook".encode("utf-16-le"), "xls"),
                ("Book".encode("utf-16-le"), "xls"))  # fmt: skip
# Extensions read as the format they really are (WPS Office saves Word/Excel formats).
_SAME_AS = {"wps": "doc", "et": "xls", "jpg": "jpeg", "dps": "ppt"}
_ZIP_PARTS = ((b"word/document.xml", "docx"), (b"xl/workbook.xml", "xlsx"))


@dataclass(frozen=True)
class Document:
    """An attachment as structured text; ``method`` names the reader, ``flags`` the trouble.

    ``page_lines`` holds the first text line of each page (sheet, for workbooks), and
    ``confidence`` the OCR score of each table cell by (line, column) of the text.
    """

    format: str
    method: str
    text: str = ""
    pages: int = 0
    tables: int = 0
    page_lines: tuple[int, ...] = ()
    confidence: Mapping[tuple[int, int], float] = field(default_factory=dict)
    flags: tuple[Flag, ...] = ()

    def page_of(self, line: int) -> int | None:
        """The 1-based page (or sheet) a text line comes from."""
        if not self.page_lines:
            return None
        return bisect.bisect_right(self.page_lines, line)


class TextBuilder:
    """Collects lines, tables and pages into a Document's text, keeping line numbers."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.page_lines: list[int] = []
        self.tables = 0
        self.confidence: dict[tuple[int, int], float] = {}
        self.flags: list[Flag] = []
        self.methods: list[str] = []

    def new_page(self) -> None:
        self.page_lines.append(len(self.lines))

    def add_text(self, text: str) -> None:
        for line in re.split(r"\r\n|\r|\n|\x0b", text or ""):
            line = normalize_line(line)
            if line:
                self.lines.append(line)

    def add_table(
        self, grid: list[list[str]], scores: list[list[float | None]] | None = None
    ) -> None:
        """A table grid (spans already repeated) as pipe rows; empty rows left out."""
        self.tables += 1
        for r, row in enumerate(grid):
            cells = [" ".join((c or "").split()).replace("|", "｜") for c in row]
            if not any(cells):
                continue
            if scores is not None:
                for c, score in enumerate(scores[r]):
                    if score is not None:
                        self.confidence[(len(self.lines), c)] = score
            self.lines.append("| " + " | ".join(cells) + " |")

    def build(self, fmt: str, method: str, pages: int) -> Document:
        return Document(
            format=fmt, method=method, text="\n".join(self.lines), pages=pages,
            tables=self.tables, page_lines=tuple(self.page_lines),
            confidence=dict(self.confidence), flags=tuple(self.flags),
        )  # fmt: skip


def detect_format(body: bytes, name: str | None = None) -> str | None:
    """The document format from the bytes (zip and OLE looked into), else the name's extension."""
    sniffed = sniff_format(body)
    if sniffed == "zip":
        head = body[:200_000]
        return next((fmt for part, fmt in _ZIP_PARTS if part in head),
                    _extension(name) or "zip")  # fmt: skip
    if sniffed == "ole":
        head = body[:1_000_000]
        found = next((fmt for stream, fmt in _OLE_STREAMS if stream in head), None)
        ext = _extension(name)
        # A .wps/.et keeps its own name: WPS versions differ from Word in the details.
        return ext if ext in ("wps", "et") else found or ext or "ole"
    return sniffed or _extension(name)


def _extension(name: str | None) -> str | None:
    match = re.search(r"\.([A-Za-z]{2,4})\b(?!.*\.[A-Za-z]{2,4}\b)", name or "")
    return match.group(1).lower() if match else None


def read_document(
    body: bytes, name: str | None = None, *, ocr: bool = True
) -> Document:
    """Read an attachment's bytes into structured text; never raises.

    The format is sniffed from the bytes first, then taken from ``name`` (URL, file
    name or link text). PDF text and ruled tables come from pdfplumber, docx from
    python-docx, spreadsheets from python-calamine, .doc/.wps through LibreOffice, and
    pictures (images, scanned pages, tables pasted as images) from OCR; with ``ocr``
    off they get an ``ocr_pending`` flag instead. An unreadable file comes back empty
    with an ``attachment_unreadable`` flag.
    """
    fmt = detect_format(body, name)
    fmt = {"jpg": "jpeg"}.get(fmt or "", fmt)
    reader = _readers().get(fmt or "")
    if not body or reader is None:
        return Document(fmt or "unknown", "none", flags=(
            Flag("attachment_unsupported", f"no reader for format {fmt!r}",
                 {"format": fmt, "size": len(body)}),))  # fmt: skip
    bomb = zip_bomb(body)
    if bomb:
        return Document(fmt, "none", flags=(Flag("attachment_unreadable", bomb,
                                                 {"format": fmt, "size": len(body)}),))
    try:
        return reader(body, fmt, ocr)
    except Exception as err:  # noqa: BLE001 (a corrupt file is flagged with its error)
        logger.warning("Could not read %s attachment %s: %s", fmt, name, err)
        return Document(fmt, "none", flags=(
            Flag("attachment_unreadable", f"{fmt} could not be read: {type(err).__name__}",
                 {"format": fmt, "error": str(err)[:300]}),))  # fmt: skip


# Real report documents unpack to a few MB; a docx or xlsx that declares hundreds of MB,
# or packs more than 200:1, is a decompression bomb and is not opened.
MAX_UNPACKED = 200 * 1024 * 1024
MAX_RATIO = 200


def zip_bomb(body: bytes) -> str | None:
    """Why a zip-based document must not be unpacked, from its declared sizes; else None."""
    if not body.startswith(b"PK"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None  # not a readable zip: the reader flags it
    if unpacked > MAX_UNPACKED or unpacked > MAX_RATIO * max(len(body), 1):
        return f"refused: unpacks to {unpacked} bytes from {len(body)} (a decompression bomb)"
    return None


def _readers() -> dict[str, Callable[[bytes, str, bool], Document]]:
    # Imported here: each reader pulls in its own library, loaded only when needed.
    from pipelines import office, pdftext

    return {
        "pdf": pdftext.read_pdf,
        "docx": office.read_docx,
        "xlsx": office.read_sheets,
        "xls": office.read_sheets,
        "et": office.read_sheets,
        "doc": office.read_legacy,
        "wps": office.read_legacy,
        "png": read_image,
        "jpeg": read_image,
        "gif": read_image,
    }


def read_image(body: bytes, fmt: str, ocr: bool) -> Document:
    """A picture (a table pasted as an image): OCR, or an ``ocr_pending`` flag."""
    from PIL import Image

    from pipelines.ocr import ocr_pending, read_table_image

    out = TextBuilder()
    out.new_page()
    if not ocr:
        out.flags.append(ocr_pending(1))
        return out.build(fmt, "none", 1)
    with Image.open(io.BytesIO(body)) as image:
        table = read_table_image(image)
    out.add_table(table.grid, table.scores)
    out.flags.extend(table.flags)
    return out.build(fmt, "ocr", 1)
