"""The crawl's child processes (analysis workers, the warehouse writer): their logs, their end.

A child logs through the crawl process's handlers (Scrapy's format, its log file): its
records go over a queue to a listener there. A crawl killed outright (SIGKILL) cannot stop
its children, and they would wait for work for ever: each ends when the crawl does.
"""

from __future__ import annotations

import logging
import logging.handlers
import multiprocessing
import multiprocessing.connection
import os
import threading
from pathlib import Path

CONTEXT = "spawn"  # not fork: the crawl process runs threads (Twisted's pool, Playwright's)


class LogRelay:
    """The queue children log to, and the listener that hands their records on here."""

    def __init__(self, context) -> None:
        self.queue = context.Queue()
        self._listener = logging.handlers.QueueListener(self.queue, _Relay())
        self._listener.start()

    def close(self) -> None:
        self._listener.stop()
        self.queue.close()


def child_init(logs, level: int | str, name: str) -> None:
    """In a child: its name (as ps and top show it), logs through the crawl's relay queue,
    and its end when the crawl ends."""
    try:
        Path("/proc/self/comm").write_text(name[:15])  # Linux; elsewhere the name stays
    except OSError:
        pass
    root = logging.getLogger()
    root.handlers[:] = [logging.handlers.QueueHandler(logs)]
    root.setLevel(level)
    threading.Thread(target=_exit_with_parent, name="parent-watch", daemon=True).start()


def _exit_with_parent() -> None:
    multiprocessing.connection.wait([multiprocessing.parent_process().sentinel])
    os._exit(1)


class _Relay(logging.Handler):
    """Hand a child's log record to this process's logger of the same name."""

    def handle(self, record: logging.LogRecord) -> bool:
        logger_ = logging.getLogger(record.name)
        if logger_.isEnabledFor(record.levelno):
            logger_.handle(record)
        return True
