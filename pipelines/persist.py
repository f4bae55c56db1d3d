"""Stage 6 as one function: a page item into the warehouse and the archives.

The crawl's StorePipeline, ``rebuild`` and ``import`` all store through
``persist_item``, so each path writes the same rows for the same page. The crawl's items
come with their records and WARC records made by its analysis workers (pipelines/pool.py);
other pages get them made here, by the same functions. The crawl stores through a
``Writer`` process (pipelines/writer.py) that opens a ``Warehouse`` and runs ``store_item``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from pipelines import chain
from warehouse.archive import store_raw
from warehouse.history import record_failure, touch_page
from warehouse.search import ensure_search_table, sync_search
from warehouse.store import store_attachments, store_page
from warehouse.warc import WarcArchive

logger = logging.getLogger(__name__)


def persist_item(db: Database, raw_dir: Path, item: dict[str, Any], run_id: str | None,
                 warc: WarcArchive | None = None) -> str:
    """Store an analysed page item with its attachments; returns its outcome.

    Outcomes: "unchanged" (only marked as seen), "failed_kept" (a failed fetch of a page the
    warehouse already holds: the stored copy stays), else store_page's "new"/"changed"
    (or "unchanged" when the same bytes came again without revalidation).
    """
    if item.get("unchanged"):
        with db.atomic():
            for page in (item, *item.get("attachments", ())):
                touch_page(db, page["url"], page.get("fetched_at"), run_id)
        return "unchanged"
    if item.get("status") != 200:
        findings = json.dumps(item.get("findings") or [], ensure_ascii=False)
        with db.atomic():
            if record_failure(db, item["url"], item.get("status"), item.get("fetched_at"),
                              findings):
                return "failed_kept"
    location = (None, None) if warc is None else warc.write_page(item, item.get("warc_records"))
    digest = store_raw(raw_dir, item.get("body") or b"")
    probe = item.get("probe")
    probe_digest = store_raw(raw_dir, probe["body"]) if probe else None
    record = _record(item)
    outcome = store_page(db, item, record, digest, run_id, probe_digest, warc=location)
    stored = []
    for attachment in item.get("attachments", ()):
        attachment_record = _record(attachment)
        attachment_digest = store_raw(raw_dir, attachment.get("body") or b"")
        store_page(db, attachment, attachment_record, attachment_digest, run_id, warc=location)
        stored.append((attachment, attachment_record, attachment_digest))
    if stored:
        store_attachments(db, item["url"], record, stored)
    return outcome


def _record(page: dict[str, Any]) -> dict[str, Any]:
    # The crawl's analysis hands over the record made in its worker (pipelines/pool.py).
    return page["record"] if "record" in page else chain.to_record(page)


# The crawl's SQLite page cache (PRAGMA cache_size; SQLite's default is 2 MiB).
WRITER_CACHE_KIB = 64 * 1024


def tune_writer(conn) -> None:
    """The crawl's settings of its warehouse connection.

    An item is handed on once its transaction is committed (in the WAL), so a killed crawl
    loses nothing it stored. Commits are not fsynced one by one (8-14 ms each here), only
    at checkpoints: a power cut may undo the last few reports, which the next
    (incremental) crawl fetches again. Each report adds ~200 cells to the (report_url,
    field) key and the field index, at places spread over both: a larger page cache keeps
    more of them in memory (~10 % of the store's time at 5,000 reports).
    """
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")


@dataclass
class Warehouse:
    """What the writer's jobs write to: the connection, the raw archive, the run's WARC,
    and the URLs stored since the last ``flush`` whose search rows are still to write."""

    db: Database
    raw_dir: Path
    run_id: str | None = None
    warc: WarcArchive | None = None
    unindexed: list[str] = field(default_factory=list)

    def flush(self) -> None:
        """Write the search rows of the pages stored since the last flush, in one batch.

        The writer calls it before each commit. A failure is logged and leaves those
        reports to the index's refresh at the end of the crawl; their stores stand.
        """
        urls, self.unindexed = self.unindexed, []
        if not urls:
            return
        try:
            sync_search(self.db, urls)
        except Exception:  # noqa: BLE001 (the refresh indexes what is missing)
            logger.warning("search index of %d pages left to the refresh", len(urls),
                           exc_info=True)

    def close(self) -> None:
        """Write what is pending, close the WARC file and the connection."""
        self.flush()
        if self.warc is not None:
            self.warc.close()
        self.db.close()


def open_warehouse(open_db: Callable[[], Database], raw_dir: Path, run_id: str | None
                   ) -> Warehouse:
    """The crawl's end of the warehouse, as its writer process opens it."""
    db = open_db()
    tune_writer(db.conn)
    ensure_search_table(db)
    archive = WarcArchive(Path(raw_dir) / "warc", run_id) if run_id else None
    return Warehouse(db, Path(raw_dir), run_id, archive)


def store_item(warehouse: Warehouse, item: dict[str, Any]) -> str:
    """persist_item on the writer's warehouse; its search rows are written at ``flush``.

    Indexing while the crawl runs leaves the refresh after it only digests to compare (on
    the large mirror, 12 s at the end of the crawl with one core working). The rows wait
    for the transaction's end because FTS5 writes out its pending rows as a new index
    segment at every savepoint, and each store opens its own: indexed one by one, each
    report was a segment, and merging them took 1.5 ms a report (a sixth of the store).
    """
    outcome = persist_item(warehouse.db, warehouse.raw_dir, item, warehouse.run_id,
                           warehouse.warc)
    if outcome != "unchanged":
        warehouse.unindexed += [page["url"] for page in (item, *item.get("attachments", ()))]
    return outcome


# What an analysed item carries that its record already holds: the decoded text and
# markup (the largest part of the item) and the spam step's reading of the markup.
_ANALYSED_ONLY = ("decoded", "dom")


def for_store(item: dict[str, Any]) -> dict[str, Any]:
    """What of an analysed item goes to the writer: not what its record holds already."""
    if "record" not in item or "decoded" not in item:
        return item
    return {key: value for key, value in item.items() if key not in _ANALYSED_ONLY}
