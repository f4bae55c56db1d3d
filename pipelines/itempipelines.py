"""Thin Scrapy wrappers: the analysis (chain.STEPS, pipelines/pool.py) and the store.

ITEM_PIPELINES (crawler/settings.py) holds the two; the order of the stages is
chain.STEPS alone (a test holds the crawl to it). No wrapper drops an item: a page that
fails a stage goes on with a flag and is stored.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from functools import partial
from pathlib import Path

from scrapy import signals
from scrapy.utils.reactor import is_asyncio_reactor_installed

from pipelines.crossyear import finish_warehouse
from pipelines.persist import Warehouse, for_store, open_warehouse, store_item
from pipelines.pool import Analysis
from pipelines.writer import Writer
from warehouse.history import mark_gone
from warehouse.runs import site_runs, summarize, utc_now
from warehouse.schema import open_db
from warehouse.store import finish_run, start_run, store_sites

logger = logging.getLogger(__name__)


class AnalysisPipeline:
    """Stages 1-5: decode, attachments, boilerplate, spam, report, validate; counts each.

    With ANALYSIS_WORKERS > 0 the stages run in worker processes, off the reactor
    (the chrome learner stays here), and items leave in the order they came.
    """

    def __init__(self, stats, analysis: Analysis) -> None:
        self.stats = stats
        self.analysis = analysis

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        workers = settings.getint("ANALYSIS_WORKERS")
        if workers and not is_asyncio_reactor_installed():
            logger.warning("ANALYSIS_WORKERS needs the asyncio reactor: analysing in the"
                           " crawl process")
            workers = 0
        return cls(crawler.stats, Analysis(workers, settings.getbool("OCR_ENABLED"),
                                           settings.get("LOG_LEVEL")))

    def process_item(self, item):
        if self.analysis.workers:
            return self._pooled(item)
        return self._counted(*self.analysis.analyze_here(item))

    async def _pooled(self, item):
        return self._counted(*await self.analysis.analyze(item))

    def _counted(self, item, counts):
        for key in counts:
            self.stats.inc_value(key)
        return item

    def close_spider(self) -> None:
        self.analysis.close()


class StorePipeline:
    """Stage 6: archive the raw bytes, upsert the rows, record the crawl run.

    The warehouse is written by a process of its own (pipelines/writer.py: its SQLite
    connection and WARC file live there), so neither the reactor nor the GIL waits on
    SQLite. Items are stored in the order they come (the analysis hands them on in the
    order the chrome learner saw them), those queued together in one transaction, and an
    item is handed on only once the transaction holding it is committed.
    """

    def __init__(self, crawler, db_path: str, raw_dir: str) -> None:
        self.crawler = crawler
        self.db_path = db_path
        self.raw_dir = Path(raw_dir) if raw_dir else Path(db_path).parent / "raw"
        self.run_id = uuid.uuid4().hex
        self.writer: Writer | None = None
        self.wait_async = False

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        pipeline = cls(crawler, settings.get("WAREHOUSE_DB"), settings.get("WAREHOUSE_RAW_DIR"))
        # The run is closed on spider_closed, which carries the finish reason.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        spider = self.crawler.spider
        self.writer = Writer(partial(open_warehouse, partial(open_db, self.db_path),
                                     self.raw_dir, self.run_id),
                             self.crawler.settings.get("LOG_LEVEL"))
        self.wait_async = is_asyncio_reactor_installed()
        args = {"site": spider.site_arg, "years": spider.years_arg}
        self.writer.call(open_run, [s.as_row() for s in spider.sites], spider.name, args,
                         utc_now()).result()
        logger.info("Writing to %s (raw pages in %s)", self.db_path, self.raw_dir)

    def process_item(self, item):
        stored = self.writer.write(store_item, for_store(item))
        if self.wait_async:
            return self._counted_later(item, stored)
        return self._counted(item, stored.result())

    async def _counted_later(self, item, stored):
        return self._counted(item, await asyncio.wrap_future(stored))

    def _counted(self, item, outcome: str):
        stats = self.crawler.stats
        if item.get("kind") == "report" or outcome == "failed_kept":
            stats.inc_value(f"nianbao/incremental/{outcome}")
        stats.inc_value("nianbao/store/pages", 1 + len(item.get("attachments", ())))
        return item

    def spider_closed(self, spider, reason: str) -> None:
        # Every item is stored by now; the run is closed by the writer too.
        stats = self.crawler.stats
        # Only a complete walk of a site can tell that a report is no longer listed.
        complete = reason == "finished" and spider.years_arg is None
        closed = self.writer.call(close_run, [s.id for s in spider.sites], stats.get_stats(),
                                  reason, complete, self.db_path).result()
        for key, value in closed.items():
            stats.set_value(key, value)
        self.writer.close()


def open_run(warehouse: Warehouse, sites: list[dict], spider: str, args: dict,
             started_at: str) -> None:
    """In the writer: the registry's sites and the start of this run."""
    store_sites(warehouse.db, sites)
    start_run(warehouse.db, warehouse.run_id, spider, args, started_at)


def close_run(warehouse: Warehouse, sites: list[str], stats: dict, reason: str,
              complete: bool, db_path: str) -> dict:
    """In the writer: the end of this run; the stats it adds to the crawl's."""
    db, run_id = warehouse.db, warehouse.run_id
    added = {}
    if complete:
        added["nianbao/incremental/gone"] = mark_gone(db, sites, run_id, utc_now())
    stats = {**stats, **added}
    finish_run(db, run_id, finished_at=utc_now(), reason=reason, stats=stats,
               summary=summarize(stats, db_path), site_runs=site_runs(stats, run_id, sites))
    added["nianbao/quality/cross_year"] = finish_warehouse(db)
    return added
