"""Self-checks: documentation, schema names and stage order stay in step with the code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy.settings import default_settings

from crawler import settings as project_settings

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "pipelines" / "data" / "annual-report-format.json"


def test_every_project_setting_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ours = [name for name in dir(project_settings)
            if name.isupper() and not hasattr(default_settings, name)
            and not name.startswith("PLAYWRIGHT_")]
    assert ours, "no project settings found"
    missing = [name for name in ours if f"`{name}`" not in readme]
    assert not missing, f"settings missing from README.md: {missing}"


def test_item_pipelines_follow_the_chain_order(monkeypatch):
    # The order of the stages is chain.STEPS alone: the crawl's analysis (AnalysisPipeline,
    # through pipelines/pool.py) runs exactly those steps in that order, then the store.
    from pipelines import chain
    from pipelines.pool import Analysis

    order = sorted(project_settings.ITEM_PIPELINES, key=project_settings.ITEM_PIPELINES.get)
    names = [path.rsplit(".", 1)[1].removesuffix("Pipeline").lower() for path in order]
    assert names == ["analysis", "store"]
    ran = []
    for name, _ in chain.STEPS:
        monkeypatch.setitem(chain.STEP_FUNCTIONS, name,
                            lambda page, *args, name=name: ran.append(name) or dict(page))
    Analysis(workers=0).analyze_here({"url": "https://example.gov.cn/a.html", "site": "x",
                                      "body": b"<p>x</p>", "kind": "report"})
    assert ran == [name for name, _ in chain.STEPS]


def test_schema_copy_matches_the_reference():
    reference = ROOT.parent / "shared" / "reference" / "annual-report-format.json"
    if not reference.exists():
        pytest.skip("../shared is not beside this checkout")
    assert json.loads(reference.read_text("utf-8")) == json.loads(SCHEMA.read_text("utf-8"))


def test_headline_columns_name_schema_fields():
    from pipelines.formats import all_field_names
    from warehouse.headline import HEADLINE

    fields = all_field_names()
    for column, names in HEADLINE.items():
        for name in names:
            assert name in fields, (column, name)
