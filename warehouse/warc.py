"""The raw archive in the standard web-archive format (WARC/1.0 records, via warcio).

Every fetched page and attachment is written as a request record, a response record
(status line, headers and the raw bytes as received) and a metadata record holding
what the crawl knew besides the bytes (site, kind, list title and date, the report an
attachment belongs to, findings). The cloaking check's second fetch is a record of its
own, concurrent to the page's: a revisit record when it got the same bytes.
``read_pages`` turns the records back into the page dicts the pipelines take, in the
order they were written, so that ``rebuild`` can replay a crawl without any network.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

logger = logging.getLogger(__name__)

METADATA_KEYS = ("site", "kind", "list_title", "list_date", "referer", "report_url",
                 "findings", "fetched_at")
METADATA_TYPE = "application/vnd.nianbao.page+json"


class WarcArchive:
    """One gzipped WARC file per crawl run; each page's records are appended at once."""

    def __init__(self, directory: Path, run_id: str) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / f"nianbao-{run_id}.warc.gz"
        self._file = open(self.path, "ab")  # noqa: SIM115 (closed by close())

    def write_page(self, page: dict[str, Any], records: bytes | None = None) -> tuple[str, int]:
        """Append a page's records (``page_records``, made now unless given); (file, offset)."""
        offset = self._file.tell()
        self._file.write(page_records(page) if records is None else records)
        self._file.flush()
        return self.path.name, offset

    def close(self) -> None:
        """Close the WARC file."""
        self._file.close()


def page_records(page: dict[str, Any]) -> bytes:
    """A page's records with its attachments' and probe's, each gzipped, as WARC file bytes.

    A pure function of the page: the crawl makes them in its analysis workers.
    """
    buffer = BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    _write_one(writer, page)
    for attachment in page.get("attachments", ()):
        _write_one(writer, attachment)
    return buffer.getvalue()


def _write_one(writer: WARCWriter, page: dict[str, Any]) -> None:
    url, date = page["url"], _warc_date(page.get("fetched_at"))
    response = writer.create_warc_record(
        url, "response", payload=BytesIO(page.get("body") or b""),
        http_headers=_http_headers(page), warc_headers_dict={"WARC-Date": date},
    )
    request = writer.create_warc_record(
        url, "request", payload=BytesIO(b""),
        http_headers=StatusAndHeaders(f"GET {_target(url)} HTTP/1.1",
                                      [("Referer", page.get("referer") or "")],
                                      is_http_request=True),
        warc_headers_dict={"WARC-Date": date},
    )
    meta = {k: page.get(k) for k in METADATA_KEYS}
    metadata = writer.create_warc_record(
        url, "metadata", payload=BytesIO(json.dumps(meta, ensure_ascii=False).encode()),
        warc_content_type=METADATA_TYPE, warc_headers_dict={"WARC-Date": date},
    )
    concurrent = response.rec_headers.get_header("WARC-Record-ID")
    for record in (request, metadata):
        record.rec_headers.add_header("WARC-Concurrent-To", concurrent)
    records = [response, request, metadata]
    if page.get("probe"):
        records.append(_probe_record(writer, page, response, concurrent, date))
    for record in records:
        writer.write_record(record)


def _probe_record(writer: WARCWriter, page: dict[str, Any], response, concurrent: str,
                  date: str):
    """The cloaking check's second fetch, concurrent to the page's response.

    Served the very bytes the page's response holds (as nearly every page is), it is a
    revisit record (WARC's identical-payload-digest profile: its own status and headers,
    the payload by reference), as web archives record a duplicate fetch; otherwise a
    response record of its own.
    """
    probe, url = page["probe"], page["url"]
    body = probe.get("body") or b""
    http_headers = _http_headers({"status": probe.get("status"),
                                  "content_type": probe.get("content_type"), "headers": {}})
    headers = {"WARC-Date": date, "WARC-Concurrent-To": concurrent,
               "WARC-Nianbao-Probe-User-Agent": probe.get("user_agent", "")}
    if body != (page.get("body") or b""):
        return writer.create_warc_record(url, "response", payload=BytesIO(body),
                                         http_headers=http_headers, warc_headers_dict=headers)
    record = writer.create_revisit_record(
        url, response.rec_headers.get_header("WARC-Payload-Digest"), url, date,
        http_headers=http_headers, warc_headers_dict=headers)
    record.rec_headers.add_header("WARC-Refers-To", concurrent)
    return record


def _target(url: str) -> str:
    rest = url.split("://", 1)[-1]
    return "/" + rest.split("/", 1)[1] if "/" in rest else "/"


def _warc_date(fetched_at: str | None) -> str:
    if not fetched_at:
        return "1970-01-01T00:00:00Z"
    return fetched_at.replace("+00:00", "Z")


def _http_headers(page: dict[str, Any]) -> StatusAndHeaders:
    status = page.get("status") or 0
    headers = [(k, v) for k, values in (page.get("headers") or {}).items() for v in values
               if k.lower() not in ("content-length", "transfer-encoding", "content-encoding")]
    if page.get("content_type") and not any(k.lower() == "content-type" for k, _ in headers):
        headers.append(("Content-Type", page["content_type"]))
    return StatusAndHeaders(f"{status} -", headers, protocol="HTTP/1.1")


def read_pages(paths: Iterable[Path]) -> Iterator[dict[str, Any]]:
    """Page dicts back from WARC files, in the order written; attachments under reports."""
    pending: dict[str, Any] | None = None
    for path in paths:
        for page in _read_file(Path(path)):
            if page["kind"] == "attachment" and pending and page.get("report_url") == pending["url"]:
                pending["attachments"].append(page)
                continue
            if pending is not None:
                yield pending
            pending = page
    if pending is not None:
        yield pending


def _read_file(path: Path) -> Iterator[dict[str, Any]]:
    page: dict[str, Any] | None = None
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            kind = record.rec_type
            agent = record.rec_headers.get_header("WARC-Nianbao-Probe-User-Agent")
            if kind in ("response", "revisit") and agent is not None:
                if page is not None:
                    page["probe"] = {
                        # a revisit record: the very bytes of the page's response
                        "body": record.content_stream().read() if kind == "response"
                        else page["body"],
                        "status": int(record.http_headers.get_statuscode() or 0),
                        "content_type": record.http_headers.get_header("Content-Type"),
                        "user_agent": agent,
                    }
            elif kind == "response":
                if page is not None:
                    yield page
                page = _response_page(record)
            elif kind == "metadata" and page is not None:
                page.update(json.loads(record.content_stream().read().decode("utf-8")))
    if page is not None:
        yield page


def _response_page(record) -> dict[str, Any]:
    headers: dict[str, list[str]] = {}
    for name, value in record.http_headers.headers:
        headers.setdefault(name, []).append(value)
    return {
        "url": record.rec_headers.get_header("WARC-Target-URI"),
        "body": record.content_stream().read(),
        "status": int(record.http_headers.get_statuscode() or 0),
        "headers": headers,
        "content_type": record.http_headers.get_header("Content-Type"),
        "attachments": [],
    }


def count_pages(path: Path) -> int:
    """How many pages (reports with their attachments count once) a WARC file holds."""
    return sum(1 for _ in read_pages([path]))
