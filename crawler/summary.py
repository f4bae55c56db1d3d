"""At the end of a crawl: one line per site, and where the database is.

The table is logged once the engine has stopped, after Scrapy's own stats dump, so
it is the last thing a user sees.
"""

from __future__ import annotations

import logging

from scrapy import signals

from warehouse.runs import summarize

logger = logging.getLogger(__name__)


class CrawlSummary:
    """Log the crawl summary when the crawl is over."""

    def __init__(self, stats, db_path: str) -> None:
        self.stats = stats
        self.db_path = db_path
        self.reason = "unknown"
        self.final: dict = {}

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler.stats, crawler.settings.get("WAREHOUSE_DB"))
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        return ext

    def spider_closed(self, spider, reason: str) -> None:
        self.reason = reason
        self.final = dict(self.stats.get_stats())

    def engine_stopped(self) -> None:
        table = summarize(self.final or self.stats.get_stats(), self.db_path)
        logger.info("Crawl finished (%s):\n%s", self.reason, table)
