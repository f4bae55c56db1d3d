"""Dynamic endpoints of the mirror: small handlers looked up by (host, path pattern), fed by endpoints.json."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import parse_qs, quote, urlsplit

logger = logging.getLogger(__name__)

HTML = "text/html; charset=UTF-8"

# By extension; extension-less paths are pages (P6-style URLs).
CONTENT_TYPES = {
    ".html": "text/html", ".htm": "text/html", ".shtml": "text/html", "": "text/html",
    ".pdf": "application/pdf", ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".wps": "application/vnd.ms-works", ".json": "application/json", ".xml": "text/xml",
    ".js": "application/javascript", ".txt": "text/plain", ".css": "text/css",
    ".png": "image/png", ".jpg": "image/jpeg", ".gif": "image/gif",
}
TEXT_TYPES = ("text/", "application/json", "application/javascript")


def content_type(name: str, charset: str) -> str:
    """Content-Type for a file name; text types carry the host's charset."""
    suffix = Path(name).suffix.lower()
    ctype = CONTENT_TYPES.get(suffix, "application/octet-stream")
    return f"{ctype}; charset={charset}" if ctype.startswith(TEXT_TYPES) else ctype


@dataclass(frozen=True)
class MirrorRequest:
    """What a handler sees: the real host and path, query and form fields, headers."""

    host: str
    path: str
    query: dict[str, list[str]]
    method: str
    headers: dict[str, str]
    form: dict[str, list[str]] = field(default_factory=dict)

    def arg(self, name: str, default: str = "") -> str:
        """First value of a query (or form) parameter."""
        values = self.query.get(name) or self.form.get(name)
        return values[0] if values else default


@dataclass(frozen=True)
class MirrorResponse:
    """Status, headers and body bytes; or a body streamed from ``chunks`` (hostile tests).

    A streamed body is sent with ``length`` as its Content-Length (None: no length, the
    body ends when the connection closes) and the connection is closed after it, so a
    body shorter than its length reaches the client as a truncated transfer.
    """

    status: int
    body: bytes
    content_type: str = HTML
    headers: tuple[tuple[str, str], ...] = ()
    chunks: Callable[[], Iterator[bytes]] | None = None
    length: int | None = None


Handler = Callable[[MirrorRequest, dict, Path], MirrorResponse]


def html_page(status: int, title: str, text: str) -> MirrorResponse:
    """A small HTML answer (404s, error pages)."""
    body = f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{escape(title)}</title></head><body><h1>{escape(title)}</h1><p>{escape(text)}</p></body></html>"
    return MirrorResponse(status, body.encode("utf-8"))


def _int(text: str, default: int) -> int:
    """Bad numbers in a query fall back to the default, as the real servers do."""
    try:
        return int(text)
    except ValueError:
        return default


def gansu_search(req: MirrorRequest, data: dict, root: Path) -> MirrorResponse:
    """P1 load-more: HTML fragment (ul#body) or JSON (_isJson=true) for `page`."""
    conf = data["gansu_search"]
    size = _int(req.arg("_pageSize", "8"), 8) or 8
    page = max(_int(req.arg("page", "1"), 1), 1)
    items = conf["items"]
    chunk = items[size * (page - 1) : size * page]
    if req.arg("_isJson") == "true":
        results = [{"title": it["title"], "url": it["url"], "publishedTimeStr": it["date"] + " 09:00:00", "subTitle": "", "resList": []} for it in chunk]
        doc = {"data": {"total": len(items), "rows": size, "channelName": conf["channel"], "results": results}}
        return MirrorResponse(200, json.dumps(doc, ensure_ascii=False).encode("utf-8"), "application/json; charset=UTF-8")
    lis = "".join(
        f'<li><div class="title"><a href="{escape(it["url"])}" target="_blank" title="{escape(it["title"])}">{escape(it["title"])}</a></div><div class="date">{it["date"]}</div></li>\n'
        for it in chunk
    )
    more = ""
    if size * page < len(items):
        q = f"sort=&_isAgg=false&_isJson=false&_pageSize={size}&_template=index&_channelName=&page={page + 1}"
        more = f'<a class="next" href="{conf["path"]}?{escape(q)}">下一页</a>'
    body = f'<ul id="body">\n{lis}</ul>\n<div class="pagination">{more}</div>\n'
    return MirrorResponse(200, body.encode("utf-8"))


def jpaas_unit(req: MirrorRequest, data: dict, root: Path) -> MirrorResponse:
    """P2 unit API: {"success":true,…,"data":{"html":…}} for paramJson.pageNo of column pageId."""
    unit = data.get("jpaas_units", {}).get(req.arg("pageId"))
    if unit is None or unit["host"] != req.host:
        doc = {"success": False, "code": "500", "message": "页面不存在", "data": None}
        return MirrorResponse(200, json.dumps(doc, ensure_ascii=False).encode("utf-8"), "application/json; charset=UTF-8")
    try:
        params = json.loads(req.arg("paramJson", "{}") or "{}")
    except json.JSONDecodeError:
        params = {}
    page = max(_int(str(params.get("pageNo", 1)), 1), 1)
    size = unit["page_size"]
    chunk = unit["items"][size * (page - 1) : size * page]
    lis = "".join(
        f"<li class='cf'><a class='fl' href='{it['href']}' target='_blank' title='{escape(it['title'])}'>{escape(_trunc(it['title']))}</a><span class='fr'>{it['date']}</span></li>"
        for it in chunk
    )
    html = f"<div class='page-content'><ul class='ajax-ul'>{lis}</ul><div class='pagination' count='{len(unit['items'])}' pagesize='{size}'></div></div>"
    doc = {"success": True, "code": "200", "message": "生成成功", "data": {"html": html}}
    return MirrorResponse(200, json.dumps(doc, ensure_ascii=False).encode("utf-8"), "application/json; charset=UTF-8")


def _trunc(title: str, n: int = 22) -> str:
    return title if len(title) <= n else title[:n] + "..."


def jpaas_download(req: MirrorRequest, data: dict, root: Path) -> MirrorResponse:
    """P2 attachment download by opaque fileUrl; the type is only in fileName."""
    entry = data.get("jpaas_files", {}).get(f"{req.host}|{req.arg('fileUrl')}")
    if entry is None:
        return html_page(404, "文件不存在", "The requested document was not found.")
    return _blob(root, entry["blob"], entry["name"])


def _blob(root: Path, relpath: str, name: str) -> MirrorResponse:
    body = (root / relpath).read_bytes()
    disposition = ("Content-Disposition", f"attachment; filename*=UTF-8''{quote(name)}")
    return MirrorResponse(200, body, content_type(name, "utf-8"), (disposition,))


def dataproxy(req: MirrorRequest, data: dict, root: Path) -> MirrorResponse:
    """P3 dataproxy.jsp: records startrecord..endrecord (1-based) of a column as datastore XML."""
    conf = data["dataproxy"]
    records = conf["columns"].get(req.arg("columnid", "16760"), [])
    start = max(_int(req.arg("startrecord", "1"), 1), 1)
    end = _int(req.arg("endrecord", str(start + 4)), start + 4)
    chunk = records[start - 1 : end]
    recs = "".join(f"<record><![CDATA[\n{r}]]></record>\n" for r in chunk)
    body = f'<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>{len(records)}</totalrecord><recordset>\n{recs}</recordset></datastore>'
    return MirrorResponse(200, body.encode("utf-8"), "text/xml; charset=UTF-8")


def _referer_target(referer: str) -> tuple[str, str]:
    """(real host, path) a Referer points at, under any of the three addressing forms."""
    parts = urlsplit(referer)
    host = (parts.hostname or "").removesuffix(".localhost")
    if host in ("127.0.0.1", "localhost"):
        first, _, rest = parts.path.lstrip("/").partition("/")
        return first, "/" + rest
    return host, parts.path


def vsb_download(req: MirrorRequest, data: dict, root: Path) -> MirrorResponse:
    """P4 download.jsp: the file only when Referer is the article; otherwise a 200 HTML error page."""
    entry = data.get("vsb_files", {}).get(f"{req.arg('owner')}/{req.arg('wbfileid')}")
    if entry is None or entry["host"] != req.host:
        return html_page(200, "错误提示", "文件不存在或已被删除！")
    article = urlsplit(entry["article"])
    if _referer_target(req.headers.get("referer", "")) != (article.hostname, article.path):
        return html_page(200, "错误提示", "对不起，您没有权限下载此文件，请从正确的页面进入！")
    return _blob(root, entry["blob"], Path(entry["blob"]).name)


def redirect(req: MirrorRequest, data: dict, root: Path) -> MirrorResponse:
    """A hijacked list item: 302 to an off-registry gambling domain."""
    location = data["redirects"][f"{req.host}{req.path}"]
    return MirrorResponse(302, b"", HTML, (("Location", location),))


# Who a cloaking site treats as a search engine: the spiders by User-Agent, and visitors sent from a
# search results page by Referer (the crawler's second fetch sends both, as Baiduspider from baidu.com/s).
SPIDER_AGENTS = ("baiduspider", "sogou web spider", "360spider", "yisouspider", "bingbot", "googlebot")
SEARCH_REFERERS = ("baidu.com", "sogou.com", "so.com", "sm.cn", "bing.com", "google.com")


def from_search_engine(headers: dict[str, str]) -> bool:
    """True when the request comes from a search-engine spider or from a search results page."""
    agent = headers.get("user-agent", "").lower()
    if any(token in agent for token in SPIDER_AGENTS):
        return True
    host = (urlsplit(headers.get("referer", "")).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in SEARCH_REFERERS)


def cloak(req: MirrorRequest, data: dict, root: Path) -> MirrorResponse:
    """A cloaked report: the clean page to visitors, with injected blocks to search engines."""
    conf = data["cloaks"][f"{req.host}{req.path}"]
    page = (root / conf["page"]).read_text(encoding="utf-8")
    if from_search_engine(req.headers):
        for marker, html in conf["inserts"]:
            page = page.replace(marker, html + marker, 1)
    return MirrorResponse(200, page.encode("utf-8"))


def endpoint_table(data: dict) -> list[tuple[str, re.Pattern, Handler]]:
    """(host, path pattern, handler) rows built from the endpoint data."""
    table: list[tuple[str, re.Pattern, Handler]] = []
    if "gansu_search" in data:
        table.append((data["gansu_search"]["host"], re.compile(re.escape(data["gansu_search"]["path"]) + "$"), gansu_search))
    for host in sorted({u["host"] for u in data.get("jpaas_units", {}).values()}):
        table.append((host, re.compile(r"/api-gateway/jpaas-publish-server/front/page/build/unit$"), jpaas_unit))
        table.append((host, re.compile(r"/api-gateway/jpaas-web-server/front/document/download$"), jpaas_download))
    if "dataproxy" in data:
        table.append((data["dataproxy"]["host"], re.compile(r"/module/web/jpage/dataproxy\.jsp$"), dataproxy))
    for host in sorted({f["host"] for f in data.get("vsb_files", {}).values()}):
        table.append((host, re.compile(r"/system/_content/download\.jsp$"), vsb_download))
    for key in sorted(data.get("redirects", {})):
        host, _, path = key.partition("/")
        table.append((host, re.compile(re.escape("/" + path) + "$"), redirect))
    for key in sorted(data.get("cloaks", {})):
        host, _, path = key.partition("/")
        table.append((host, re.compile(re.escape("/" + path) + "$"), cloak))
    return table


def find_handler(table: list[tuple[str, re.Pattern, Handler]], host: str, path: str) -> Handler | None:
    """The handler for a real host and path, if any."""
    for h, pattern, handler in table:
        if h == host and pattern.match(path):
            return handler
    return None


def form_of(body: bytes) -> dict[str, list[str]]:
    """Form fields of a urlencoded POST body (undecodable bytes are replaced, never fatal)."""
    return parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
