"""``python -m pipelines.analyze FILE…``: run the crawl's stages over saved pages.

Prints one JSON object per file (JSON Lines): metadata, sections, fields, narrative
figures, quality flags, spam verdict and clean text, exactly as the crawl stores them.
Files may be HTML or text pages, or report documents: pdf, docx, doc, xls, xlsx, wps,
et, png, jpg (read by pipelines/attachments.py; pictures through OCR).
"""

from __future__ import annotations

import datetime as dt
import json
import mimetypes
import sys
from pathlib import Path

import click

from pipelines.chain import analyze_page, to_record

TEXT_SUFFIXES = {".txt": "text/plain", ".text": "text/plain"}


def page_from_file(path: Path, url: str | None = None, fetched_at: str | None = None) -> dict:
    """A page dict for a saved file, as the crawl would have made it."""
    mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc)
    return {
        "url": url,
        "body": path.read_bytes(),
        "status": 200,
        "headers": {},
        "content_type": TEXT_SUFFIXES.get(path.suffix.lower())
        or mimetypes.guess_type(path.name)[0],
        "kind": "report",
        "fetched_at": fetched_at or mtime.isoformat(timespec="seconds"),
        # The file name tells .wps from .doc and names formats the bytes leave open.
        "file_name": path.name,
        "findings": [],
        "attachments": [],
    }


def analyze_file(path: Path, url: str | None = None, fetched_at: str | None = None,
                 ocr: bool = True) -> dict:
    """The analysis record of one saved page (HTML in any charset, plain text, or a document)."""
    page = page_from_file(path, url, fetched_at)
    return {"file": str(path), **to_record(analyze_page(page, ocr=ocr))}


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--url", help="The page's real URL (one file), for domain and metadata checks.")
@click.option("--fetched-at", help="When the page was fetched (ISO 8601).")
@click.option("--no-text", is_flag=True, help="Leave the clean text out of the output.")
@click.option("--no-ocr", is_flag=True, help="Do not OCR pictures (flag them ocr_pending).")
def main(files: tuple[str, ...], url: str | None, fetched_at: str | None, no_text: bool,
         no_ocr: bool) -> None:
    """Analyze saved report pages and print one JSON object per file.

        python -m pipelines.analyze page.html --url https://www.example.gov.cn/a.html
        python -m pipelines.analyze report.pdf table.png
    """
    if url and len(files) > 1:
        raise click.UsageError("--url names the page of a single file")
    for name in files:
        record = analyze_file(Path(name), url, fetched_at, ocr=not no_ocr)
        if no_text:
            record.pop("text", None)
        sys.stdout.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")


if __name__ == "__main__":
    main()
