"""`make bench`: every figure of tests/benchmarks/README.md, written to results.json and results.md.

python -m tests.benchmarks.run [--work /tmp/nianbao-bench] [--only crawl,analysis,warehouse]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
from pathlib import Path

HERE = Path(__file__).resolve().parent


def table(results: dict) -> str:
    """The short Markdown table of the latest figures (README), earlier runs in brackets."""
    rows = ["| figure | measured | comparison / target |", "|---|---|---|"]
    rows += _crawl_rows(results.get("crawl"))
    rows += _analysis_rows(results.get("analysis"))
    rows += _warehouse_rows(results.get("warehouse"))
    return "\n".join(rows) + "\n"


def _crawl_rows(crawl: dict | None) -> list[str]:
    if not crawl:
        return []
    full, bare, ref = (
        crawl["full_pipeline"],
        crawl["no_pipeline"],
        crawl["scrapy_bench"],
    )
    before = crawl.get("full_pipeline_before_stage_fixes", {}).get("pages_per_s")
    was = f" (earlier: {before})" if before else ""
    mirror = crawl["mirror"]
    return [
        (
            f"| crawl, every stage on ({mirror['kinds'].get('report', 0)} reports, "
            f"{mirror['sites']} sites, {full['responses']} responses) | {full['pages_per_s']} "
            f"pages/s{was} | no pipelines {bare['pages_per_s']} pages/s: "
            f"{crawl['full_vs_none']:.0%} (target ≥ 80%){_rounds(crawl)}; `scrapy bench` "
            f"{ref['pages_per_s']} pages/s |"
        ),
        *_ready_rows(crawl),
        _memory_row(full, bare),
        *_cpu_rows(full, bare),
    ]


def _memory_row(full: dict, bare: dict) -> str:
    """RSS of the crawl with its analysis workers and writer (the samples' sum), and of the
    crawl process alone; by the last sample the workers have exited, so the growth shown
    is from half to three quarters of the run."""
    marks = ", ".join(f"{full.get(f'rss_{p}pct_mib')}" for p in (25, 50, 75))
    growth = None
    if full.get("rss_75pct_mib") is not None and full.get("rss_50pct_mib") is not None:
        growth = round(full["rss_75pct_mib"] - full["rss_50pct_mib"], 1)
    return (
        f"| crawl memory (RSS) | with its analysis workers and writer: peak "
        f"{full.get('peak_rss_with_workers_mib')} MiB, at 25/50/75 % of the run {marks} MiB "
        f"({growth} MiB from half to three quarters); the crawl process alone: peak "
        f"{full['peak_rss_mib']} MiB | no pipelines: peak {bare['peak_rss_mib']} MiB, "
        f"{bare.get('growth_second_half_mib')} MiB growth over the second half |"
    )


def _rounds(crawl: dict) -> str:
    """Each round's share, its two crawls run back to back (the figures are the fastest)."""
    rounds = crawl.get("rounds") or []
    if len(rounds) < 2:
        return ""
    shares = ", ".join(f"{r['full_pages_per_s']} against {r['none_pages_per_s']} "
                       f"({r['full_vs_none']:.0%})" for r in rounds)
    return f"; the fastest of {len(rounds)} alternated runs of each (rounds: {shares})"


def _ready_rows(crawl: dict) -> list[str]:
    """The rate until the crawl process exits, its warehouse refreshed, where measured."""
    full, bare = crawl["full_pipeline"], crawl["no_pipeline"]
    if "pages_per_s_ready" not in full:
        return []
    return [(
        f"| crawl, every stage on, until the warehouse is ready (start-up to exit: with the "
        f"end-of-crawl checks, views and search index) | {full['pages_per_s_ready']} pages/s "
        f"in {full['wall_s']} s | no pipelines {bare['pages_per_s_ready']} pages/s in "
        f"{bare['wall_s']} s: {crawl['full_vs_none_ready']:.0%} |"
    )]


def _cpu_rows(full: dict, bare: dict) -> list[str]:
    """CPU seconds by process of both crawls, where measured."""
    if "cpu_by_process_s" not in full:
        return []

    def spent(run: dict) -> str:
        parts = ", ".join(f"{name} {seconds}" for name, seconds in run["cpu_by_process_s"].items()
                          if seconds is not None)
        return f"{run['cpu_s']} CPU s in {run['wall_s']} s ({parts})"

    return [f"| crawl CPU, every stage on | {spent(full)} | no pipelines: {spent(bare)} |"]


def _analysis_rows(analysis: dict | None) -> list[str]:
    if not analysis:
        return []
    before = analysis.get("before_stage_fixes", {})
    rows = []
    for name in ("devset", "mirror"):
        if name in analysis:
            a = analysis[name]
            was = before.get(name, {}).get("full_pipeline_per_s")
            was = f" (earlier: {was})" if was else ""
            rows.append(
                f"| analysis, {name} ({a['pages']} pages), one core | "
                f"{a['full_pipeline_per_s']} reports/s{was} | lxml.html.fromstring "
                f"{a['lxml_fromstring_per_s']}/s; target ≥ 200/s{_analysis_rounds(a)} |"
            )
    return rows


def _analysis_rounds(figures: dict) -> str:
    """Each round's pair (chain, lxml) where the figures are medians of several."""
    rounds = figures.get("rounds") or []
    if len(rounds) < 2:
        return ""
    pairs = ", ".join(f"{full} against {lxml}" for full, lxml in rounds)
    return f"; medians of {len(rounds)} rounds over other sites' reports ({pairs})"


def _warehouse_rows(warehouse: dict | None) -> list[str]:
    if not warehouse:
        return []
    rows = [
        (
            f"| warehouse insert | store_page {warehouse['store_page_reports_per_s']} reports/s "
            f"(a crawl commits up to 32 at once, with cells) | bulk executemany "
            f"{warehouse['generate']['bulk_reports_per_s']} reports/s |"
        )
    ]
    crawl_store = warehouse.get("crawl_store")
    if crawl_store:
        rows.append(
            f"| warehouse insert, the crawl's store ({crawl_store['reports']} analysed mirror "
            f"reports, {crawl_store['cells_per_report']} cells each) | "
            f"{crawl_store['reports_per_s']} reports/s, {crawl_store['cpu_ms_per_report']} ms "
            f"CPU a report (crawl process and writer process) | store_page of the small test "
            f"reports above |"
        )
    before = warehouse.get("latency_before_indexes", {})
    for name, figure in warehouse["latency"].items():
        was = before.get(name, {}).get("median_ms")
        was = f" (last release, same session: {was} ms)" if was else ""
        limit = (
            " (stopped at the 3 s SQL time limit)" if figure["status"] == 400 else ""
        )
        rows.append(
            f"| Datasette, {warehouse['reports']:,} reports: {name} | median "
            f"{figure['median_ms']} ms{limit}, p95 {figure['p95_ms']} ms{was} | "
            f"target median < 200 ms |"
        )
    return rows


def main(argv: list[str] | None = None) -> None:
    """Run the benchmarks asked for, merge into results.json, print and write the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work", type=Path, default=Path("/tmp/nianbao-bench"))
    parser.add_argument("--only", default="crawl,analysis,warehouse")
    parser.add_argument("--reports", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    mirror = args.work / "mirror"
    out = HERE / "results.json"
    machine = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    for name in filter(None, args.only.split(",")):
        figures = {}
        if name == "crawl":
            from tests.benchmarks.bench_crawl import bench_crawl

            figures = bench_crawl(mirror)
        elif name == "analysis":
            from tests.benchmarks.bench_analysis import bench_analysis
            from tests.benchmarks.largemirror import generate

            if not (mirror / "registry.yaml").is_file():
                generate(mirror)
            figures = bench_analysis(mirror)
        elif name == "warehouse":
            from tests.benchmarks.bench_warehouse import bench_warehouse

            figures = bench_warehouse(args.work / "reports.db", args.reports)
        # Re-read before writing: each figure is kept until it is measured again.
        results = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else {}
        results.update({name: figures, "machine": machine})
        out.write_text(
            json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    results = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else {}
    profile = results.get("analysis", {}).get("profile_top", "")
    (HERE / "results.md").write_text(
        table(results) + ("\n```\n" + profile + "```\n" if profile else ""),
        encoding="utf-8",
    )
    print(table(results))


if __name__ == "__main__":
    main()
