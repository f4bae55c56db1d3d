"""The crawl's warehouse writer process (pipelines/writer.py): writes in order, grouped in
transactions, each settled once committed, and none lost when the process dies."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from functools import partial
from pathlib import Path

import pytest
from sqlite_utils import Database

from pipelines import writer as writer_module
from pipelines.writer import Writer


class _State:
    """A writer's state for these tests: a table of numbers, its commits counted."""

    def __init__(self, path: Path) -> None:
        self.db = Database(path)
        self.db.enable_wal()
        self.db.conn.execute("create table if not exists t (n integer)")
        self.commits = 0
        self.db.conn.set_trace_callback(self._traced)

    def _traced(self, sql: str) -> None:
        self.commits += sql == "COMMIT"

    def close(self) -> None:
        self.db.close()


def _insert(state: _State, n: int) -> int:
    with state.db.atomic():  # a savepoint inside the writer's transaction, as store_page's
        state.db.conn.execute("insert into t (n) values (?)", [n])
        if n == 3:
            raise ValueError("bad row")
    return n


def _wait_for(state: _State, path: str) -> int:
    """Hold the writer until the file exists; the writer's process id."""
    while not Path(path).exists():
        time.sleep(0.01)
    return os.getpid()


def _commits(state: _State) -> int:
    return state.commits


def _seen(path: Path) -> list[int]:
    with sqlite3.connect(path) as conn:
        return [n for (n,) in conn.execute("select n from t order by rowid")]


@pytest.fixture()
def writer(tmp_path):
    writer = Writer(partial(_State, tmp_path / "w.db"))
    yield writer
    writer.close()


def test_writes_queued_together_share_one_commit_and_keep_their_order(writer, tmp_path):
    gate = tmp_path / "gate"
    held = writer.call(_wait_for, str(gate))  # hold the writer while the writes queue up
    futures = [writer.write(_insert, n) for n in range(6)]
    time.sleep(0.5)  # all six reach the writer's queue before it is let go
    gate.touch()
    assert held.result() == writer.pid != os.getpid()
    assert [f.result() for f in futures if f.exception() is None] == [0, 1, 2, 4, 5]
    assert isinstance(futures[3].exception(), ValueError)  # only its own rows undone
    assert _seen(tmp_path / "w.db") == [0, 1, 2, 4, 5]  # committed once settled
    assert writer.call(_commits).result() == 1


def test_writes_coming_one_by_one_wait_for_each_other(writer, tmp_path):
    futures = []
    for n in range(4):  # as the crawl's items come: one at a time, a little apart
        futures.append(writer.write(_insert, n))
        time.sleep(0.02)
    assert [f.result() for f in futures if f.exception() is None] == [0, 1, 2]
    assert writer.call(_commits).result() == 1


def test_a_write_alone_is_committed_before_it_is_settled(writer, tmp_path):
    assert writer.write(_insert, 7).result() == 7
    assert _seen(tmp_path / "w.db") == [7]


def test_a_write_that_cannot_be_sent_fails_alone(writer, tmp_path):
    unsendable = writer.write(_insert, threading.Lock())  # no lock can be pickled
    with pytest.raises(TypeError):
        unsendable.result(timeout=10)
    assert writer.write(_insert, 8).result(timeout=10) == 8
    assert _seen(tmp_path / "w.db") == [8]


def test_a_closed_writer_closes_its_state_and_ends_cleanly(tmp_path):
    writer = Writer(partial(_State, tmp_path / "w.db"))
    process = writer._process
    writer.write(_insert, 1).result()
    writer.close()
    assert process.exitcode == 0
    assert not (tmp_path / "w.db-wal").exists()  # the last connection closed checkpoints


def test_a_writer_killed_loses_no_write(writer, tmp_path):
    gate = tmp_path / "gate"
    held = writer.call(_wait_for, str(gate))
    futures = [writer.write(_insert, n) for n in (10, 11, 12)]
    time.sleep(0.5)
    os.kill(writer.pid, signal.SIGKILL)  # killed for memory, say, with writes queued
    gate.touch()
    assert [f.result(timeout=60) for f in futures] == [10, 11, 12]
    assert held.result() == writer.pid  # the new writer ran the held call again
    assert writer.restarts == 1
    assert _seen(tmp_path / "w.db") == [10, 11, 12]


def test_a_writer_that_keeps_dying_fails_its_writes(tmp_path, monkeypatch):
    monkeypatch.setattr(writer_module, "MAX_RESTARTS", 0)
    writer = Writer(partial(_State, tmp_path / "w.db"))
    gate = tmp_path / "gate"
    writer.call(_wait_for, str(gate))
    future = writer.write(_insert, 1)
    time.sleep(0.5)
    os.kill(writer.pid, signal.SIGKILL)
    with pytest.raises(writer_module.WriterDied):
        future.result(timeout=60)
    with pytest.raises(writer_module.WriterDied):
        writer.write(_insert, 2).result(timeout=60)
    writer.close()


@pytest.mark.skipif(not Path("/proc/self/comm").exists(), reason="process names are Linux's")
def test_the_writer_process_is_named_for_ps_and_top(writer):
    assert Path(f"/proc/{writer.pid}/comm").read_text().strip() == "nianbao-writer"


def _unopenable(path: Path) -> None:
    raise sqlite3.OperationalError(f"unable to open database file {path}")


def test_a_writer_that_cannot_open_says_why(tmp_path):
    with pytest.raises(sqlite3.OperationalError, match="unable to open"):
        Writer(partial(_unopenable, tmp_path / "w.db"))
    with pytest.raises(writer_module.WriterDied, match="exit code 3"):
        Writer(partial(os._exit, 3))  # dies before it can say
