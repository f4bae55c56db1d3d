"""The fault-test report: what was injected, what survived, how many rows were lost.

Tests add an outcome per fault; tests/conftest.py prints the table at the end of the
run (pytest's terminal summary, so it shows with or without ``-s``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FaultOutcome:
    """One injected fault: did the crawl survive it, what was stored, rows lost."""

    fault: str
    injected: bool
    survived: bool
    stored: str
    rows_lost: int


RESULTS: list[FaultOutcome] = []


def record(outcome: FaultOutcome) -> None:
    """Add (or replace) the outcome of a fault."""
    RESULTS[:] = [r for r in RESULTS if r.fault != outcome.fault]
    RESULTS.append(outcome)


def report_lines(results: list[FaultOutcome] | None = None) -> list[str]:
    """The report as printable lines: one per fault, then the totals."""
    results = RESULTS if results is None else results
    width = max((len(r.fault) for r in results), default=5)
    lines = [f"{'fault':<{width}}  injected  survived  lost  stored outcome"]
    for r in results:
        lines.append(
            f"{r.fault:<{width}}  {'yes' if r.injected else 'NO':<8}  "
            f"{'yes' if r.survived else 'NO':<8}  {r.rows_lost:>4}  {r.stored}"
        )
    injected = sum(r.injected for r in results)
    survived = sum(r.survived for r in results)
    lost = sum(r.rows_lost for r in results)
    lines.append(
        f"faults injected: {injected}, survived: {survived}, rows lost: {lost}"
    )
    return lines
