"""At the end of a crawl: one line per site, and where the database is."""

from __future__ import annotations

import logging

from scrapy import signals

from warehouse.runs import summarize

logger = logging.getLogger(__name__)

class CrawlSummary:
    """Log the crawl summary when the spider closes."""

    def __init__(self, stats, db_path: str) -> None:
        self.stats = stats
        self.db_path = db_path

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler.stats, crawler.settings.get("WAREHOUSE_DB"))
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider, reason: str) -> None:
        table = summarize(self.stats.get_stats(), self.db_path)
        logger.info("Crawl finished (%s):\n%s", reason, table)
