"""Stage 1: bytes to text, once, at the head of the chain.

Charset detection follows w3lib's ``html_to_unicode`` (BOM, header, meta, detector);
GBK and GB2312 are read as GB18030, their superset. The page kind is sniffed from the
bytes as well as from the Content-Type, since government CMSs often serve binaries as
text/html and attachments as application/octet-stream.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from lxml import etree
from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    http_content_type_encoding,
)

from pipelines.flags import Flag
from pipelines.htmltext import html_to_text, normalize_line, parse_document, text_to_lines

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
_WANTED_META = {name.lower(): name for name in META_NAMES}
# Share of the non-ASCII characters that must decode to U+FFFD before a UTF-8 reading is
# doubted: GBK text read as UTF-8 fails on nearly every character, a UTF-8 page with a
# stray byte on a handful.
BAD_UTF8_SHARE = 0.2


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
    flags: tuple[Flag, ...] = ()


def sniff_format(body: bytes) -> str | None:
    """Binary format named by the leading bytes, or None for text-like bytes."""
    head = body[:16]
    for magic, name in MAGIC:
        if head.startswith(magic):
            return name
    # UTF-16 text (Notepad's "Unicode" .txt) is full of NULs but says so in its BOM.
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if b"\x00" in body[:1024]:
        return "binary"
    return None


def decode_page(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode a fetched body; never fails.

    HTML is detected from the bytes first, then from the Content-Type; undecodable
    bytes become U+FFFD. Binary bodies come back with empty text and their format.
    A charset that the bytes contradict (GBK served as UTF-8 and the reverse) is
    replaced by the one they decode in, with a ``charset_mismatch`` flag
    (``charset_guessed`` when nothing was declared).
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
    encoding, text, flags = check_charset(body, content_type, encoding, text)
    if not is_html:
        return Decoded(kind="text", encoding=encoding, text=text_to_lines(text),
                       flags=flags)
    title, meta = read_head(text)
    return Decoded(
        kind="html",
        encoding=encoding,
        text=html_to_text(text),
        markup=text,
        title=title,
        meta=meta,
        flags=flags,
    )


def check_charset(body: bytes, content_type: str | None, encoding: str,
                  text: str) -> tuple[str, str, tuple[Flag, ...]]:
    """The encoding and text the bytes really are in; a flag when that is not ``encoding``.

    Only UTF-8 and GB18030 are tried: they are what Chinese government pages are in.
    Valid UTF-8 with non-ASCII bytes is UTF-8 whatever was declared; a UTF-8 reading
    that turns most characters into U+FFFD is GB18030 when that decodes cleanly.
    """
    if body.isascii():
        return encoding, text, ()
    is_utf8 = _codec(encoding) == "utf-8"  # w3lib's default comes back as "utf8"
    if not is_utf8 and _decodes(body, "utf-8"):
        better = "utf-8"
    elif is_utf8 and _mostly_replaced(text) and _decodes(body, "gb18030"):
        better = "gb18030"
    else:
        return encoding, text, ()
    declared = http_content_type_encoding(content_type) or html_body_declared_encoding(body)
    code = "charset_mismatch" if declared else "charset_guessed"
    message = (f"declared {declared}, but the bytes are {better}" if declared
               else f"no charset declared; the bytes are {better}, not {_codec(encoding)}")
    flag = Flag(code, message, {"declared": declared, "detected": encoding, "used": better})
    return better, body.decode(better), (flag,)


def _codec(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _mostly_replaced(text: str) -> bool:
    bad = text.count("\ufffd")
    return bad > 0 and bad >= BAD_UTF8_SHARE * sum(1 for ch in text if ch > "\x7f")


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
        root = parse_document(markup)
    except (etree.ParserError, ValueError):
        return None, {}
    first_title: str | None = None
    meta: dict[str, str] = {}
    for node in root.iter("title", "meta"):  # one pass in C, no XPath
        if node.tag == "title":
            if first_title is None:
                first_title = _first_text(node)
            continue
        name, content = node.get("name"), node.get("content")
        if name is None or content is None:
            continue
        name = _WANTED_META.get(name.lower())
        if name and name not in meta:
            meta[name] = normalize_line(content)
    title = normalize_line(first_title) if first_title is not None else None
    return title or None, meta


def _first_text(node: etree._Element) -> str | None:
    """The first text node inside an element (XPath ``text()``): its text, else a tail
    of one of its children."""
    if node.text:
        return node.text
    return next((child.tail for child in node if child.tail), None)

