"""Stage 5: the 勾稽关系 identities (reference §7) and plausibility checks as flags.

Every failed identity becomes a Flag naming the identity, the cells involved and the
expected versus found values. Blank cells are 'not reported': an identity is checked
when its total is printed, reading blank parts as 0 (the reference's "impute 0 only if
the identities then hold"); when nothing of it is printed it is skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from pipelines.flags import Flag
from pipelines.formats import get_format, load_schema
from pipelines.gazetteer import divisions

if TYPE_CHECKING:
    from pipelines.report import Report

logger = logging.getLogger(__name__)

# A foreign place must be named this often before a report is called a copy: one
# mention is usually a comparison or a visit, three 安庆 in a 阜新 report is not.
FOREIGN_MIN_MENTIONS = 2


class Balance(NamedTuple):
    """One instance of an identity: the lhs cells sum to the rhs cells."""

    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    scope: str
    cells: frozenset[str]  # lhs and rhs together


def _term(lhs: tuple[str, ...], rhs: tuple[str, ...], scope: str) -> Balance:
    return Balance(lhs, rhs, scope, frozenset(lhs + rhs))


def validate_report(report: Report, previous: Report | None = None) -> tuple[Flag, ...]:
    """Quality flags of a report: identities, signs, copied places, cross-year chains.

    ``previous`` is the same agency's report of the year before, when stored.
    """
    flags: list[Flag] = []
    fields = report.fields
    version = report.format_version
    if version is None and report.cells:
        version = "gov2021"  # undated tables: the identities are the same in both versions
    if version in ("gov2019", "gov2021"):
        spec = get_format(version)
        for identity in spec.identities:
            flags.extend(_check_identity(identity, fields))
        flags.extend(_negative_counts(report, version))
    flags.extend(_foreign_places(report))
    if previous is not None:
        if not (report.report_year and previous.report_year
                and previous.report_year != report.report_year - 1):
            flags.extend(cross_year_flags(report.fields, previous.fields))
    return tuple(flags)


@lru_cache(maxsize=1)
def _request_columns() -> tuple[str, ...]:
    spec = load_schema()["versions"]["gov2021"]["tables"]["requests"]
    return tuple(c["id"] for c in spec["columns"])


def _balance(code: str, term: Balance, fields: dict[str, Any]) -> Flag | None:
    if not term.cells <= fields.keys():
        return None  # not read (truncated page, partial table): nothing to check
    left_values = [fields[n] for n in term.lhs]
    right_values = [fields[n] for n in term.rhs]
    if left_values.count(None) == len(left_values):
        return None  # nothing of it printed
    if right_values.count(None) == len(right_values):
        return None
    expected = sum(filter(None, left_values))  # blanks read as 0
    found = sum(filter(None, right_values))
    if abs(expected - found) < 1e-6:
        return None
    lhs, rhs = list(term.lhs), list(term.rhs)
    return Flag(
        code,
        f"{code} fails for {term.scope}: {expected} != {found}",
        {
            "identity": code,
            "scope": term.scope,
            "cells": {n: fields[n] for n in lhs + rhs},
            "lhs": lhs,
            "rhs": rhs,
            "expected": expected,
            "found": found,
        },
    )


def _check_identity(identity: dict[str, Any], fields: dict[str, Any]) -> list[Flag]:
    code = identity["id"]
    if code in ("REQ_COLUMN_BALANCE", "REQ_OUTCOME_TOTAL"):
        terms = _column_terms(tuple(identity["lhs"]), tuple(identity["rhs"]))
    elif code == "REQ_ROW_TOTAL":
        rhs = tuple(identity["rhs"])
        terms = tuple(_row_term(row, rhs) for row in _request_rows(frozenset(fields)))
    elif code == "RL_BLOCK_TOTAL":
        terms = _block_terms(tuple(identity["rhs"]))
    else:
        return []
    flags = (_balance(code, term, fields) for term in terms)
    return [f for f in flags if f is not None]


# The cell names of each identity instance, built once: the schema does not change.


@lru_cache(maxsize=16)
def _column_terms(lhs_rows: tuple[str, ...], rhs_rows: tuple[str, ...]) -> tuple[Balance, ...]:
    """Per request column c: the lhs rows' c cells against the rhs rows' c cells."""
    return tuple(
        _term(tuple(f"{r}.{c}" for r in lhs_rows), tuple(f"{r}.{c}" for r in rhs_rows),
              f"column {c}")
        for c in _request_columns()
    )  # fmt: skip


@lru_cache(maxsize=256)
def _row_term(row: str, columns: tuple[str, ...]) -> Balance:
    """A request row's total against its columns."""
    return _term((f"{row}.total",), tuple(f"{row}.{c}" for c in columns), row)


@lru_cache(maxsize=64)
def _request_rows(names: frozenset[str]) -> tuple[str, ...]:
    """The request rows among some field names, sorted (most reports name the same set)."""
    return tuple(sorted({n.rsplit(".", 1)[0] for n in names if n.startswith("requests.")}))


@lru_cache(maxsize=16)
def _block_terms(columns: tuple[str, ...]) -> tuple[Balance, ...]:
    """Per review/litigation block: its total against its columns."""
    rl = load_schema()["versions"]["gov2021"]["tables"]["review_litigation"]
    terms = []
    for block in (b["id"] for b in rl["blocks"]):
        base = f"review_litigation.{block}"
        terms.append(_term((f"{base}.total",), tuple(f"{base}.{c}" for c in columns), block))
    return tuple(terms)


@lru_cache(maxsize=4)
def _count_fields(version: str) -> frozenset[str]:
    """The fields of a format version typed as counts."""
    spec = get_format(version)
    return frozenset(n for n in spec.names() if spec.spec(n).type == "count")


def _negative_counts(report: Report, version: str) -> list[Flag]:
    counts = _count_fields(version)
    bad = {}
    for cell in report.cells:
        if cell.value is None or cell.field not in counts:
            continue
        if cell.value < 0 or not float(cell.value).is_integer():
            bad[cell.field] = cell.value
    if not bad:
        return []
    return [
        Flag("NONNEGATIVE_INTEGER_COUNTS", f"{len(bad)} count cells are negative or fractional",
             {"identity": "NONNEGATIVE_INTEGER_COUNTS", "cells": bad})
    ]  # fmt: skip


def _foreign_places(report: Report) -> list[Flag]:
    """Places of another jurisdiction named often: the text was copied from elsewhere."""
    own = report.region.code
    if not own:
        return []
    table = divisions()
    own_chain = {own, *table[own].parent_codes} if own in table else {own}
    foreign = []
    for place in report.places:
        div = table.get(place.code)
        if div is None or place.count < FOREIGN_MIN_MENTIONS:
            continue
        related = place.code in own_chain or own in {*div.parent_codes} or any(
            p in own_chain for p in div.parent_codes if div.level > table[own].level
        )
        if not related:
            foreign.append({"name": place.name, "surface": place.surface, "count": place.count})
    if not foreign:
        return []
    return [
        Flag("foreign_place_names",
             f"names places outside {report.region.county or report.region.city or report.region.province}"
             f": {', '.join(p['surface'] for p in foreign)}",
             {"region": own, "places": foreign})
    ]  # fmt: skip


# The fields cross_year_flags reads begin with these (the warehouse reads only those).
CROSS_YEAR_PREFIXES = ("requests.carried_over.", "requests.carry_forward.", "active.")


def cross_year_flags(now: Mapping[str, Any], before: Mapping[str, Any]) -> list[Flag]:
    """Soft checks between a report's fields and the same agency's year before."""
    flags = []
    for c in _request_columns():
        this, last = now.get(f"requests.carried_over.{c}"), before.get(f"requests.carry_forward.{c}")
        if this is not None and last is not None and this != last:
            flags.append(
                Flag("REQ_CARRY_CHAIN",
                     f"上年结转 {this} != last year's 结转下年度 {last} (column {c})",
                     {"identity": "REQ_CARRY_CHAIN", "column": c, "expected": last,
                      "found": this, "soft": True})
            )  # fmt: skip
    for x in ("regulations", "normative_docs"):
        base = f"active.{x}"
        parts = [now.get(f"{base}.in_force"), before.get(f"{base}.in_force"),
                 now.get(f"{base}.issued"), now.get(f"{base}.repealed")]  # fmt: skip
        if any(p is None for p in parts):
            continue
        expected = parts[1] + parts[2] - parts[3]
        if parts[0] != expected:
            flags.append(
                Flag("ACTIVE_IN_FORCE_CHAIN",
                     f"{base}.in_force {parts[0]} != {parts[1]} + {parts[2]} - {parts[3]}",
                     {"identity": "ACTIVE_IN_FORCE_CHAIN", "expected": expected,
                      "found": parts[0], "soft": True})
            )  # fmt: skip
    return flags
