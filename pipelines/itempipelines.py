"""Thin Scrapy wrappers: each calls one step of pipelines/chain.py and counts.

The order in ITEM_PIPELINES (crawler/settings.py) is the order of chain.STEPS; a test
holds them together. No wrapper drops an item: a page that fails a stage goes on with
a flag and is stored.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import uuid
from collections import defaultdict, deque
from pathlib import Path

from scrapy import signals

from pipelines import chain
from pipelines.boilerplate import Chrome, learn_chrome
from warehouse.archive import store_raw
from warehouse.schema import open_db
from warehouse.history import mark_gone, record_failure, touch_page
from warehouse.refresh import refresh_warehouse
from warehouse.runs import site_runs, summarize
from warehouse.store import finish_run, start_run, store_page, store_sites

logger = logging.getLogger(__name__)

# Pages per site kept to learn its chrome from; enough to see the template repeat,
# few enough that relearning after each page stays cheap.
CHROME_WINDOW = 30


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
    """Stage 1b: decode (and read) a report's attachments."""

    stage = "attachments"


class BoilerplatePipeline(_StepPipeline):
    """Stage 2: strip site chrome, learned from the site's recent pages."""

    stage = "boilerplate"

    def __init__(self, stats) -> None:
        super().__init__(stats)
        self.recent: dict[str, deque[str]] = defaultdict(lambda: deque(maxlen=CHROME_WINDOW))
        self.chrome: dict[str, Chrome] = {}

    def process_item(self, item):
        decoded = item.get("decoded")
        if decoded is not None and decoded.kind == "html":
            texts = self.recent[item["site"]]
            texts.append(decoded.text)
            self.chrome[item["site"]] = learn_chrome(texts)
        return self.step(item, self.chrome.get(item["site"]))


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
        store_sites(self.db, (_site_row(s) for s in spider.sites))
        args = {"site": spider.site_arg, "years": f"{spider.years.start}-{spider.years.stop - 1}"}
        start_run(self.db, self.run_id, spider.name, args, _now())
        logger.info("Writing to %s (raw pages in %s)", self.db_path, self.raw_dir)

    def process_item(self, item):
        stats = self.crawler.stats
        if item.get("unchanged"):
            with self.db.atomic():
                for page in (item, *item.get("attachments", ())):
                    touch_page(self.db, page["url"], page.get("fetched_at"), self.run_id)
            stats.inc_value("nianbao/incremental/unchanged")
            return item
        if item.get("status") != 200 and self._keep_stored(item):
            return item
        digest = store_raw(self.raw_dir, item.get("body") or b"")
        probe = item.get("probe")
        probe_digest = store_raw(self.raw_dir, probe["body"]) if probe else None
        outcome = store_page(self.db, item, chain.to_record(item), digest, self.run_id,
                             probe_digest)
        if item.get("kind") == "report":
            stats.inc_value(f"nianbao/incremental/{outcome}")
        for attachment in item.get("attachments", ()):
            store_page(self.db, attachment, chain.to_record(attachment),
                       store_raw(self.raw_dir, attachment.get("body") or b""), self.run_id)
        self.crawler.stats.inc_value("nianbao/store/pages", 1 + len(item.get("attachments", ())))
        return item

    def _keep_stored(self, item) -> bool:
        """A failed fetch never overwrites what the warehouse already holds of a page."""
        findings = json.dumps(item.get("findings") or [], ensure_ascii=False)
        with self.db.atomic():
            kept = record_failure(self.db, item["url"], item.get("status"),
                                  item.get("fetched_at"), findings)
        if kept:
            self.crawler.stats.inc_value("nianbao/incremental/failed_kept")
        return kept

    def spider_closed(self, spider, reason: str) -> None:
        sites = [s.id for s in spider.sites]
        stats = self.crawler.stats
        if reason == "finished" and spider.years_arg is None:
            # Only a complete walk of a site can tell that a report is no longer listed.
            gone = mark_gone(self.db, sites, self.run_id, _now())
            stats.set_value("nianbao/incremental/gone", gone)
        rows = site_runs(stats.get_stats(), self.run_id, sites)
        finish_run(self.db, self.run_id, finished_at=_now(), reason=reason,
                   stats=stats.get_stats(), summary=summarize(stats.get_stats(), self.db_path),
                   site_runs=rows)
        refresh_warehouse(self.db)
        self.db.close()


def _site_row(site) -> dict:
    row = dataclasses.asdict(site)
    del row["index"]
    return {**row, "render": int(site.render)}


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
