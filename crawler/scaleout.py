"""Scale-out: crawl workers on several machines share one scrapy-redis queue.

Switched on by settings alone: ``-s REDIS_URL=redis://host:6379`` puts the scheduler's
queue and dupefilter on that Redis server (scrapy-redis); with REDIS_URL empty nothing
changes. Each worker writes its own WAREHOUSE_DB; ``python -m warehouse merge`` combines
them afterwards.
"""

from __future__ import annotations

import logging
import time

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured

logger = logging.getLogger(__name__)

SCHEDULER = "scrapy_redis.scheduler.Scheduler"
DUPEFILTER = "scrapy_redis.dupefilter.RFPDupeFilter"
IDLE_EXTENSION = "crawler.scaleout.SharedQueueIdle"


def redis_settings(redis_url: str) -> dict[str, object]:
    """The settings that move the queue and dupefilter to Redis (none when the URL is empty)."""
    if not redis_url:
        return {}
    return {
        "SCHEDULER": SCHEDULER,
        "DUPEFILTER_CLASS": DUPEFILTER,
        # The first worker to finish must not wipe the queue and the fingerprints the
        # others are still working from; a new crawl starts from fresh keys instead.
        "SCHEDULER_PERSIST": True,
    }


class ScaleOut:
    """Scrapy add-on: applies redis_settings() when REDIS_URL is set."""

    def update_settings(self, settings) -> None:
        url = settings.get("REDIS_URL") or ""
        for name, value in redis_settings(url).items():
            settings.set(name, value, priority="addon")
        if url:
            settings["EXTENSIONS"][IDLE_EXTENSION] = 510
            logger.info("Scale-out: shared queue and dupefilter on %s", url)


class SharedQueueIdle:
    """Keep a worker up while the shared queue may still fill.

    A worker with nothing to do would close at once, while another worker's pages in
    flight are about to queue their follow-ups; it waits SCALEOUT_IDLE_CLOSE seconds of
    an empty shared queue before it closes.
    """

    def __init__(self, wait: float) -> None:
        self.wait = wait
        self.idle_since: float | None = None

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.get("REDIS_URL"):
            raise NotConfigured
        ext = cls(crawler.settings.getfloat("SCALEOUT_IDLE_CLOSE"))
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        return ext

    def response_received(self) -> None:
        self.idle_since = None

    def spider_idle(self, spider) -> None:
        # Idle means the shared queue was empty when the engine looked.
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.wait:
            raise DontCloseSpider
        logger.info(
            "Shared queue empty for %.0fs: this worker closes", now - self.idle_since
        )
