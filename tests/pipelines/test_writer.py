"""The crawl's warehouse writer: writes in order, grouped in transactions, each settled once committed."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlite_utils import Database

from pipelines.persist import Writer


def _insert(db: Database, n: int) -> int:
    with db.atomic():  # a savepoint inside the writer's transaction, as store_page's
        db.conn.execute("insert into t (n) values (?)", [n])
        if n == 3:
            raise ValueError("bad row")
    return n


def _seen(path) -> list[int]:
    with sqlite3.connect(path) as conn:
        return [n for (n,) in conn.execute("select n from t order by rowid")]


@pytest.fixture()
def writer(tmp_path):
    def open_db():
        db = Database(tmp_path / "w.db")
        db.enable_wal()
        db.conn.execute("create table t (n integer)")
        return db

    writer = Writer(open_db)
    yield writer
    writer.close()


def test_writes_queued_together_share_one_commit_and_keep_their_order(writer, tmp_path):
    commits = []
    writer.call(writer.db.conn.set_trace_callback,
                lambda sql: commits.append(sql) if sql == "COMMIT" else None).result()
    gate = threading.Event()
    writer.call(gate.wait)  # hold the writer while the writes queue up
    futures = [writer.write(_insert, writer.db, n) for n in range(6)]
    gate.set()
    assert [f.result() for f in futures if f.exception() is None] == [0, 1, 2, 4, 5]
    assert isinstance(futures[3].exception(), ValueError)  # only its own rows undone
    assert _seen(tmp_path / "w.db") == [0, 1, 2, 4, 5]  # committed once settled
    assert len(commits) == 1


def test_a_write_alone_is_committed_before_it_is_settled(writer, tmp_path):
    assert writer.write(_insert, writer.db, 7).result() == 7
    assert _seen(tmp_path / "w.db") == [7]
