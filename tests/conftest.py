"""Shared fixtures: the mirror server, one real crawl of it, Datasette on its database.

Everything runs for real on 127.0.0.1: the mirror is an HTTP server, the crawl is a
`scrapy crawl` subprocess (with the system Chromium for the challenge and JS lists),
and Datasette is started as its own server process.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.mirror.server import start_server

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
MANIFEST = ROOT / "tests" / "mirror" / "manifest.json"
# On the mirror there is nobody to be polite to; the politeness settings themselves are
# tested on their own (tests/crawler/test_settings.py).
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "-s", "LOG_LEVEL=INFO"]


def load_manifest() -> list[dict]:
    """The mirror's manifest: every page it holds, with its kind and site."""
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, timeout: float = 30.0) -> None:
    """Block until a server answers at url (any HTTP status)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"no server at {url} after {timeout}s")


def run_crawl(mirror_url: str, db: Path, *extra: str) -> subprocess.CompletedProcess:
    """Run `scrapy crawl gansu_reports` against the mirror into db; output captured."""
    sites = ",".join(sorted({page["site"] for page in load_manifest()}))
    command = [
        sys.executable, "-m", "scrapy", "crawl", "gansu_reports", "-a", f"site={sites}",
        "-s", f"MIRROR={mirror_url}", "-s", f"WAREHOUSE_DB={db}", *FAST, *extra,
    ]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.fixture(scope="session")
def mirror():
    """The offline mirror, served on a free loopback port for the whole session."""
    server = start_server(port=0)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def crawled(mirror, tmp_path_factory):
    """One real crawl of the whole mirror: (database path, the crawl's output, mirror log)."""
    db = tmp_path_factory.mktemp("crawl") / "reports.db"
    first_request = len(mirror.log)
    result = run_crawl(mirror.base_url, db)
    log_path = ROOT / "test-artifacts" / "crawl.log"
    log_path.parent.mkdir(exist_ok=True)
    log_path.write_text(result.stdout + result.stderr, encoding="utf-8")
    assert result.returncode == 0, result.stderr[-3000:]
    return db, result.stderr, list(mirror.log[first_request:])


@pytest.fixture(scope="session")
def datasette_url(crawled):
    """Datasette serving the crawled database with the project's metadata."""
    db, _, _ = crawled
    port = free_port()
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    log = open(ROOT / "test-artifacts" / "datasette.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", str(db), "--metadata",
         str(ROOT / "warehouse" / "metadata.yaml"), "--host", "127.0.0.1",
         "--port", str(port)],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(url + "/-/versions.json", timeout=90)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def pytest_terminal_summary(terminalreporter) -> None:
    """Print the fault-test report when hostile-input tests ran (tests/hostile/report.py)."""
    from tests.hostile.report import RESULTS, report_lines

    if RESULTS:
        terminalreporter.section("fault-test report")
        for line in report_lines():
            terminalreporter.write_line(line)
