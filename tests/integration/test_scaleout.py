"""Two crawl workers sharing one scrapy-redis queue, merged, equal one single-process crawl."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.conftest import FAST, ROOT, free_port, load_manifest
from tests.integration.test_resume import CONTENT


def _redis_server() -> str:
    """The redis-server binary, installed with apt-get when missing; skip when impossible."""
    found = shutil.which("redis-server")
    if found:
        return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "redis-server"],
            capture_output=True,
            timeout=300,
            check=False,
        )
    found = shutil.which("redis-server")
    if not found:
        pytest.skip("redis-server is not installed and apt-get could not install it")
    return found


@pytest.fixture
def redis_url(tmp_path):
    """A private redis-server on a free loopback port, with nothing saved to disk."""
    pytest.importorskip("scrapy_redis", reason="scrapy-redis is not installed")
    port = free_port()
    process = subprocess.Popen(
        [
            _redis_server(),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.skip("redis-server did not start")
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def _content(db) -> dict[str, list[tuple]]:
    with sqlite3.connect(db) as conn:
        return {name: conn.execute(sql).fetchall() for name, sql in CONTENT.items()}


def _pages(db) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("select count(*) from pages").fetchone()[0]


def test_two_workers_on_one_queue_merge_to_the_single_crawl(
    mirror, crawled, redis_url, tmp_path
):
    reference, _, _ = crawled
    sites = ",".join(sorted({p["site"] for p in load_manifest()}))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    workers = []
    for n in (1, 2):
        folder = tmp_path / f"worker{n}"
        folder.mkdir()
        command = [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "gansu_reports",
            "-a",
            f"site={sites}",
            "-s",
            f"MIRROR={mirror.base_url}",
            "-s",
            f"WAREHOUSE_DB={folder / 'reports.db'}",
            "-s",
            f"REDIS_URL={redis_url}",
            "-s",
            "SCALEOUT_IDLE_CLOSE=3",
            *FAST,
        ]
        log = open(folder / "crawl.log", "w")  # noqa: SIM115 (closed below)
        workers.append(
            (
                folder,
                log,
                subprocess.Popen(
                    command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env
                ),
            )
        )
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    for n, (folder, log, process) in enumerate(workers, 1):
        code = process.wait(timeout=300)
        log.close()
        shutil.copy(folder / "crawl.log", artifacts / f"scaleout-worker{n}.log")
        assert code == 0, (folder / "crawl.log").read_text(encoding="utf-8")[-3000:]
    dbs = [folder / "reports.db" for folder, _, _ in workers]
    assert all(_pages(db) > 0 for db in dbs), "one worker did all the work"
    assert sum(_pages(db) for db in dbs) >= _pages(reference)

    merged = tmp_path / "merged.db"
    result = subprocess.run(
        [sys.executable, "-m", "warehouse", "merge", str(merged), *map(str, dbs)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    got, want = _content(merged), _content(reference)
    for name in CONTENT:
        assert got[name] == want[name], (
            name, "only merged:", sorted(set(got[name]) - set(want[name]))[:5],
            "only single:", sorted(set(want[name]) - set(got[name]))[:5])
