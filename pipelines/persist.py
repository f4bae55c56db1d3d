"""Stage 6 as one function: a page item into the warehouse and the archives.

The crawl's StorePipeline, ``rebuild`` and ``import`` all store through
``persist_item``, so each path writes the same rows for the same page. The crawl's items
come with their records and WARC records made by its analysis workers (pipelines/pool.py);
other pages get them made here, by the same functions. The crawl stores through a
``Writer``: a process of its own that commits the items queued together in one transaction.
"""

from __future__ import annotations

import itertools
import json
import logging
import multiprocessing
import multiprocessing.connection
import pickle
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from sqlite_utils import Database

from pipelines import chain
from pipelines.children import CONTEXT, LogRelay, child_init
from warehouse.archive import store_raw
from warehouse.history import record_failure, touch_page
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


# Items stored in one transaction at most: bounds how long an item waits for its commit.
MAX_GROUP = 32
# How long the first write of a transaction waits for others to join it (seconds). A commit
# writes every page its reports dirtied, and a report's ~200 cells dirty ~200 pages of the
# field index, the same ones for each report: 30 reports cost a commit little more than one.
# The crawl's items come one by one (1.5 a transaction without the wait; 29 with it, and the
# writer's CPU on the large mirror 69 -> 50 s).
GROUP_WAIT = 0.5
# A writer process that dies (killed for memory, say) is started afresh this many times.
MAX_RESTARTS = 3

_STOP = None  # queued by close(); None, as it is itself again once unpickled


@dataclass
class Warehouse:
    """What the writer's jobs write to: the connection, the raw archive, the run's WARC."""

    db: Database
    raw_dir: Path
    run_id: str | None = None
    warc: WarcArchive | None = None

    def close(self) -> None:
        """Close the WARC file and the connection."""
        if self.warc is not None:
            self.warc.close()
        self.db.close()


def open_warehouse(open_db: Callable[[], Database], raw_dir: Path, run_id: str | None,
                   warc: bool = True) -> Warehouse:
    """The crawl's end of the warehouse, as its writer process opens it."""
    db = open_db()
    tune_writer(db.conn)
    archive = WarcArchive(Path(raw_dir) / "warc", run_id) if warc and run_id else None
    return Warehouse(db, Path(raw_dir), run_id, archive)


def store_item(warehouse: Warehouse, item: dict[str, Any]) -> str:
    """persist_item on the writer's warehouse."""
    return persist_item(warehouse.db, warehouse.raw_dir, item, warehouse.run_id,
                        warehouse.warc)


def for_store(item: dict[str, Any]) -> dict[str, Any]:
    """What of an analysed item goes to the writer: not the decoded text and markup (its
    record holds what is stored of them), the largest part of the item."""
    if "record" not in item or "decoded" not in item:
        return item
    return {key: value for key, value in item.items() if key != "decoded"}


class WriterDied(RuntimeError):
    """The writer process ended without settling a write (and could not be restarted)."""


class _Job(NamedTuple):
    number: int
    function: Callable[..., Any]
    args: tuple
    grouped: bool


class Writer:
    """A process that owns the warehouse connection and runs jobs on it in the order given.

    The crawl's SQLite work, and the Python around it, runs beside the crawl process
    instead of in it: the crawl's reactor, which holds the GIL most of the time, no
    longer makes every statement wait for it. ``open_state`` (picklable) is called in the
    writer's process; a job is ``function(state, *args)`` (picklable, like its args).

    ``write`` jobs that come within GROUP_WAIT of the first (or are queued already) go
    together into one transaction (each store keeps its own savepoints: a write that fails
    leaves the others stored, as it would alone), one commit for several reports. A write's future is settled once
    its transaction is committed, so an item is handed on only when it is stored. ``call``
    runs alone, outside any transaction of the writer's (opening and closing a run).
    A writer that dies is started afresh and given again the jobs it had not settled
    (stores are idempotent); after MAX_RESTARTS they fail with ``WriterDied``.
    """

    def __init__(self, open_state: Callable[[], Any], log_level: int | str = logging.INFO
                 ) -> None:
        self._open_state = open_state
        self._log_level = log_level
        self._context = multiprocessing.get_context(CONTEXT)
        self._logs = LogRelay(self._context)
        self._lock = threading.Lock()
        self._futures: dict[int, Future] = {}
        self._unsettled: dict[int, _Job] = {}
        self._numbers = itertools.count()
        self._closing = False
        self.restarts = 0
        self._start()

    def write(self, function: Callable[..., Any], *args: Any) -> Future:
        """Run function(state, *args) in the next group transaction; its result as a future."""
        return self._put(function, args, grouped=True)

    def call(self, function: Callable[..., Any], *args: Any) -> Future:
        """Run function(state, *args) alone; its result as a future."""
        return self._put(function, args, grouped=False)

    @property
    def pid(self) -> int | None:
        """The writer process's id."""
        return self._process.pid

    def close(self) -> None:
        """Finish the queued jobs, close the warehouse, end the process."""
        with self._lock:
            self._closing = True
            self._jobs.put(_STOP)
        reader = None
        while reader is not self._reader:  # a writer restarted meanwhile has a reader anew
            reader = self._reader
            reader.join()
        self._logs.close()

    def _put(self, function: Callable[..., Any], args: tuple, grouped: bool) -> Future:
        future: Future = Future()
        with self._lock:
            if self.restarts > MAX_RESTARTS:
                future.set_exception(WriterDied("the warehouse writer has died too often"))
                return future
            job = _Job(next(self._numbers), function, args, grouped)
            self._futures[job.number] = future
            self._unsettled[job.number] = job
            self._jobs.put(job)
        return future

    def _start(self) -> None:
        self._jobs = self._context.Queue()
        results, child_results = self._context.Pipe(duplex=False)
        self._process = self._context.Process(
            target=_serve, name="nianbao-warehouse", daemon=True,
            args=(self._open_state, self._jobs, child_results, self._logs.queue,
                  self._log_level),
        )
        self._process.start()
        child_results.close()
        try:
            opened = results.recv() if _ready(results, self._process) else None
        except EOFError:  # it died before it could say
            opened = None
        if not opened or opened[2] is not None:
            self._process.join()
            raise opened[2] if opened else WriterDied(
                f"the warehouse writer did not start (exit code {self._process.exitcode})")
        self._reader = threading.Thread(target=self._read, args=(results, self._process),
                                        name="warehouse-results", daemon=True)
        self._reader.start()

    def _read(self, results, process) -> None:
        while _ready(results, process):
            try:
                number, value, err = results.recv()
            except EOFError:
                break
            with self._lock:
                self._unsettled.pop(number, None)
                future = self._futures.pop(number)
            if err is None:
                future.set_result(value)
            else:
                future.set_exception(err)
        process.join()
        with self._lock:
            if self._closing and not self._unsettled:
                return
            self._restart(process.exitcode)

    def _restart(self, exitcode: int | None) -> None:
        # Holding the lock: the jobs the dead writer had not settled go to a new one.
        self.restarts += 1
        lost = sorted(self._unsettled.values())
        self._jobs.cancel_join_thread()
        if self.restarts > MAX_RESTARTS:
            logger.error("The warehouse writer died (exit code %s) %d times: %d writes fail",
                         exitcode, self.restarts, len(lost))
            for job in lost:
                self._futures.pop(job.number).set_exception(
                    WriterDied(f"the warehouse writer died (exit code {exitcode})"))
            self._unsettled.clear()
            return
        logger.error("The warehouse writer died (exit code %s): starting another for the %d"
                     " writes it had not settled", exitcode, len(lost))
        try:
            self._start()
        except Exception:  # noqa: BLE001 (logged; the writes fail)
            logger.exception("The warehouse writer could not be started again")
            self.restarts = MAX_RESTARTS
            self._restart(exitcode)
            return
        for job in lost:
            self._jobs.put(job)
        if self._closing:
            self._jobs.put(_STOP)


def _ready(results, process) -> bool:
    # True when a message is waiting; False once the process has ended with none.
    ready = multiprocessing.connection.wait([results, process.sentinel])
    return results in ready


def _serve(open_state: Callable[[], Any], jobs, results, logs, level: int | str) -> None:
    """The writer process: open the state, then run jobs, writes grouped, until _STOP."""
    child_init(logs, level, "nianbao-writer")
    try:
        state = open_state()
    except BaseException as err:  # noqa: BLE001 (handed to the crawl process)
        results.send((None, None, _sendable(err)))
        return
    results.send((None, None, None))
    ahead = None  # a job taken from the queue but not yet run
    while True:
        job = ahead or jobs.get()
        ahead = None
        if job is _STOP:
            break
        if not job.grouped:
            _settle(results, [job], [_outcome(state, job)])
            continue
        group = [job]
        until = time.monotonic() + GROUP_WAIT
        while len(group) < MAX_GROUP:
            try:
                more = jobs.get(timeout=max(0.0, until - time.monotonic()))
            except queue.Empty:
                break
            if more is _STOP or not more.grouped:
                ahead = more
                break
            group.append(more)
        _settle(results, group, _write_group(state, group))
    state.close()
    results.close()


def _write_group(state: Any, group: list[_Job]) -> list[tuple[Any, BaseException | None]]:
    try:
        with state.db.atomic():
            return [_outcome(state, job) for job in group]
    except BaseException as err:  # noqa: BLE001 (the commit failed: nothing is stored)
        return [(None, err)] * len(group)


def _outcome(state: Any, job: _Job) -> tuple[Any, BaseException | None]:
    try:
        return job.function(state, *job.args), None
    except Exception as err:  # noqa: BLE001 (settled on the job's future)
        return None, err


def _settle(results, jobs: list[_Job], outcomes: list[tuple[Any, BaseException | None]]
            ) -> None:
    for job, (value, err) in zip(jobs, outcomes):
        results.send((job.number, value, None if err is None else _sendable(err)))


def _sendable(err: BaseException) -> BaseException:
    # An exception as the crawl process can receive it: itself if it pickles.
    try:
        pickle.loads(pickle.dumps(err))
    except Exception:  # noqa: BLE001
        return RuntimeError(f"{type(err).__name__}: {err}")
    return err
