"""Pass 瑞数-style JavaScript challenges with a real browser, then crawl plainly.

P1 portals answer a plain client with HTTP 412 and a script that computes a cookie
(shared/reference/gansu-sites.md §3). On such an answer the request is sent once more
through the browser; when the browser has passed the challenge, its cookies are kept
for that host and the original request is repeated as a plain request with them, so
lists and reports are still parsed from the same HTML the site serves everyone.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response

logger = logging.getLogger(__name__)

# Markers of a challenge shell: the $_ts bootstrap of 瑞数 and its r='m' attributes
# (\$_ts\s*= and \br=['"]m['"]). Two regexes that open with a literal, which the regex
# engine skips to: their alternation was tried at every byte (0.33 ms a page, 0.02 now).
_MARKERS = (re.compile(rb"\$_ts\s*="), re.compile(rb"r(?<!\wr)=['\"]m['\"]"))
SHELL_MAX_BYTES = 16 * 1024


def is_challenge(status: int, body: bytes) -> bool:
    """True for a bot-challenge answer rather than content."""
    if status == 412:
        return True
    return len(body) <= SHELL_MAX_BYTES and any(m.search(body) for m in _MARKERS)


class ChallengeMiddleware:
    """Detect challenge answers, solve them in the browser, reuse the cookies."""

    def __init__(self, crawler, wait: float) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.wait = wait
        self.cookies: dict[str, dict[str, str]] = {}

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("CHALLENGE_ENABLED"):
            raise NotConfigured("CHALLENGE_ENABLED is off")
        return cls(crawler, crawler.settings.getfloat("CHALLENGE_WAIT"))

    def process_request(self, request: Request) -> None:
        jar = self.cookies.get(urlsplit(request.url).hostname or "")
        if jar and not request.meta.get("nianbao_challenge"):
            request.cookies = {**jar, **(request.cookies or {})}

    async def process_response(self, request: Request, response: Response):
        if request.meta.get("nianbao_challenge"):
            return await self._solved(request, response)
        if request.meta.get("dont_challenge") or not is_challenge(
            response.status, response.body
        ):
            return response
        if request.meta.get("nianbao_challenge_tries", 0) >= 1:
            self.stats.inc_value("nianbao/challenge/failed")
            logger.warning("Challenge still answered after solving it: %s", request.url)
            return response
        self.stats.inc_value("nianbao/challenge/detected")
        site = request.meta.get("site")
        if site is not None:
            self.stats.inc_value(f"nianbao/site/{site.id}/challenges")
        logger.info("Bot challenge (HTTP %s) at %s: solving it in the browser",
                    response.status, request.url)
        return request.replace(
            dont_filter=True,
            meta={
                **request.meta,
                "playwright": True,
                "playwright_include_page": True,
                "nianbao_challenge": True,
                "nianbao_original_meta": dict(request.meta),
            },
        )

    async def _solved(self, request: Request, response: Response):
        page = response.meta.get("playwright_page")
        if page is None:
            raise IgnoreRequest(f"no browser page to solve the challenge at {request.url}")
        try:
            await self._wait_until_passed(page)
            cookies = await page.context.cookies()
        finally:
            await page.close()
        host = urlsplit(request.url).hostname or ""
        self.cookies[host] = {c["name"]: c["value"] for c in cookies}
        self.stats.inc_value("nianbao/challenge/solved")
        logger.info("Challenge passed for %s: %d cookie(s) kept", host, len(cookies))
        meta = request.meta["nianbao_original_meta"]
        tries = meta.get("nianbao_challenge_tries", 0) + 1
        return request.replace(
            dont_filter=True,
            cookies=self.cookies[host],
            meta={**meta, "nianbao_challenge_tries": tries},
        )

    async def _wait_until_passed(self, page) -> None:
        deadline = time.monotonic() + self.wait
        while time.monotonic() < deadline:
            try:
                html = await page.content()
            except PlaywrightError:  # the page is navigating: the challenge reloads it
                html = ""
            if html and not is_challenge(200, html.encode("utf-8", "replace")):
                return
            await asyncio.sleep(0.2)
        logger.warning("Challenge not passed within %.0fs: %s", self.wait, page.url)
