"""Never follow a redirect off the registry; record it as a finding on the page.

A hijacked government page may answer 30x to a gambling domain. Following it would
fetch from a host nobody chose to crawl; instead the 30x answer itself reaches the
spider, which stores the page with an ``off_registry_redirect`` finding.
"""

from __future__ import annotations

import logging
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.http import Response

from crawler.registry import registry_from_settings

logger = logging.getLogger(__name__)

REDIRECT_CODES = (301, 302, 303, 307, 308)


class OffRegistryRedirectMiddleware:
    """Stop redirects whose target host is not a registry host."""

    def __init__(self, hosts: frozenset[str], stats) -> None:
        self.hosts = hosts
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(registry_from_settings(crawler.settings).hosts, crawler.stats)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in REDIRECT_CODES or "Location" not in response.headers:
            return response
        location = response.headers["Location"].decode("latin-1")
        target = urljoin(request.url, location)
        if (urlsplit(target).hostname or "") in self.hosts:
            return response
        self.stats.inc_value("nianbao/offregistry/redirect_blocked")
        logger.warning("Not following redirect off the registry: %s -> %s", request.url, target)
        request.meta["dont_redirect"] = True
        request.meta["handle_httpstatus_all"] = True
        request.meta.setdefault("nianbao_findings", []).append(
            {"kind": "off_registry_redirect", "target": target, "status": str(response.status)}
        )
        return response
