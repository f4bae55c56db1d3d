"""The crawl's warehouse writer: a process that owns the connection and commits in groups.

The crawl's SQLite work, and the Python around it, runs beside the crawl process instead
of in it: the crawl's reactor thread holds the GIL most of the time, and a writer thread
waited for it after every statement. The writer's state (pipelines/persist.py
``Warehouse``: connection, raw archive, the run's WARC) is opened in its process; jobs are
picklable functions of it, their results come back on a pipe, read by a thread here.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import multiprocessing.connection
import pickle
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, NamedTuple

from pipelines.children import CONTEXT, LogRelay, child_init

logger = logging.getLogger(__name__)

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


class WriterDied(RuntimeError):
    """The writer process ended without settling a write (and could not be restarted)."""


class _Job(NamedTuple):
    number: int
    function: Callable[..., Any]
    args: tuple
    grouped: bool


class Writer:
    """A process that owns the warehouse connection and runs jobs on it in the order given.

    ``open_state`` (picklable) is called in the writer's process and returns the state
    (with ``db`` and ``close()``, and optionally ``flush()``, run at the end of each
    transaction); a job is ``function(state, *args)``, picklable like its args.

    ``write`` jobs that come within GROUP_WAIT of the first (or are queued already) go
    together into one transaction (each store keeps its own savepoints: a write that fails
    leaves the others stored, as it would alone), one commit for several reports. A
    write's future is settled once its transaction is committed, so an item is handed on
    only when it is stored. ``call`` runs alone, outside any transaction of the writer's
    (opening and closing a run).
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
        self._unsettled: dict[int, bytes] = {}  # sent and not settled: the pickled jobs
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
            number = next(self._numbers)
            try:
                # Pickled here: a job that cannot be sent fails now, not silently in the
                # queue's feeder thread (which would leave its future unsettled for ever).
                job = pickle.dumps(_Job(number, function, args, grouped), protocol=5)
            except Exception as err:  # noqa: BLE001 (settled on the job's future)
                future.set_exception(err)
                return future
            self._futures[number] = future
            self._unsettled[number] = job
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
        lost = [self._unsettled[number] for number in sorted(self._unsettled)]
        self._jobs.cancel_join_thread()
        if self.restarts > MAX_RESTARTS:
            logger.error("The warehouse writer died (exit code %s) %d times: %d writes fail",
                         exitcode, self.restarts, len(lost))
            for number in sorted(self._unsettled):
                self._futures.pop(number).set_exception(
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
        job = ahead or _take(jobs)
        ahead = None
        if job is _STOP:
            break
        if not job.grouped:
            outcome = _outcome(state, job)
            _flush(state)
            _settle(results, [job], [outcome])
            continue
        group = [job]
        until = time.monotonic() + GROUP_WAIT
        while len(group) < MAX_GROUP:
            try:
                more = _take(jobs, timeout=max(0.0, until - time.monotonic()))
            except queue.Empty:
                break
            if more is _STOP or not more.grouped:
                ahead = more
                break
            group.append(more)
        _settle(results, group, _write_group(state, group))
    state.close()
    results.close()


def _take(jobs, timeout: float | None = None) -> _Job | None:
    # The next job (None: stop); raises queue.Empty after the timeout.
    sent = jobs.get(timeout=timeout)
    return None if sent is _STOP else pickle.loads(sent)


def _write_group(state: Any, group: list[_Job]) -> list[tuple[Any, BaseException | None]]:
    try:
        with state.db.atomic():
            outcomes = [_outcome(state, job) for job in group]
            _flush(state)
            return outcomes
    except BaseException as err:  # noqa: BLE001 (the commit failed: nothing is stored)
        return [(None, err)] * len(group)


def _flush(state: Any) -> None:
    # What the state's jobs left to write at the end of their transaction, if it says.
    flush = getattr(state, "flush", None)
    if flush is not None:
        flush()


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
