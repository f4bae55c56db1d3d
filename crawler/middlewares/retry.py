"""Scrapy's retries, with exponential backoff and respect for Retry-After.

A site that answers 503 or times out is usually overloaded; retrying at once adds to
the load. The retried request waits base × 2^(retries so far), capped, or as long as
the server's Retry-After asks (also capped), before it goes back to the scheduler.
"""

from __future__ import annotations

import asyncio
import logging

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response

logger = logging.getLogger(__name__)


def backoff_delay(retries: int, base: float, cap: float, retry_after: str | None = None) -> float:
    """Seconds to wait before retry number ``retries + 1``."""
    if retry_after and retry_after.strip().isdigit():
        return min(float(retry_after.strip()), cap)
    return min(base * 2**retries, cap)


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware that waits before each retry (RETRY_BACKOFF_BASE, _MAX)."""

    @classmethod
    def from_crawler(cls, crawler):
        middleware = super().from_crawler(crawler)
        middleware.base = crawler.settings.getfloat("RETRY_BACKOFF_BASE")
        middleware.cap = crawler.settings.getfloat("RETRY_BACKOFF_MAX")
        return middleware

    async def process_response(self, request: Request, response: Response):
        result = super().process_response(request, response)
        if isinstance(result, Request):
            retry_after = response.headers.get("Retry-After", b"").decode("latin-1")
            await self._wait(request, retry_after)
        return result

    async def process_exception(self, request: Request, exception: Exception):
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await self._wait(request, None)
        return result

    async def _wait(self, request: Request, retry_after: str | None) -> None:
        delay = backoff_delay(request.meta.get("retry_times", 0), self.base, self.cap,
                              retry_after)
        self.crawler.stats.inc_value("nianbao/retry/backoff_seconds", delay)
        logger.debug("Retrying %s in %.1fs", request.url, delay)
        await asyncio.sleep(delay)
