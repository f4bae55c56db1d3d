"""Office attachments: Word (python-docx), workbooks (python-calamine), legacy .doc/.wps.

Legacy Word and WPS files are converted to docx by LibreOffice headless (installed by
``make office``); without it they come back with a ``converter_missing`` flag.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from pipelines.attachments import Document, TextBuilder
from pipelines.flags import Flag

logger = logging.getLogger(__name__)

# LibreOffice takes 2-10 s per file once started; a file that takes minutes is broken.
CONVERT_TIMEOUT = 180
CONVERTERS = ("soffice", "libreoffice")
SLIVER_EMU = 12700  # one point


def read_docx(body: bytes, fmt: str, ocr: bool = True) -> Document:
    """Paragraphs and tables of a Word document, in body order."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(body))
    out = TextBuilder()
    out.new_page()
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.add_text(Paragraph(child, document).text)
        elif tag == "tbl":
            # row.cells repeats a merged cell (gridSpan and vMerge) in each position.
            table = Table(child, document)
            out.add_table(
                _word_grid([row.cells for row in table.rows], _slivers(table))
            )
    return out.build(fmt, "python-docx", 1)


def _slivers(table) -> set[int]:
    """Grid columns too narrow to hold text (under a point, e.g. 635 EMU).

    Converted documents (LibreOffice, WPS) add them where the widths of two rows do not
    line up; a cell spanning one would otherwise be read twice.
    """
    widths = [col.w for col in table._tbl.tblGrid.gridCol_lst]
    return {j for j, w in enumerate(widths) if w is not None and w < SLIVER_EMU}


def _word_grid(rows: list, skip: set[int]) -> list[list[str]]:
    return [[cell.text for j, cell in enumerate(row) if j not in skip] for row in rows]


def read_sheets(body: bytes, fmt: str, ocr: bool = True) -> Document:
    """Every sheet of a workbook (xlsx, xls, et): single-cell rows as text, others as table rows."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(body))
    out = TextBuilder()
    for name in book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        out.new_page()
        grid = [
            [_cell_text(v) for v in row]
            for row in sheet.to_python(skip_empty_area=False)
        ]
        _fill_merged(grid, sheet.merged_cell_ranges or [])
        table: list[list[str]] = []
        for row in grid:
            if sum(1 for v in row if v) > 1:
                table.append(row)
                continue
            if table:
                out.add_table(table)
                table = []
            out.add_text(" ".join(v for v in row if v))
        if table:
            out.add_table(table)
    return out.build(fmt, "calamine", len(book.sheet_names))


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return "" if value is None else str(value)


def _fill_merged(grid: list[list[str]], ranges) -> None:
    # Spreadsheets keep a merged value in its top-left cell only; repeat it like HTML spans.
    for (r0, c0), (r1, c1) in ranges:
        if r0 >= len(grid):
            continue
        value = grid[r0][c0] if c0 < len(grid[r0]) else ""
        for r in range(r0, min(r1 + 1, len(grid))):
            for c in range(c0, min(c1 + 1, len(grid[r]))):
                grid[r][c] = value


def find_converter() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    return next((path for name in CONVERTERS if (path := shutil.which(name))), None)


def read_legacy(body: bytes, fmt: str, ocr: bool = True) -> Document:
    """A .doc or .wps converted to docx by LibreOffice, then read as docx."""
    converter = find_converter()
    if converter is None:
        return Document(fmt, "none", flags=(
            Flag("converter_missing", f"LibreOffice is needed to read .{fmt} files "
                 "(make office, or apt-get install libreoffice-writer-nogui)",
                 {"format": fmt}),))  # fmt: skip
    converted = convert(body, fmt, "docx", converter)
    document = read_docx(converted, fmt)
    return dataclasses.replace(document, method="libreoffice+python-docx")


def convert(body: bytes, suffix: str, target: str, converter: str) -> bytes:
    """Convert a file with LibreOffice headless; raises CalledProcessError/TimeoutExpired."""
    with tempfile.TemporaryDirectory(prefix="nianbao-convert-") as tmp:
        source = Path(tmp) / f"attachment.{suffix}"
        source.write_bytes(body)
        # A private profile per call: concurrent conversions would fight over one.
        profile = Path(tmp, "profile").as_uri()
        subprocess.run(
            [converter, "--headless", "--norestore", f"-env:UserInstallation={profile}",
             "--convert-to", target, "--outdir", tmp, str(source)],
            check=True, capture_output=True, timeout=CONVERT_TIMEOUT,
            env={**os.environ, "HOME": tmp},
        )  # fmt: skip
        result = source.with_suffix(f".{target}")
        if not result.exists():
            raise FileNotFoundError(
                f"LibreOffice wrote no .{target} for a .{suffix} file"
            )
        return result.read_bytes()
