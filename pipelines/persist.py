"""Stage 6 as one function: a page item into the warehouse and the archives.

The crawl's StorePipeline, ``rebuild`` and ``import`` all store through
``persist_item``, so each path writes the same rows for the same page. The crawl's items
come with their records and WARC records made by its analysis workers (pipelines/pool.py);
other pages get them made here, by the same functions. The crawl stores through a
``Writer``: a thread of its own that commits the items queued together in one transaction.
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, NamedTuple

from sqlite_utils import Database

from pipelines import chain
from warehouse.archive import store_raw
from warehouse.history import record_failure, touch_page
from warehouse.store import store_attachments, store_page
from warehouse.warc import WarcArchive


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


# Items stored in one transaction at most: bounds how long an item waits for its commit.
MAX_GROUP = 32


_STOP = object()  # queued by close()


class _Job(NamedTuple):
    function: Callable[..., Any]
    args: tuple
    grouped: bool
    future: Future


class Writer:
    """A thread that owns a warehouse connection and runs writes on it in the order given.

    ``write`` calls queued while a transaction is being written go together into the next
    one (each store keeps its own savepoints: a write that fails leaves the others stored,
    as it would alone), one commit for several reports. A write's future is settled once
    its transaction is committed, so an item is handed on only when it is stored. ``call``
    runs alone, outside any transaction of the writer's (opening and closing a run).
    """

    def __init__(self, open_db: Callable[[], Database]) -> None:
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, args=(open_db,), name="warehouse",
                                        daemon=True)
        self._opened: Future = Future()
        self._thread.start()
        self.db: Database = self._opened.result()

    def write(self, function: Callable[..., Any], *args: Any) -> Future:
        """Run function(*args) in the next group transaction; its result as a future."""
        return self._put(function, args, grouped=True)

    def call(self, function: Callable[..., Any], *args: Any) -> Future:
        """Run function(*args) alone; its result as a future."""
        return self._put(function, args, grouped=False)

    def close(self) -> None:
        """Finish the queued writes, close the connection, end the thread."""
        self._jobs.put(_STOP)
        self._thread.join()

    def _put(self, function: Callable[..., Any], args: tuple, grouped: bool) -> Future:
        future: Future = Future()
        self._jobs.put(_Job(function, args, grouped, future))
        return future

    def _run(self, open_db: Callable[[], Database]) -> None:
        try:
            db = open_db()
        except BaseException as err:  # noqa: BLE001 (handed to the constructor)
            self._opened.set_exception(err)
            return
        self._opened.set_result(db)
        ahead = None  # a job taken from the queue but not yet run
        while True:
            job = ahead or self._jobs.get()
            ahead = None
            if job is _STOP:
                break
            if not job.grouped:
                _settle([job], [_outcome(job)])
                continue
            group = [job]
            while len(group) < MAX_GROUP and not self._jobs.empty():
                more = self._jobs.get()
                if more is _STOP or not more.grouped:
                    ahead = more
                    break
                group.append(more)
            self._write_group(db, group)
        db.close()

    @staticmethod
    def _write_group(db: Database, group: list[_Job]) -> None:
        try:
            with db.atomic():
                outcomes = [_outcome(job) for job in group]
        except BaseException as err:  # noqa: BLE001 (the commit failed: nothing is stored)
            outcomes = [(None, err)] * len(group)
        _settle(group, outcomes)


def _outcome(job: _Job) -> tuple[Any, BaseException | None]:
    try:
        return job.function(*job.args), None
    except Exception as err:  # noqa: BLE001 (settled on the job's future)
        return None, err


def _settle(jobs: list[_Job], outcomes: list[tuple[Any, BaseException | None]]) -> None:
    for job, (value, err) in zip(jobs, outcomes):
        if err is None:
            job.future.set_result(value)
        else:
            job.future.set_exception(err)
