"""Stop a redirect that comes back to a URL of its own chain; record it on the page.

Scrapy's RedirectMiddleware gives the redirected request the original's dont_filter,
so a loop (a -> b -> a) ends in the scheduler's duplicate filter: the request is
dropped without an errback, and the linked report would vanish without a trace.
Here the 30x that closes the loop reaches the spider instead, which stores the page
with a ``redirect_loop`` finding naming the chain.
"""

from __future__ import annotations

import logging
from urllib.parse import urljoin

from scrapy import Request
from scrapy.http import Response

logger = logging.getLogger(__name__)

REDIRECT_CODES = (301, 302, 303, 307, 308)


def redirect_loop(request: Request, location: str) -> list[str] | None:
    """The chain of URLs when redirecting ``request`` to ``location`` closes a loop."""
    target = urljoin(request.url, location)
    chain = [*request.meta.get("redirect_urls", []), request.url]
    return [*chain, target] if target in chain else None


class RedirectLoopMiddleware:
    """Hand the 30x that closes a redirect loop to the spider, with a finding."""

    def __init__(self, stats) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in REDIRECT_CODES or "Location" not in response.headers:
            return response
        chain = redirect_loop(request, response.headers["Location"].decode("latin-1"))
        if chain is None:
            return response
        self.stats.inc_value("nianbao/redirectloop/loop")
        logger.warning("Redirect loop at %s: %s", request.url, " -> ".join(chain))
        request.meta["dont_redirect"] = True
        request.meta["handle_httpstatus_all"] = True
        request.meta.setdefault("nianbao_findings", []).append(
            {
                "kind": "redirect_loop",
                "reason": " -> ".join(chain)[:500],
                "status": str(response.status),
            }
        )
        return response
