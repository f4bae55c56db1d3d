"""The labelled devset (shared/devset): table cells exact, metadata >= 95%; scores printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.gazetteer import short_name
from pipelines.htmltext import html_to_text
from pipelines.report import ReportHints, extract_report

DEVSET = Path(__file__).resolve().parents[2] / ".." / "shared" / "devset"
MAPPING = json.loads((Path(__file__).parent / "devset_fields.json").read_text("utf-8"))
META_FIELDS = ("agency", "province", "city", "county", "report_year", "publish_date")


def _labels() -> list[dict]:
    if not (DEVSET / "labels.jsonl").exists():
        pytest.skip("shared/devset not available")
    lines = (DEVSET / "labels.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _report(label: dict):
    raw = (DEVSET / label["file"]).read_text("utf-8")
    text = html_to_text(raw) if label["file"].endswith(".html") else raw
    return extract_report(text, ReportHints(url=label.get("url")))


def _field_value(report, key: str):
    spec = MAPPING["fields"][key]
    name = spec.get(report.format_version) or spec.get("*")
    if name is None:
        return "unmapped"
    fields = report.fields
    names = name if isinstance(name, list) else [name]
    if not all(n in fields for n in names):
        return "missing"
    values = [fields[n] for n in names]
    return sum(v or 0 for v in values) if len(values) > 1 else values[0]


def _short(name: str | None) -> str | None:
    return short_name(name) if name else None


def _meta_found(report) -> dict:
    region = report.region
    return {
        "agency": report.agency,
        "province": _short(region.province),
        "city": _short(region.city),
        "county": region.county,
        "report_year": report.report_year,
        "publish_date": report.publish_date,
    }


def test_devset_scores(capsys):
    table_hits = table_total = meta_hits = meta_total = prose_hits = prose_total = 0
    misses = []
    for label in _labels():
        report = _report(label)
        keys = MAPPING["table_keys"].get(label["id"], [])
        keys = list(label["tables"]) if keys == "all" else keys
        for key in keys:
            table_total += 1
            found = _field_value(report, key)
            if found == label["tables"][key]:
                table_hits += 1
            else:
                misses.append((label["id"], key, label["tables"][key], found))
        narrative = {f.name: f.value for f in report.narrative}
        for key, value in label["tables"].items():
            if key in keys or key not in MAPPING["narrative"]:
                continue
            prose_total += 1
            prose_hits += narrative.get(MAPPING["narrative"][key]) == value
        if label["kind"] != "report":
            continue
        found = _meta_found(report)
        for name in META_FIELDS:
            meta_total += 1
            if found[name] == label[name]:
                meta_hits += 1
            else:
                misses.append((label["id"], name, label[name], found[name]))
    with capsys.disabled():
        print(f"\ndevset table cells: {table_hits}/{table_total} = {table_hits / table_total:.1%}")
        print(f"devset metadata (report pages): {meta_hits}/{meta_total} = {meta_hits / meta_total:.1%}")
        print(f"devset prose figures: {prose_hits}/{prose_total}")
        for miss in misses:
            print("  miss", miss)
    assert table_hits == table_total
    assert meta_hits / meta_total >= 0.95


def test_devset_never_raises():
    for label in _labels():
        report = _report(label)
        assert isinstance(report.flags, tuple)
