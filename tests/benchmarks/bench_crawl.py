"""Crawl speed and memory: the large mirror crawled with every stage, with none, and `scrapy bench`.

python -m tests.benchmarks.bench_crawl /tmp/bench-mirror
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tests.benchmarks.largemirror import generate
from tests.conftest import FAST, free_port, wait_for_http

ROOT = Path(__file__).resolve().parents[2]
RSS_EVERY = 0.5  # seconds between RSS samples of the crawl process (with its workers)
# Each crawl is run this many times, the two kinds alternating: a shared machine's speed
# drifts by more than a change measures (scrapy bench 45-72 pages/s within a day here).
ROUNDS = 2
_STAT = re.compile(r"'([a-z_/]+)': ([0-9.]+)")


def rss_bytes(pid: int) -> int:
    """Resident set size of a process (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return 0
    return 0


def descendants(pid: int) -> list[int]:
    """The processes started by a process, and theirs."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), ()):
            found.append(child)
            todo.append(child)
    return found


def _group(pid: int) -> str:
    try:
        name = Path(f"/proc/{pid}/comm").read_text().strip()
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "other"
    # The warehouse writer and the analysis workers (pipelines/children.py names them; with
    # multiprocessing's resource tracker) against the rest (Playwright's driver, say).
    if name == "nianbao-writer":
        return "writer"
    return "workers" if b"multiprocessing" in command else "other"


def rss_by_group(pid: int, children: list[int]) -> dict[str, int]:
    """RSS (bytes) of the crawl process, its analysis workers, its writer, its other children."""
    rss = {"crawl": rss_bytes(pid), "workers": 0, "writer": 0, "other": 0}
    for child in children:
        rss[_group(child)] += rss_bytes(child)
    return rss


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds a process has used itself (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _sample(process: subprocess.Popen, samples: list[tuple[float, dict[str, int]]],
            cpu: dict[int, tuple[str, float]]) -> None:
    start = time.monotonic()
    while process.poll() is None:
        children = descendants(process.pid)  # one walk of /proc a sample, for both
        rss = rss_by_group(process.pid, children)
        if rss["crawl"]:
            samples.append((time.monotonic() - start, rss))
        for pid in (process.pid, *children):
            used = cpu_seconds(pid)
            if used:
                cpu[pid] = ("crawl" if pid == process.pid else _group(pid), used)
        time.sleep(RSS_EVERY)


def cpu_by_group(cpu: dict[int, tuple[str, float]]) -> dict[str, float]:
    """CPU seconds of the crawl process itself and of its children by group (last samples)."""
    totals: dict[str, float] = {}
    for group, used in cpu.values():
        totals[group] = round(totals.get(group, 0.0) + used, 1)
    return totals


def peaks(samples: list[tuple[float, dict[str, int]]]) -> dict[str, float]:
    """Peak RSS (MiB): the crawl process, with its analysis workers and writer, with every child."""
    def peak(total) -> float:
        return round(max((total(r) for _, r in samples), default=0) / 2**20, 1)

    return {
        "peak_rss_mib": peak(lambda r: r["crawl"]),
        "peak_rss_with_workers_mib": peak(lambda r: r["crawl"] + r["workers"] + r["writer"]),
        "peak_rss_all_children_mib": peak(lambda r: sum(r.values())),
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def crawl_stats(output: str) -> dict[str, float]:
    """The numeric stats Scrapy dumps at the end of a crawl."""
    return {k: float(v) for k, v in _STAT.findall(output)}


def flatness(samples: list[tuple[float, int]]) -> dict[str, float]:
    """RSS at 25/50/75/100% of the run (MiB) and the growth over its second half.

    The crawl's samples count the crawl process with its analysis workers and writer.
    """
    if not samples:
        return {}
    end = samples[-1][0]

    def at(share: float) -> float:
        return next(rss for t, rss in samples if t >= share * end) / 2**20

    marks = {
        f"rss_{int(s * 100)}pct_mib": round(at(s), 1) for s in (0.25, 0.5, 0.75, 1.0)
    }
    marks["growth_second_half_mib"] = round(
        marks["rss_100pct_mib"] - marks["rss_50pct_mib"], 1
    )
    return marks


def run_crawl(mirror_url: str, registry: Path, db: Path, *extra: str,
              server_pid: int | None = None) -> dict:
    """One crawl of the large mirror; its rate, stats, memory and CPU by process."""
    command = [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        "gansu_reports",
        "-a",
        "years=2021-2024",
        "-s",
        f"MIRROR={mirror_url}",
        "-s",
        f"NIANBAO_REGISTRY={registry}",
        "-s",
        f"WAREHOUSE_DB={db}",
        *FAST,
        "-s",
        "CONCURRENT_REQUESTS=32",
        *extra,
    ]
    log = db.parent / f"{db.stem}.log"
    samples: list[tuple[float, dict[str, int]]] = []
    processes: dict[int, tuple[str, float]] = {}
    server_cpu = cpu_seconds(server_pid) if server_pid else 0.0
    used = _children_cpu()
    started = time.monotonic()
    with open(log, "w") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        sampler = threading.Thread(target=_sample, args=(process, samples, processes))
        sampler.start()
        process.wait()
        sampler.join()
    wall = time.monotonic() - started
    cpu = _children_cpu() - used  # the crawl process and its workers (reaped with it)
    stats = crawl_stats(log.read_text(encoding="utf-8", errors="replace"))
    responses = stats.get("downloader/response_count", 0)
    elapsed = stats.get("elapsed_time_seconds") or wall
    return {
        "exit_code": process.returncode,
        "responses": int(responses),
        "items": int(stats.get("item_scraped_count", 0)),
        "elapsed_s": round(elapsed, 1),
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        # Sampled every RSS_EVERY s: the crawl process's last half second is not in it.
        "cpu_by_process_s": {
            **cpu_by_group(processes),
            "mirror_server": round(cpu_seconds(server_pid) - server_cpu, 1) if server_pid else None,
        },
        "pages_per_s": round(responses / elapsed, 1) if elapsed else 0,
        # Scrapy's elapsed time ends at "Closing spider": the end-of-crawl steps (cross-year
        # checks, views, search index, coverage) come after it. Until the process exits
        # (the warehouse ready to serve, start-up included):
        "pages_per_s_ready": round(responses / wall, 1) if wall else 0,
        **peaks(samples),
        **flatness([(t, r["crawl"] + r["workers"] + r["writer"]) for t, r in samples]),
        "log": str(log),
    }


def scrapy_bench(seconds: int = 20) -> dict:
    """`scrapy bench` (Scrapy's own local server and link-following spider), run outside the project."""
    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "scrapy",
                "bench",
                "-s",
                f"CLOSESPIDER_TIMEOUT={seconds}",
                "-s",
                "LOG_LEVEL=INFO",
            ],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=seconds + 120,
            check=False,
        )
    stats = crawl_stats(result.stderr)
    elapsed = stats.get("elapsed_time_seconds", 0)
    responses = stats.get("downloader/response_count", 0)
    return {
        "exit_code": result.returncode,
        "responses": int(responses),
        "elapsed_s": round(elapsed, 1),
        "pages_per_s": round(responses / elapsed, 1) if elapsed else 0,
    }


def bench_crawl(mirror_dir: Path, sites: int = 52, per_site: int = 100) -> dict:
    """Generate the mirror if needed, serve it, crawl it both ways, run `scrapy bench`."""
    if not (mirror_dir / "registry.yaml").is_file():
        generate(mirror_dir, sites, per_site)
    summary = json.loads((mirror_dir / "summary.json").read_text(encoding="utf-8"))
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.mirror.server",
            "--port",
            str(port),
            "--root",
            str(mirror_dir / "sites"),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(url + "/__mirror__/log")
        with tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            rounds = []
            for n in range(ROUNDS):
                full = run_crawl(url, mirror_dir / "registry.yaml", work / f"full{n}.db",
                                 server_pid=server.pid)
                bare = run_crawl(url, mirror_dir / "registry.yaml", work / f"bare{n}.db",
                                 "-s", "ITEM_PIPELINES={}", server_pid=server.pid)
                for run in (full, bare):
                    run["log_tail"] = (
                        Path(run.pop("log")).read_text(errors="replace")[-1500:]
                        if run["exit_code"]
                        else ""
                    )
                rounds.append((full, bare))
    finally:
        server.terminate()
        server.wait(timeout=10)
    reference = scrapy_bench()
    # The faster run of each kind: what the machine allowed at its best in this session.
    full = max((f for f, _ in rounds), key=lambda run: run["pages_per_s_ready"])
    bare = max((b for _, b in rounds), key=lambda run: run["pages_per_s_ready"])
    return {
        "mirror": summary,
        "full_pipeline": full,
        "no_pipeline": bare,
        "scrapy_bench": reference,
        "full_vs_none": _share(full, bare, "pages_per_s"),
        "full_vs_none_ready": _share(full, bare, "pages_per_s_ready"),
        # Each round's pair, run back to back.
        "rounds": [{"full_pages_per_s": f["pages_per_s"], "none_pages_per_s": b["pages_per_s"],
                    "full_vs_none": _share(f, b, "pages_per_s"),
                    "full_vs_none_ready": _share(f, b, "pages_per_s_ready")}
                   for f, b in rounds],
        "target_full_vs_none": 0.8,
    }


def _share(full: dict, bare: dict, key: str) -> float:
    return round(full[key] / bare[key], 3) if bare[key] else 0


if __name__ == "__main__":
    target = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path(tempfile.gettempdir()) / "nianbao-bench-mirror"
    )
    print(json.dumps(bench_crawl(target), ensure_ascii=False, indent=1))
