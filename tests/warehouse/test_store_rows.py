"""The warehouse's own row writer: many rows a statement, in order, values as bound."""

from __future__ import annotations

import sqlite3

from warehouse.store import insert_rows, insert_values


def _table() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v REAL, n INTEGER, b BLOB, j TEXT)")
    return conn


def test_rows_chunked_to_the_parameter_limit_keep_their_order_and_types():
    conn = _table()
    conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 12)  # two rows of five a statement
    rows = [(f"k{i}", i / 3, i, bytes([i]), None) for i in range(7)]
    insert_values(conn, "t", ("k", "v", "n", "b", "j"), rows)
    stored = conn.execute("SELECT k, v, n, b, j FROM t ORDER BY rowid").fetchall()
    assert stored == rows


def test_replace_within_one_statement_keeps_the_last_and_odd_values_bind_as_before():
    conn = _table()
    insert_rows(conn, "t", [
        {"k": "a", "v": 1.0, "n": 1, "b": None, "j": ["x"]},
        {"k": "a", "v": float("nan"), "n": 2, "b": None, "j": {"y": 1}},
        {"k": "c", "v": 0.1, "n": 2**62, "b": b"", "j": "s"},
    ], "INSERT OR REPLACE")
    stored = dict((r[0], r[1:]) for r in conn.execute("SELECT k, v, n, b, j FROM t"))
    assert stored["a"] == (None, 2, None, '{"y": 1}')  # NaN is stored as NULL
    assert stored["c"] == (0.1, 2**62, b"", "s")
