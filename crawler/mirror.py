"""Fetch real URLs from the offline mirror when the MIRROR setting names one.

The mapping sits in the download handler, below every downloader middleware: cookies,
robots.txt, redirects, throttling slots and stats all see the real URLs, and the
response comes back under the real URL. Plain requests go to
``{MIRROR}/{host}{path}``; browser requests go to ``http://{host}.localhost:{port}{path}``
(Chromium resolves ``*.localhost`` to loopback), so root-relative URLs inside the
page's own scripts keep working. Without MIRROR the handler is scrapy-playwright's.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit, urlunsplit

from scrapy import Request
from scrapy.http import Response
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

logger = logging.getLogger(__name__)

LOCAL_SUFFIX = ".localhost"


def to_mirror(url: str, mirror: str, browser: bool = False) -> str:
    """The mirror URL that serves a real URL."""
    real, base = urlsplit(url), urlsplit(mirror)
    if browser:
        netloc = f"{real.hostname}{LOCAL_SUFFIX}:{base.port or 80}"
        return urlunsplit(("http", netloc, real.path or "/", real.query, ""))
    path = f"{base.path.rstrip('/')}/{real.hostname}{real.path or '/'}"
    return urlunsplit((base.scheme, base.netloc, path, real.query, ""))


def from_mirror(url: str, mirror: str, original: str) -> str:
    """The real URL behind a mirror URL (after redirects too); scheme from ``original``."""
    parts, base = urlsplit(url), urlsplit(mirror)
    scheme = urlsplit(original).scheme or "https"
    host = parts.hostname or ""
    if host.endswith(LOCAL_SUFFIX):
        return urlunsplit((scheme, host[: -len(LOCAL_SUFFIX)], parts.path, parts.query, ""))
    if parts.netloc == base.netloc:
        prefix = base.path.rstrip("/")
        real_host, _, path = parts.path[len(prefix) :].lstrip("/").partition("/")
        return urlunsplit((scheme, real_host, "/" + path, parts.query, ""))
    return url


class MirrorDownloadHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's handler, re-pointed at the MIRROR server when it is set.

    Playwright (its Node driver, ~120 MiB, and then Chromium) starts with the first
    request that needs a browser, not with the engine: most sites never need one.
    """

    def __init__(self, crawler) -> None:
        super().__init__(crawler)
        self.mirror = crawler.settings.get("MIRROR", "").rstrip("/")
        self._playwright_started: asyncio.Future | None = None
        if self.mirror:
            logger.info("Fetching every URL from the offline mirror at %s", self.mirror)

    # scrapy-playwright launches from the engine_started signal (through one of these).
    async def _maybe_launch_in_thread(self) -> None:
        return None

    def _engine_started(self) -> None:
        return None

    async def _launched(self) -> None:
        """Start Playwright once, for the first browser request (the others wait for it)."""
        if self._playwright_started is None:
            logger.info("A page needs a browser: starting Playwright")
            self._playwright_started = asyncio.ensure_future(
                ScrapyPlaywrightDownloadHandler._maybe_launch_in_thread(self))
        await asyncio.shield(self._playwright_started)

    async def download_request(self, request: Request) -> Response:
        if request.meta.get("playwright"):
            await self._launched()
        if not self.mirror:
            return await super().download_request(request)
        browser = bool(request.meta.get("playwright"))
        mirrored = request.replace(url=to_mirror(request.url, self.mirror, browser))
        response = await super().download_request(mirrored)
        self.crawler.stats.inc_value("nianbao/mirror/response_count")
        return response.replace(url=from_mirror(response.url, self.mirror, request.url))
