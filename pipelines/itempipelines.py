"""Thin Scrapy wrappers: each calls one step of pipelines/chain.py and counts.

The order in ITEM_PIPELINES (crawler/settings.py) is the order of chain.STEPS; a test
holds them together. No wrapper drops an item: a page that fails a stage goes on with
a flag and is stored.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from scrapy import signals

from pipelines import chain
from pipelines.boilerplate import ChromeLearner
from pipelines.crossyear import finish_warehouse
from pipelines.persist import persist_item
from warehouse.history import mark_gone
from warehouse.runs import site_runs, summarize, utc_now
from warehouse.schema import open_db
from warehouse.store import finish_run, start_run, store_sites
from warehouse.warc import WarcArchive

logger = logging.getLogger(__name__)


class _StepPipeline:
    """Run one chain step over the item and return the enriched item."""

    stage: str

    def __init__(self, stats) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        return self.step(item)

    def step(self, item, *args):
        if item.get("unchanged"):
            return item  # the warehouse already holds this analysis
        errors = len(item.get("stage_errors", ()))
        item = chain.run_step(self.stage, item, *args)
        if len(item.get("stage_errors", ())) > errors:
            self.stats.inc_value(f"nianbao/stage_error/{self.stage}")
        return item


class DecodePipeline(_StepPipeline):
    """Stage 1: decode the raw bytes."""

    stage = "decode"

    def process_item(self, item):
        item = self.step(item)
        if "decoded" in item:
            self.stats.inc_value(f"nianbao/decode/{item['decoded'].kind}")
        return item


class AttachmentsPipeline(_StepPipeline):
    """Stage 1b: read a report's attachments; OCR now or deferred (OCR_ENABLED)."""

    stage = "attachments"

    def __init__(self, stats, ocr: bool = True) -> None:
        super().__init__(stats)
        self.ocr = ocr

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats, crawler.settings.getbool("OCR_ENABLED"))

    def process_item(self, item):
        item = self.step(item, self.ocr)
        for page in (item, *item.get("attachments", ())):
            document = page.get("document")
            if document is not None:
                self.stats.inc_value(f"nianbao/attachments/{document.format}/{document.method}")
                for flag in document.flags:
                    self.stats.inc_value(f"nianbao/attachments/{flag.code}")
        return item


class BoilerplatePipeline(_StepPipeline):
    """Stage 2: strip site chrome, learned from the site's recent pages."""

    stage = "boilerplate"

    def __init__(self, stats) -> None:
        super().__init__(stats)
        self.learner = ChromeLearner()

    def process_item(self, item):
        return self.step(item, self.learner.observe(item))


class SpamPipeline(_StepPipeline):
    """Stage 3: find injected spam, cut it from the text."""

    stage = "spam"

    def process_item(self, item):
        item = self.step(item)
        if "spam" in item and item["spam"].is_spam:
            self.stats.inc_value(f"nianbao/site/{item['site']}/spam")
            for kind in item["spam"].kinds:
                self.stats.inc_value(f"nianbao/spam/{kind}")
        return item


class ReportPipeline(_StepPipeline):
    """Stage 4: read the report: metadata, sections, tables, figures."""

    stage = "report"


class ValidatePipeline(_StepPipeline):
    """Stage 5: check the identities and the rest; count flagged reports."""

    stage = "validate"

    def process_item(self, item):
        item = self.step(item)
        report = item.get("report")
        flags = [*(report.flags if report else ()), *item.get("quality", ())]
        if flags:
            self.stats.inc_value(f"nianbao/site/{item['site']}/flagged")
        for flag in flags:
            self.stats.inc_value(f"nianbao/quality/{flag.code}")
        return item


class StorePipeline:
    """Stage 6: archive the raw bytes, upsert the rows, record the crawl run."""

    def __init__(self, crawler, db_path: str, raw_dir: str) -> None:
        self.crawler = crawler
        self.db_path = db_path
        self.raw_dir = Path(raw_dir) if raw_dir else Path(db_path).parent / "raw"
        self.run_id = uuid.uuid4().hex
        self.db = None
        self.warc = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        pipeline = cls(crawler, settings.get("WAREHOUSE_DB"), settings.get("WAREHOUSE_RAW_DIR"))
        # The run is closed on spider_closed, which carries the finish reason.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        spider = self.crawler.spider
        self.db = open_db(self.db_path)
        store_sites(self.db, (s.as_row() for s in spider.sites))
        args = {"site": spider.site_arg, "years": spider.years_arg}
        start_run(self.db, self.run_id, spider.name, args, utc_now())
        self.warc = WarcArchive(self.raw_dir / "warc", self.run_id)
        logger.info("Writing to %s (raw pages in %s)", self.db_path, self.raw_dir)

    def process_item(self, item):
        outcome = persist_item(self.db, self.raw_dir, item, self.run_id, self.warc)
        stats = self.crawler.stats
        if item.get("kind") == "report" or outcome == "failed_kept":
            stats.inc_value(f"nianbao/incremental/{outcome}")
        stats.inc_value("nianbao/store/pages", 1 + len(item.get("attachments", ())))
        return item

    def spider_closed(self, spider, reason: str) -> None:
        sites = [s.id for s in spider.sites]
        stats = self.crawler.stats
        if reason == "finished" and spider.years_arg is None:
            # Only a complete walk of a site can tell that a report is no longer listed.
            gone = mark_gone(self.db, sites, self.run_id, utc_now())
            stats.set_value("nianbao/incremental/gone", gone)
        rows = site_runs(stats.get_stats(), self.run_id, sites)
        finish_run(self.db, self.run_id, finished_at=utc_now(), reason=reason,
                   stats=stats.get_stats(), summary=summarize(stats.get_stats(), self.db_path),
                   site_runs=rows)
        stats.set_value("nianbao/quality/cross_year", finish_warehouse(self.db))
        self.warc.close()
        self.db.close()

