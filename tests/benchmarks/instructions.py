"""Instructions the analysis takes a mirror report, counted by callgrind: a figure that does
not drift with the machine's speed, for comparing two versions of the code.

    PYTHONPATH=. .venv/bin/python -m tests.benchmarks.instructions [--reports 100]

Runs the chain of bench_analysis (boilerplate learned per site, OCR off) under valgrind's
callgrind twice, over N mirror reports after the warm-up and over none (the same warm-up
in both), and prints the difference divided by N. Python's string hashing is fixed (PYTHONHASHSEED=0) so that two runs
of the same code count the same. Needs valgrind (``apt-get install valgrind``) and the large
mirror (``run.py`` makes it); callgrind runs Python about 50 times slower: 4 minutes for 100.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

_COLLECTED = re.compile(r"Collected : (\d+)")


def analyse(mirror: Path, reports: int, measured: bool) -> None:
    """The benchmark's warm-up, then (if ``measured``) ``reports`` mirror reports through a
    fresh chain. Both runs warm up on the same pages, so their difference is the reports'."""
    from tests.benchmarks.bench_analysis import full_chain, warmed_up

    pages = warmed_up(mirror, reports)
    chain = full_chain()
    for page in pages if measured else ():
        chain(page)


def count(mirror: Path, reports: int, measured: bool) -> int:
    """Instructions of a whole run of ``analyse`` (start-up and warm-up included)."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
               sys.executable, "-m", "tests.benchmarks.instructions",
               "--child" if measured else "--child-warm-up-only",
               "--mirror", str(mirror), "--reports", str(reports)]  # fmt: skip
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    found = _COLLECTED.search(done.stderr)
    if found is None:
        raise RuntimeError(f"callgrind gave no count:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirror", type=Path, default=Path("/tmp/nianbao-bench/mirror"))
    parser.add_argument("--reports", type=int, default=100)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-warm-up-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child or args.child_warm_up_only:
        analyse(args.mirror, args.reports, measured=args.child)
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind not found: apt-get install valgrind")
    if not (args.mirror / "manifest.json").is_file():
        sys.exit(f"no large mirror at {args.mirror}: run python -m tests.benchmarks.run first")
    with_reports = count(args.mirror, args.reports, measured=True)
    without = count(args.mirror, args.reports, measured=False)
    per_report = (with_reports - without) / args.reports
    print(f"{per_report / 1e6:.2f} million instructions a mirror report "
          f"({args.reports} reports; {with_reports:,} with them, {without:,} without)")


if __name__ == "__main__":
    main()
