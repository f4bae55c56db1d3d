"""Re-crawls skip what has not changed: conditional requests, then content hashes.

For report pages and attachments already in the warehouse, requests carry the stored
validators (If-None-Match / If-Modified-Since). A 304 answer is completed with the
archived bytes; a 200 answer whose bytes hash to the stored SHA-256 is just as
unchanged. Either way the response is marked ``nianbao_unchanged`` and the pipelines
only record that the page was seen again. List pages are always fetched afresh.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from pathlib import Path

from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from warehouse.archive import archive_path

logger = logging.getLogger(__name__)


def load_validators(db_path: Path) -> dict[str, tuple[str | None, str | None, str]]:
    """url -> (etag, last_modified, sha256) of the stored report pages and attachments."""
    if not db_path.exists():
        return {}
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        try:
            rows = conn.execute(
                "select url, etag, last_modified, sha256 from pages"
                " where kind in ('report', 'attachment') and status = 200 and sha256 is not null"
            ).fetchall()
        except sqlite3.OperationalError:  # a warehouse from before the history columns
            return {}
    return {url: (etag, modified, digest) for url, etag, modified, digest in rows}


class IncrementalMiddleware:
    """Conditional requests and unchanged-content detection against the warehouse."""

    def __init__(self, validators: dict, raw_dir: Path, stats) -> None:
        self.validators = validators
        self.raw_dir = raw_dir
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("INCREMENTAL_ENABLED"):
            raise NotConfigured("INCREMENTAL_ENABLED is off")
        db_path = Path(settings.get("WAREHOUSE_DB"))
        raw_dir = Path(settings.get("WAREHOUSE_RAW_DIR") or db_path.parent / "raw")
        validators = load_validators(db_path)
        logger.info("Incremental crawl: %d stored pages can be revalidated", len(validators))
        return cls(validators, raw_dir, crawler.stats)

    def process_request(self, request: Request) -> None:
        known = self._known(request)
        if known:
            etag, modified, _ = known
            if etag:
                request.headers.setdefault("If-None-Match", etag)
            if modified:
                request.headers.setdefault("If-Modified-Since", modified)

    def process_response(self, request: Request, response: Response) -> Response | Request:
        known = self._known(request)
        if not known:
            return response
        digest = known[2]
        if response.status == 304:
            path = archive_path(self.raw_dir, digest)
            if not path.exists():
                logger.warning("304 for %s but its archived copy is missing: fetching it", request.url)
                retry = request.replace(dont_filter=True)
                retry.meta["dont_revalidate"] = True
                for name in ("If-None-Match", "If-Modified-Since"):
                    retry.headers.pop(name, None)
                return retry
            response = response.replace(status=200, body=path.read_bytes())
        elif response.status != 200 or hashlib.sha256(response.body).hexdigest() != digest:
            return response
        request.meta["nianbao_unchanged"] = True
        self.stats.inc_value("nianbao/incremental/unchanged_fetches")
        return response

    def _known(self, request: Request):
        if request.meta.get("dont_revalidate") or not request.meta.get("revalidate"):
            return None
        return self.validators.get(request.url)
