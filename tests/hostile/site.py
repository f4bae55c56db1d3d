"""A hostile test site served by the mirror: every fault of issue 7 behind one list.

``www.hostile-test.gov.cn`` lists good reports and broken ones; the mirror answers
it from ``handle`` (installed with ``MirrorServer.add_host``). ``FAULTS`` says what
each broken link does and what the warehouse must hold for it afterwards.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

from tests.mirror.endpoints import MirrorRequest, MirrorResponse, html_page

HERE = Path(__file__).resolve().parent
MIRROR = HERE.parent / "mirror"
HOST = "www.hostile-test.gov.cn"
BASE = f"https://{HOST}"
OFFSITE = "https://casino-hostile.example/vip/"
HTML_UTF8 = "text/html; charset=UTF-8"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HUGE = 2 * 1024**3  # the "2 GB body": never built, streamed in CHUNK pieces
CHUNK = 64 * 1024
# 64 MiB of zeros deflate to ~66 KB (1000:1): a reader must refuse it by its declared
# size; one that does not still finishes here (lxml stops at its 10 MB text node cap).
BOMB_MIB = 64


def report_title(agency: str) -> str:
    """A list title the spider follows: the agency's 2023 annual report."""
    return f"{agency}2023年政府信息公开工作年度报告"


@dataclass(frozen=True)
class Fault:
    """One injected fault: the link on the list, and the outcome the warehouse must hold.

    ``expect`` names the finding kinds (pages.findings) or quality flag codes one of which
    must be stored on one of ``rows`` ("*": any) (the URLs whose pages row records the outcome); ``fields``
    is true when the report's table cells must still be read exactly.
    """

    name: str
    path: str
    expect: tuple[str, ...]
    rows: tuple[str, ...] = ()
    fields: bool = False
    agency: str = "测试县人民政府办公室"

    @property
    def url(self) -> str:
        """The real URL the list links."""
        return BASE + self.path

    @property
    def title(self) -> str:
        """The list title: an annual report title, so the spider follows it."""
        return report_title(self.agency)

    def row_urls(self) -> tuple[str, ...]:
        """Where the outcome is stored (the linked URL unless ``rows`` says otherwise)."""
        return tuple(BASE + p for p in self.rows) or (self.url,)


# Outcomes: fetch_error (spider errback), redirect_loop / off_registry_redirect
# (redirect middlewares), pagination_capped (spider), quality flags from the stages.
FAULTS: tuple[Fault, ...] = (
    Fault(
        "pagination trap (endless pager)",
        "/nb/index.html",
        ("pagination_capped",),
        rows=tuple(f"/nb/index_{n}.html" for n in range(2, 40)),
    ),
    Fault(
        "pagination trap (calendar URL space)",
        "/nb/calendar/2023-01.html",
        ("pagination_capped",),
        rows=tuple(
            f"/nb/calendar/{y}-{m:02d}.html"
            for y in range(2023, 2027)
            for m in range(1, 13)
        ),
    ),
    Fault(
        "redirect loop",
        "/nb/loop-a.html",
        ("redirect_loop",),
        rows=("/nb/loop-a.html", "/nb/loop-b.html"),
    ),
    Fault(
        "endless redirect chain",
        "/nb/hop/1.html",
        ("fetch_error",),
        rows=tuple(f"/nb/hop/{n}.html" for n in range(1, 12)),
    ),
    Fault("redirect off the registry", "/nb/hijacked.html", ("off_registry_redirect",)),
    Fault("2 GB body, Content-Length declared", "/nb/huge.html", ("fetch_error",)),
    Fault(
        "2 GB body, streamed without length", "/nb/huge-stream.html", ("fetch_error",)
    ),
    Fault(
        "GBK served as UTF-8",
        "/nb/gbk-as-utf8.html",
        ("charset_mismatch",),
        fields=True,
        agency="定西市卫生健康委员会",
    ),
    Fault(
        "UTF-8 served as GBK",
        "/nb/utf8-as-gbk.html",
        ("charset_mismatch",),
        fields=True,
        agency="定西市财政局",
    ),
    Fault(
        "GBK without any charset",
        "/nb/gbk-no-charset.html",
        ("charset_guessed",),
        fields=True,
        agency="定西市审计局",
    ),
    Fault("truncated HTML", "/nb/truncated.html", ("tables_partial",)),
    Fault("truncated transfer", "/nb/cut-transfer.html", ("fetch_error",)),
    Fault("empty 200 page", "/nb/empty.html", ("text_empty",)),
    Fault("404", "/nb/missing.html", ("fetch_error",)),
    Fault("500", "/nb/error.html", ("fetch_error",)),
    Fault("503 with Retry-After", "/nb/unavailable.html", ("fetch_error",)),
    Fault(
        "503 then 200 (recovers)",
        "/nb/flaky.html",
        (),
        fields=True,
        agency="定西市人民政府",
    ),
    Fault("binary served as text/html", "/nb/binary.html", ("attachment_unsupported",)),
    # Any flag: the attachment reader (pipelines/attachments.py) decides how it refuses.
    Fault(
        "zip bomb disguised as a docx",
        "/nb/bomb-report.html",
        ("*",),
        rows=("/nb/files/2023nb.docx",),
        fields=True,
    ),
)
GOOD = ("/nb/good-1.html", "/nb/good-2.html")
# Pages that serve a report: each reuses a different generated mirror report.
REPORT_PATHS = (
    *GOOD,
    "/nb/gbk-as-utf8.html",
    "/nb/utf8-as-gbk.html",
    "/nb/gbk-no-charset.html",
    "/nb/flaky.html",
    "/nb/truncated.html",
    "/nb/bomb-report.html",
)


@lru_cache(maxsize=1)
def _sources() -> dict[str, dict]:
    """Hostile path -> manifest entry of the mirror report it reuses (UTF-8, with cells)."""
    manifest = json.loads((MIRROR / "manifest.json").read_text(encoding="utf-8"))
    reports = [
        p
        for p in manifest
        if p["kind"] == "report"
        and p.get("fields")
        and not p.get("spam")
        and p["site"] == "dingxi"
        and urlsplit(p["url"]).path.endswith(".html")
    ]
    return dict(zip(REPORT_PATHS, reports, strict=False))


def source_html(path: str) -> str:
    """The generated mirror report a hostile page reuses, as text."""
    parts = urlsplit(_sources()[path]["url"])
    return (MIRROR / "sites" / parts.hostname / parts.path.lstrip("/")).read_text(
        "utf-8"
    )


def manifest_fields(path: str) -> dict:
    """The cells a person reads off the reused report (from the mirror manifest)."""
    return _sources()[path]["fields"]


def _without_charset(html: str) -> str:
    return html.replace('<meta charset="utf-8">', "")


def _list_page(links: list[tuple[str, str]], next_url: str | None) -> MirrorResponse:
    items = "".join(
        f'<li><a href="{escape(u)}" title="{escape(t)}">{escape(t)}</a>'
        f"<span>2024-01-20</span></li>\n"
        for u, t in links
    )
    pager = f'<a href="{next_url}">下一页</a>' if next_url else ""
    body = (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>年报</title></head>'
        f'<body><ul class="list">\n{items}</ul><div class="page">{pager}</div></body></html>'
    )
    return MirrorResponse(200, body.encode("utf-8"), HTML_UTF8)


def index(req: MirrorRequest) -> MirrorResponse:
    """The list: every fault and good report, and a pager that never ends."""
    links = [(BASE + p, report_title(f"测试{n}局")) for n, p in enumerate(GOOD)]
    links += [(f.url, f.title) for f in FAULTS if not f.name.startswith("pagination")]
    return _list_page(links, "/nb/index_2.html")


def endless_pager(req: MirrorRequest) -> MirrorResponse:
    """Page n of a pager that always has a page n+1, and nothing new on it."""
    n = int(req.path.removeprefix("/nb/index_").removesuffix(".html"))
    return _list_page(
        [(BASE + GOOD[0], report_title("测试0局"))],
        f"/nb/index_{n + 1}.html",
    )


def calendar(req: MirrorRequest) -> MirrorResponse:
    """A month of a calendar widget: a link per day, and a next month, forever."""
    year, month = (
        int(x) for x in req.path.rsplit("/", 1)[1].removesuffix(".html").split("-")
    )
    days = [
        (f"/nb/calendar/day?d={year}-{month:02d}-{d:02d}", str(d)) for d in range(1, 29)
    ]
    nxt = (year + (month == 12), month % 12 + 1)
    return _list_page(days, f"/nb/calendar/{nxt[0]}-{nxt[1]:02d}.html")


def redirect(location: str) -> MirrorResponse:
    """A 302 to ``location``."""
    return MirrorResponse(302, b"", HTML_UTF8, (("Location", location),))


def hop(req: MirrorRequest) -> MirrorResponse:
    """/nb/hop/n.html -> /nb/hop/n+1.html, without end."""
    n = int(req.path.removeprefix("/nb/hop/").removesuffix(".html"))
    return redirect(f"/nb/hop/{n + 1}.html")


def zeros(total: int):
    """A body generator: ``total`` bytes of page-looking filler, CHUNK at a time."""

    def chunks():
        yield b"<html><body>"
        block = b"<p>" + b"x" * (CHUNK - 7) + b"</p>\n"
        for _ in range(total // len(block)):
            yield block

    return chunks


def truncated_transfer() -> MirrorResponse:
    """Content-Length promises 50 000 bytes; 5 000 come, then the connection closes."""
    head = source_html("/nb/truncated.html").encode("utf-8")[:5000]
    return MirrorResponse(
        200, b"", HTML_UTF8, chunks=lambda: iter([head]), length=50_000
    )


@lru_cache(maxsize=1)
def zip_bomb() -> bytes:
    """A .docx whose word/document.xml inflates to BOMB_MIB MiB (about 1000:1)."""
    ns = "http://schemas.openxmlformats.org"
    types = (
        f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{ns}/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/'
        f'relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", types)
        zf.writestr("_rels/.rels", rels)
        with zf.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(
                f'<?xml version="1.0"?><w:document xmlns:w="{ns}/wordprocessingml/'
                '2006/main"><w:body><w:p><w:r><w:t>'.encode()
            )
            block = b"0" * 1024**2
            for _ in range(BOMB_MIB):
                part.write(block)
            part.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return buf.getvalue()


@dataclass
class HostileSite:
    """The site's answers; ``hits`` counts requests per path (the flaky page needs it)."""

    hits: dict[str, int] = field(default_factory=dict)

    def __call__(self, req: MirrorRequest) -> MirrorResponse:
        self.hits[req.path] = self.hits.get(req.path, 0) + 1
        path = req.path
        if path == "/nb/index.html":
            return index(req)
        if path.startswith("/nb/index_"):
            return endless_pager(req)
        if path.startswith("/nb/calendar/") and path.endswith(".html"):
            return calendar(req)
        if path.startswith("/nb/hop/"):
            return hop(req)
        answer = self.fixed(path)
        return (
            answer if answer is not None else html_page(404, "404", f"{path} not found")
        )

    def fixed(self, path: str) -> MirrorResponse | None:
        """Answers of the pages at fixed paths."""
        if path in GOOD:
            return MirrorResponse(200, source_html(path).encode("utf-8"), HTML_UTF8)
        answers = {
            "/nb/loop-a.html": lambda: redirect("/nb/loop-b.html"),
            "/nb/loop-b.html": lambda: redirect("/nb/loop-a.html"),
            "/nb/hijacked.html": lambda: redirect(OFFSITE),
            "/nb/huge.html": lambda: MirrorResponse(
                200, b"", HTML_UTF8, chunks=zeros(HUGE), length=HUGE
            ),
            "/nb/huge-stream.html": lambda: MirrorResponse(
                200, b"", HTML_UTF8, chunks=zeros(HUGE)
            ),
            "/nb/gbk-as-utf8.html": lambda: MirrorResponse(
                200,
                _without_charset(source_html("/nb/gbk-as-utf8.html")).encode(
                    "gbk", "xmlcharrefreplace"
                ),
                HTML_UTF8,
            ),
            "/nb/utf8-as-gbk.html": lambda: MirrorResponse(
                200,
                _without_charset(source_html("/nb/utf8-as-gbk.html")).encode("utf-8"),
                "text/html; charset=GBK",
            ),
            "/nb/gbk-no-charset.html": lambda: MirrorResponse(
                200,
                _without_charset(source_html("/nb/gbk-no-charset.html")).encode(
                    "gbk", "xmlcharrefreplace"
                ),
                "text/html",
            ),
            "/nb/truncated.html": lambda: MirrorResponse(
                200, _cut_in_table(), HTML_UTF8
            ),
            "/nb/cut-transfer.html": truncated_transfer,
            "/nb/empty.html": lambda: MirrorResponse(200, b"", HTML_UTF8),
            "/nb/missing.html": lambda: html_page(404, "404 Not Found", "gone"),
            "/nb/error.html": lambda: html_page(500, "500", "Internal Server Error"),
            "/nb/unavailable.html": lambda: MirrorResponse(
                503, b"busy", HTML_UTF8, (("Retry-After", "3600"),)
            ),
            "/nb/flaky.html": self.flaky,
            "/nb/binary.html": lambda: MirrorResponse(200, _noise(), HTML_UTF8),
            "/nb/bomb-report.html": _bomb_report,
            "/nb/files/2023nb.docx": lambda: MirrorResponse(200, zip_bomb(), DOCX),
        }
        answer = answers.get(path)
        return answer() if answer else None

    def flaky(self) -> MirrorResponse:
        """503 (Retry-After: 1) on the first request, the report after that."""
        if self.hits["/nb/flaky.html"] == 1:
            return MirrorResponse(503, b"busy", HTML_UTF8, (("Retry-After", "1"),))
        return MirrorResponse(
            200, source_html("/nb/flaky.html").encode("utf-8"), HTML_UTF8
        )


def _cut_in_table() -> bytes:
    """The report cut off inside its last table, mid-tag, as a crashed CMS write leaves it."""
    html = source_html("/nb/truncated.html")
    start = html.rindex("<table")
    cut = (start + html.index("</table>", start)) // 2
    return html[:cut].encode("utf-8") + b"<td cla"


def _noise() -> bytes:
    """Deterministic binary bytes (NULs included) under a text/html label."""
    rng = random.Random(7)
    return b"\x00\x01BIN" + bytes(rng.randrange(256) for _ in range(20_000))


def _bomb_report() -> MirrorResponse:
    html = source_html("/nb/bomb-report.html").replace(
        "</body>",
        '<p><a href="/nb/files/2023nb.docx">附件：2023年度报告.docx</a></p></body>',
    )
    return MirrorResponse(200, html.encode("utf-8"), HTML_UTF8)
