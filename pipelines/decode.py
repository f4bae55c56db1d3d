"""Stage 1: bytes to text, once, at the head of the chain.

Charset detection follows w3lib's ``html_to_unicode`` (BOM, header, meta, detector);
GBK and GB2312 are read as GB18030, their superset. The page kind is sniffed from the
bytes as well as from the Content-Type, since government CMSs often serve binaries as
text/html and attachments as application/octet-stream.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree
from w3lib.encoding import html_to_unicode

from pipelines.htmltext import html_to_text, normalize_line, text_to_lines

# Leading bytes of the attachment formats reports come in.
MAGIC = (
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),  # docx, xlsx, wps/et of recent WPS versions
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),  # doc, xls, legacy wps/et
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF8", "gif"),
    (b"\x1f\x8b", "gzip"),
    (b"Rar!", "rar"),
)
META_NAMES = (
    "ArticleTitle", "PubDate", "ContentSource", "Author", "Description",
    "Keywords", "ColumnName", "SiteName", "firstpublishedtime",
)  # fmt: skip
_HTML_HINT = re.compile(rb"<\s*(!doctype\s+html|html|head|body|meta|div|p|table)\b", re.I)
_TEXT_TYPES = ("text/plain", "text/csv")


@dataclass(frozen=True)
class Decoded:
    """A page as text: ``kind`` is html, text or binary (then ``format`` says which)."""

    kind: str
    encoding: str | None
    text: str
    markup: str | None = None
    format: str | None = None
    title: str | None = None
    meta: dict[str, str] = field(default_factory=dict)


def sniff_format(body: bytes) -> str | None:
    """Binary format named by the leading bytes, or None for text-like bytes."""
    head = body[:16]
    for magic, name in MAGIC:
        if head.startswith(magic):
            return name
    if b"\x00" in body[:1024]:
        return "binary"
    return None


def decode_page(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode a fetched body; never fails.

    HTML is detected from the bytes first, then from the Content-Type; undecodable
    bytes become U+FFFD. Binary bodies come back with empty text and their format.
    """
    fmt = sniff_format(body)
    if fmt:
        return Decoded(kind="binary", encoding=None, text="", format=fmt)
    ctype = (content_type or "").lower()
    is_html = bool(_HTML_HINT.search(body[:4096])) or (
        "html" in ctype and not ctype.startswith(_TEXT_TYPES)
    )
    encoding, text = html_to_unicode(
        content_type, body, auto_detect_fun=_detect if not is_html else None
    )
    if not is_html:
        return Decoded(kind="text", encoding=encoding, text=text_to_lines(text))
    title, meta = read_head(text)
    return Decoded(
        kind="html",
        encoding=encoding,
        text=html_to_text(text),
        markup=text,
        title=title,
        meta=meta,
    )


def _detect(body: bytes) -> str | None:
    # A text page without a declared charset: UTF-8 when it decodes, else GB18030,
    # which is what Chinese government text files are when they are not UTF-8.
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def read_head(markup: str) -> tuple[str | None, dict[str, str]]:
    """The <title> and the named <meta> tags of an HTML page."""
    try:
        root = lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        return None, {}
    titles = root.xpath("//title/text()")
    title = normalize_line(titles[0]) if titles else None
    wanted = {name.lower(): name for name in META_NAMES}
    meta: dict[str, str] = {}
    for node in root.xpath("//meta[@name][@content]"):
        name = wanted.get(node.get("name", "").lower())
        if name and name not in meta:
            meta[name] = normalize_line(node.get("content", ""))
    return title or None, meta

