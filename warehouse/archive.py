"""The raw archive: every fetched body, content-addressed by its SHA-256."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def sha256_of(body: bytes) -> str:
    """Hex SHA-256 of a body."""
    return hashlib.sha256(body).hexdigest()


def archive_path(root: Path, digest: str) -> Path:
    """Where a body with this digest lives: root/ab/cd/abcd…"""
    return root / digest[:2] / digest[2:4] / digest


def store_raw(root: Path, body: bytes) -> str:
    """Write a body once (atomically) and return its digest; a re-run writes nothing."""
    digest = sha256_of(body)
    path = archive_path(root, digest)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_bytes(body)
        os.replace(tmp, path)
    return digest


def read_raw(root: Path, digest: str) -> bytes:
    """The archived body with this digest."""
    return archive_path(root, digest).read_bytes()
