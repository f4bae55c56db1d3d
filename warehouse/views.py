"""SQL views for the questions users ask, and the cross-version comparability table.

Hand-written views live as .sql files in data/views/ (one view per file, named for the
file). ``request_outcomes`` is generated from the format schema's requests table, so
its columns follow the schema's row paths, and ``outcome_totals`` sums it per year and
city. ``field_comparability`` is a small table read from the schema's
cross_version_mapping. Views are dropped and re-created on every refresh, so they always
match the code that serves them; the heavy ones (MATERIALIZED) are built as tables then,
so they show the warehouse as of its last refresh.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlite_utils import Database

logger = logging.getLogger(__name__)

VIEWS_DIR = Path(__file__).parent / "data" / "views"
FORMAT_FILE = (
    Path(__file__).resolve().parents[1]
    / "pipelines"
    / "data"
    / "annual-report-format.json"
)
TABLE_VERSIONS = ("gov2019", "gov2021")
_ALTERNATIVES = re.compile(r"\{([^}]*)\}")
_EXCEPTION = re.compile(r"except (\S+?):\s*(.+)$")
_COMPARE_ON = re.compile(r"compare on (\S+)")


@dataclass(frozen=True)
class Comparability:
    """How one field of one format version compares across versions."""

    version: str
    field: str
    measure: str
    comparability: str
    note: str


@lru_cache(maxsize=1)
def load_format(path: Path = FORMAT_FILE) -> dict[str, Any]:
    """The annual-report format schema (the authority for field names)."""
    return json.loads(path.read_text(encoding="utf-8"))


# Built once per refresh as tables (with these indexes, each a tuple of columns) instead
# of views: as views, every query of a million-report warehouse redid the work.
# request_outcomes pivots ~10M cells (3 s, the SQL time limit); outcome_totals sums its
# million rows per year and city (0.5 s; its canned query and chart now read ~100 rows);
# identity_failures and spam_pages join each flag or finding to its report by URL
# (0.2-0.3 s). The identity_failures index covers identity_failures_by_agency.
MATERIALIZED = {
    "request_outcomes": (("report_url",), ("city",), ("report_year",)),
    "outcome_totals": (),
    "identity_failures": (
        ("agency", "city", "county", "report_url", "report_year", "identity"),
    ),
    "spam_pages": (),
}


def view_sql() -> dict[str, str]:
    """Every view's name and SELECT statement, each after the views it reads."""
    views = {
        "request_outcomes": request_outcomes_sql(),
        "outcome_totals": outcome_totals_sql(),
    }
    views.update(
        (p.stem, p.read_text(encoding="utf-8")) for p in sorted(VIEWS_DIR.glob("*.sql"))
    )
    return views


def create_views(db: Database) -> list[str]:
    """(Re)create every view and the comparability table; the names of the views."""
    rows = [c.__dict__ for c in field_comparability(db)]
    views = view_sql()
    kinds = dict(db.execute("SELECT name, type FROM sqlite_master").fetchall())
    with db.conn:
        for name in views:
            if kinds.get(name) in ("view", "table"):
                db.execute(f"DROP {kinds[name].upper()} [{name}]")
        db["field_comparability"].drop(ignore=True)
        db["field_comparability"].create(
            {
                "version": str,
                "field": str,
                "measure": str,
                "comparability": str,
                "note": str,
            },
            pk=("version", "field"),
        )
        db["field_comparability"].insert_all(rows)
        for name, select in views.items():
            if name in MATERIALIZED:
                db.execute(f"CREATE TABLE [{name}] AS {select}")
                for columns in MATERIALIZED[name]:
                    db[name].create_index(columns)
            else:
                db.execute(f"CREATE VIEW [{name}] AS {select}")
    logger.debug("created views %s", ", ".join(views))
    return list(views)


def outcome_columns() -> dict[str, str]:
    """request_outcomes column -> the requests row path it reads (gov2021 order)."""
    table = load_format()["versions"]["gov2021"]["tables"]["requests"]
    paths = [row["path"] for row in table["rows"]]
    for derived in table["derived_rows"]:
        group = derived["path"].rsplit(".", 1)[0]
        last = max(i for i, p in enumerate(paths) if p.startswith(group + "."))
        paths.insert(last + 1, derived["path"])
    return {_column_name(path): path for path in paths}


def request_outcomes_sql() -> str:
    """One row per report: requests received and their outcomes by reason (总计 column).

    A subtotal not printed (（三）不予公开 etc.) is the sum of its rows; the 2019
    format's single （六）其他处理 row is its printed subtotal.
    """
    select = []
    for column, path in outcome_columns().items():
        if path.endswith(".subtotal"):
            group = path.removesuffix(".subtotal")
            expression = (
                f"coalesce(max(CASE WHEN c.field = '{path}.total' THEN c.value END), "
                f"sum(CASE WHEN c.field GLOB '{group}.*.total' THEN c.value END))"
            )
        else:
            expression = f"max(CASE WHEN c.field = '{path}.total' THEN c.value END)"
        select.append(f"  {expression} AS [{column}]")
    return (
        "SELECT r.agency, r.province, r.city, r.county, r.report_year,\n"
        "  r.format_version,\n"
        + ",\n".join(select)
        + ",\n  r.url AS report_url\nFROM reports AS r\n"
        # Only the 总计 cells are pivoted (a seventh of the request cells); a report with
        # request cells but no 总计 one still has its row, of NULLs.
        "LEFT JOIN report_cells AS c ON c.report_url = r.url"
        " AND c.field GLOB 'requests.*.total'\n"
        "WHERE EXISTS (SELECT 1 FROM report_cells AS x WHERE x.report_url = r.url"
        " AND x.field GLOB 'requests.*')\n"
        "GROUP BY r.url"
    )


def outcome_totals_sql() -> str:
    """request_outcomes summed per report year and city, with the number of reports."""
    sums = ",\n".join(f"  sum([{c}]) AS [{c}]" for c in outcome_columns())
    return (
        "SELECT report_year, city, count(*) AS reports,\n"
        + sums
        + "\nFROM request_outcomes\nGROUP BY report_year, city"
    )


def field_comparability(db: Database) -> list[Comparability]:
    """How each stored field compares across format versions (the schema's mapping)."""
    rules = _mapping_rules(load_format()["cross_version_mapping"])
    stored = db.execute(
        "SELECT DISTINCT r.format_version, c.field FROM report_cells AS c "
        "JOIN reports AS r ON r.url = c.report_url WHERE r.format_version IS NOT NULL"
    ).fetchall()
    return [_compare(version, field, rules) for version, field in sorted(stored)]


def _column_name(path: str) -> str:
    name = path.removeprefix("requests.").removeprefix("outcome.")
    if name == "total":
        return "handled"
    return name.removesuffix(".subtotal").replace(".", "_")


def _mapping_rules(mapping: list[dict]) -> list[tuple[str, str, str, str, str]]:
    """(version, glob, measure or '', comparability, note) rules, specific first."""
    exceptions, pairs, identical = [], [], []
    for entry in mapping:
        if "field" in entry:
            note = entry["mapping"]
            if found := _EXCEPTION.search(note):
                compare_on = _COMPARE_ON.search(found[2])
                for version in TABLE_VERSIONS:
                    if compare_on:
                        exceptions.append(
                            (version, compare_on[1], "", "identical", found[2])
                        )
                    exceptions.append(
                        (version, found[1], "", "not_comparable", found[2])
                    )
            for glob in entry["field"].split(" and "):
                for version in TABLE_VERSIONS:
                    identical.append((version, glob.strip(), "", "identical", note))
            continue
        level = _level(entry["comparability"])
        old, new = _expand(entry["gov2019"]), _expand(entry.get("gov2021") or "")
        for i, glob in enumerate(old):
            counterpart = new[i] if i < len(new) and len(new) == len(old) else ""
            merged = counterpart if level in ("identical", "approximate") else ""
            pairs.append(("gov2019", glob, merged, level, entry["comparability"]))
        for glob in new:
            pairs.append(("gov2021", glob, "", level, entry["comparability"]))
    return exceptions + pairs + identical


def _compare(version: str, field: str, rules: list) -> Comparability:
    for rule_version, glob, measure, level, note in rules:
        if rule_version == version and _glob_match(glob, field):
            return Comparability(version, field, measure or field, level, note)
    if version in TABLE_VERSIONS:
        return Comparability(
            version, field, field, "unmapped", "not in cross_version_mapping"
        )
    return Comparability(
        version, field, field, "not_comparable", f"{version}: no standard tables"
    )


def _glob_match(glob: str, field: str) -> bool:
    # A rule names a field (active.regulations.issued), a row path whose cells it covers
    # (requests.outcome.other.subtotal) or a prefix (active.other_services.*).
    if glob.endswith(".*"):
        return field.startswith(glob[:-1])
    return field == glob or field.startswith(glob + ".")


def _expand(pattern: str) -> list[str]:
    """active.{a|b}.x -> [active.a.x, active.b.x]; {a,b} likewise."""
    if not pattern:
        return []
    patterns = []
    for part in pattern.split(", "):
        found = _ALTERNATIVES.search(part)
        if not found:
            patterns.append(part)
            continue
        for option in re.split(r"[|,]", found[1]):
            patterns.append(part[: found.start()] + option + part[found.end() :])
    return patterns


def _level(text: str) -> str:
    lowered = text.lower()
    for key, level in (
        ("not comparable", "not_comparable"),
        ("dropped", "dropped"),
        ("approximate", "approximate"),
    ):
        if lowered.startswith(key):
            return level
    return "identical"
