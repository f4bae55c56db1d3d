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
    """The short Markdown table of the latest figures (README)."""
    rows = ["| figure | measured | comparison / target |", "|---|---|---|"]
    crawl = results.get("crawl")
    if crawl:
        full, bare, ref = crawl["full_pipeline"], crawl["no_pipeline"], crawl["scrapy_bench"]
        rows += [
            f"| crawl, every stage on ({crawl['mirror']['kinds'].get('report', 0)} reports, {crawl['mirror']['sites']} sites) | {full['pages_per_s']} pages/s | no pipelines {bare['pages_per_s']} pages/s ({crawl['full_vs_none']:.0%}; target ≥ 80%); `scrapy bench` {ref['pages_per_s']} pages/s |",
            f"| crawl peak RSS | {full['peak_rss_mib']} MiB (no pipelines {bare['peak_rss_mib']} MiB) | growth over the second half: {full.get('growth_second_half_mib')} MiB |",
        ]
    analysis = results.get("analysis")
    if analysis:
        for name in ("devset", "mirror"):
            if name in analysis:
                a = analysis[name]
                rows.append(f"| analysis, {name} ({a['pages']} pages), one core | {a['full_pipeline_per_s']} reports/s | lxml.html.fromstring {a['lxml_fromstring_per_s']}/s; target ≥ 200/s |")
    warehouse = results.get("warehouse")
    if warehouse:
        rows.append(f"| warehouse insert (store_page, one transaction per report) | {warehouse['store_page_reports_per_s']} reports/s | bulk executemany {warehouse['generate']['bulk_reports_per_s']} reports/s |")
        for name, figure in warehouse["latency"].items():
            timed_out = f"; facets timed out: {', '.join(figure['facets_timed_out'])}" if figure.get("facets_timed_out") else ""
            rows.append(f"| Datasette, {warehouse['reports']:,} reports: {name} | median {figure['median_ms']} ms, p95 {figure['p95_ms']} ms | target median < 200 ms{timed_out} |")
    return "\n".join(rows) + "\n"


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
    machine = {"cpus": os.cpu_count(), "python": platform.python_version(),
               "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    for name in args.only.split(","):
        figures = {}
        if name == "crawl":
            from tests.benchmarks.bench_crawl import bench_crawl
            figures = bench_crawl(mirror)
        elif name == "analysis":
            from tests.benchmarks.bench_analysis import bench_analysis
            from tests.benchmarks.largemirror import generate
            if not (mirror / "registry.yaml").is_file():
                generate(mirror)
            figures = bench_analysis(mirror, limit=300)
        elif name == "warehouse":
            from tests.benchmarks.bench_warehouse import bench_warehouse
            figures = bench_warehouse(args.work / "reports.db", args.reports)
        # Re-read before writing: each figure is kept until it is measured again.
        results = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else {}
        results.update({name: figures, "machine": machine})
        out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    results = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else {}
    profile = results.get("analysis", {}).get("profile_top", "")
    (HERE / "results.md").write_text(table(results) + ("\n```\n" + profile + "```\n" if profile else ""),
                                     encoding="utf-8")
    print(table(results))


if __name__ == "__main__":
    main()
