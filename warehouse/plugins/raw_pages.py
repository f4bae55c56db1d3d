"""The archived raw pages, served as inert text, and links to them from every row.

Spam pages carry scripts and hidden links, so an archived body is never served as
HTML: it is decoded with the charset the crawl used and sent as text/plain, with
nosniff and a sandboxing Content-Security-Policy; binary attachments are downloads.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from warehouse.archive import archive_path

RAW_DIR_ENV = "NIANBAO_RAW_DIR"
INERT_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}
# sha256: the page as fetched; probe_sha256: its second fetch as a search engine.
DIGEST_COLUMNS = ("sha256", "probe_sha256")
_DIGEST = re.compile(r"^[0-9a-f]{64}$")


@hookimpl
def register_routes():
    """/-/raw/<sha256>: one archived page."""
    return [(r"^/-/raw/(?P<digest>[0-9a-f]{64})$", raw_page)]


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """A digest cell links to the archived page and to its source URL."""
    if (
        column not in DIGEST_COLUMNS
        or not isinstance(value, str)
        or not _DIGEST.match(value)
    ):
        return None
    raw = datasette.urls.path(f"/-/raw/{value}")
    links = [f'<a href="{escape(raw)}">存档原文 archived</a>']
    source = row["url"] if "url" in row.keys() else None
    if isinstance(source, dict):  # a foreign key Datasette expanded to {value, label}
        source = source.get("value")
    if isinstance(source, str) and source.startswith(("http://", "https://")):
        links.append(
            f'<a href="{escape(source)}" rel="noreferrer nofollow">来源 source</a>'
        )
    return Markup(" · ".join(links) + f"<br><small>{escape(value[:12])}…</small>")


async def raw_page(datasette, request):
    """The archived body with this digest: text/plain, or a download if binary."""
    digest = request.url_vars["digest"]
    for db in datasette.databases.values():
        if db.is_memory or db.name.startswith("_") or not db.path:
            continue
        if not await db.table_exists("pages"):
            continue
        rows = await db.execute(
            "SELECT url, encoding, page_kind FROM pages "
            "WHERE sha256 = ? OR probe_sha256 = ? LIMIT 1",
            [digest, digest],
        )
        path = archive_path(_raw_root(db.path), digest)
        if rows.rows and path.exists():
            return _inert_response(path.read_bytes(), *rows.rows[0])
    return Response.text(
        "no archived page with this digest", status=404, headers=INERT_HEADERS
    )


def _raw_root(db_path: str) -> Path:
    # The crawl's default (WAREHOUSE_RAW_DIR empty): a raw/ folder beside the database.
    return Path(os.environ.get(RAW_DIR_ENV) or Path(db_path).parent / "raw")


def _inert_response(
    body: bytes, url: str, encoding: str | None, page_kind: str | None
) -> Response:
    if page_kind == "binary":
        name = Path(url.split("?")[0]).name or "attachment"
        headers = {
            **INERT_HEADERS,
            "Content-Disposition": f'attachment; filename="{name}"',
        }
        return Response(body, content_type="application/octet-stream", headers=headers)
    try:
        text = body.decode(encoding or "utf-8", errors="replace")
    except LookupError:  # a charset name Python does not know: show it as UTF-8
        text = body.decode("utf-8", errors="replace")
    return Response.text(f"{url}\n\n{text}", headers=INERT_HEADERS)
