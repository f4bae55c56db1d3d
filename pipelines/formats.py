"""The report format schema (pipelines/data/annual-report-format.json) and label lexicons.

Field names, types and identities come from the schema file; the label regexes used to
recognise rows and columns in the wild come from report_labels.json, and the version
markers from report_versions.json.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from pipelines.nfkc import nfkc

DATA_DIR = Path(__file__).resolve().parent / "data"
SCHEMA_FILE = DATA_DIR / "annual-report-format.json"
LABELS_FILE = DATA_DIR / "report_labels.json"
VERSIONS_FILE = DATA_DIR / "report_versions.json"

TABLE_VERSIONS = ("gov2019", "gov2021")
# Strings up to this length (table cells, labels) have their normal form cached: the
# same labels and numbers recur in every report. Whole texts are not kept.
_CACHED_LABEL = 200


@dataclass(frozen=True)
class FieldSpec:
    """One table cell of the standard format."""

    name: str
    table: str
    row_label: str
    col_label: str
    type: str


@dataclass(frozen=True)
class Format:
    """The fields and identities of one format version."""

    version: str
    fields: tuple[FieldSpec, ...]
    identities: tuple[dict[str, Any], ...]

    def names(self, table: str | None = None) -> tuple[str, ...]:
        """Field names in schema order, optionally of one table only."""
        if table is None:
            return self._all_names
        return tuple(f.name for f in self.fields if f.table == table)

    @cached_property
    def _all_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def spec(self, name: str) -> FieldSpec | None:
        """The spec of one field, or None when the version has no such field."""
        return self._by_name.get(name)

    @cached_property
    def _by_name(self) -> dict[str, FieldSpec]:
        """Field specs by name (the first of a name, as a scan in schema order finds)."""
        by_name: dict[str, FieldSpec] = {}
        for f in self.fields:
            by_name.setdefault(f.name, f)
        return by_name


def normalize_label(text: str) -> str:
    """Fold width (NFKC) and drop all whitespace, so split labels match the template."""
    if len(text) <= _CACHED_LABEL:
        return _normalize_short(text)
    return _normalize(text)


def _normalize(text: str) -> str:
    # str.split() cuts at the same characters as the regex \s (str.isspace), in C and
    # several times faster than re.sub on a whole page.
    return "".join(nfkc(text).split())


@lru_cache(maxsize=8192)
def _normalize_short(text: str) -> str:
    return _normalize(text)


@lru_cache(maxsize=1)
def load_schema() -> dict[str, Any]:
    """The format schema as shipped with the package."""
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def load_labels() -> dict[str, Any]:
    """The label lexicon (report_labels.json)."""
    return json.loads(LABELS_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def load_versions() -> dict[str, Any]:
    """The version markers (report_versions.json)."""
    return json.loads(VERSIONS_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=4)
def get_format(version: str) -> Format:
    """The table fields of a format version; pre2019 has none."""
    versions = load_schema()["versions"]
    if version not in versions:
        raise ValueError(f"unknown format version {version!r}")
    spec = versions[version]
    tables = spec.get("tables", {})
    fields: list[FieldSpec] = []
    if "active" in tables:
        for cell in tables["active"]["cells"]:
            fields.append(
                FieldSpec(cell["key"], "active", cell["row_label"],
                          cell["column_label"], cell["type"])
            )  # fmt: skip
    if "requests" in tables:
        req = tables["requests"]
        for row in req["rows"]:
            for col in req["columns"]:
                fields.append(
                    FieldSpec(f"{row['path']}.{col['id']}", "requests", row["label"],
                              col["label"], req.get("cell_type", "count"))
                )  # fmt: skip
    if "review_litigation" in tables:
        rl = tables["review_litigation"]
        labels = {c["id"]: c["label"] for c in rl["columns"]}
        blocks = {b["id"]: b["label"] for b in rl["blocks"]}
        for key in rl["flattened_order"]:
            _, block, col = key.split(".")
            fields.append(
                FieldSpec(key, "review_litigation", blocks[block], labels[col], "count")
            )
    return Format(version, tuple(fields), tuple(spec.get("identities", ())))


@lru_cache(maxsize=1)
def all_field_names() -> frozenset[str]:
    """Every table field name of every version."""
    return frozenset(n for v in TABLE_VERSIONS for n in get_format(v).names())


def version_by_year(year: int | None) -> str | None:
    """The format version a report year falls under (reference §0)."""
    if year is None:
        return None
    for rule in load_versions()["by_year"]:
        if year <= rule["until"]:
            return rule["version"]
    return None


def version_markers(normalized_text: str) -> dict[str, int]:
    """How many content markers of each table version the text shows."""
    counts: dict[str, int] = {}
    for version, patterns in _marker_patterns():
        counts[version] = sum(bool(p.search(normalized_text)) for p in patterns)
    return counts


def has_table_markers(normalized_text: str) -> bool:
    """Whether the text shows any standard table (第二十条第（一）项, 申请人情况, ...)."""
    return any(p.search(normalized_text) for p in _table_marker_patterns())


@lru_cache(maxsize=1)
def _marker_patterns() -> tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]:
    """The version markers of report_versions.json, compiled."""
    return tuple(
        (version, tuple(re.compile(p) for p in patterns))
        for version, patterns in load_versions()["markers"].items()
    )


@lru_cache(maxsize=1)
def _table_marker_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in load_versions()["table_markers"])


def detect_version(normalized_text: str, year: int | None) -> tuple[str | None, str]:
    """Format version by content first, report year second; returns (version, basis).

    ``basis`` is "content", "year" or "none".
    """
    counts = version_markers(normalized_text)
    best = max(counts, key=lambda v: counts[v])
    if counts[best] and counts[best] > min(counts.values()):
        return best, "content"
    by_year = version_by_year(year)
    return by_year, ("year" if by_year else "none")
