"""SQLite settings of Datasette's connections: memory-mapped reads.

A page read through the memory map is a memory access instead of a read() system call
and a copy into SQLite's own page cache (2 MB a connection by default), which every
facet or search of a million-report warehouse overflows: 10-25 % off its searches and
canned queries (tests/benchmarks/bench_warehouse.py, side by side).
SQLite caps the map at its compile-time limit (2 GB in most builds); the rest of a
larger file is read as before.
"""

from __future__ import annotations

from datasette import hookimpl

MMAP_BYTES = 1 << 40  # more than any warehouse: SQLite lowers it to its own limit


@hookimpl
def prepare_connection(conn):
    """Map the database file into memory for reading."""
    conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
