"""The five seed reports (shared/seeds), checked against values read by a person."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.report import Report, extract_report
from pipelines.validate import validate_report

SEEDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds"

# Seed 001, table 3 as printed: row -> (自然人, 商业企业, 科研机构, 社会公益组织,
# 法律服务机构, 其他, 总计). Every row not listed here is seven zeros on the page.
SEED001_REQUESTS = {
    "requests.new": (5, 0, 0, 0, 0, 0, 5),
    "requests.outcome.granted": (2, 0, 0, 0, 0, 0, 2),
    "requests.outcome.partial": (3, 0, 0, 0, 0, 0, 3),
    "requests.outcome.total": (5, 0, 0, 0, 0, 0, 5),
}
SEED001_ACTIVE = {
    "active.regulations.issued": 0, "active.regulations.repealed": 0,
    "active.regulations.in_force": 0, "active.normative_docs.issued": 7,
    "active.normative_docs.repealed": 0, "active.normative_docs.in_force": 22,
    "active.licensing.decisions": 302, "active.penalty.decisions": 205,
    "active.coercion.decisions": 18, "active.admin_fees.amount_wan_yuan": 84.67,
}  # fmt: skip
COLUMNS = ("natural_person", "org_commercial", "org_research", "org_public_interest",
           "org_legal_service", "org_other", "total")  # fmt: skip


def _seed(prefix: str) -> Report:
    files = sorted(SEEDS.glob(f"{prefix}_*.txt")) if SEEDS.exists() else []
    if not files:
        pytest.skip("shared/seeds not available")
    return extract_report(files[0].read_text("utf-8"))


def test_seed001_every_cell():
    report = _seed("001")
    fields = report.fields
    requests = {n: v for n, v in fields.items() if n.startswith("requests.")}
    assert len(requests) == 175
    for name, value in requests.items():
        row, col = name.rsplit(".", 1)
        expected = SEED001_REQUESTS.get(row, (0,) * 7)[COLUMNS.index(col)]
        assert value == expected, name
    assert {n: v for n, v in fields.items() if n.startswith("active.")} == SEED001_ACTIVE
    review = {n: v for n, v in fields.items() if n.startswith("review_litigation.")}
    assert len(review) == 15 and set(review.values()) == {0}


def test_seed001_metadata_and_identities():
    report = _seed("001")
    assert report.agency == "东乡族自治县人民政府办公室"
    assert report.title.startswith("东乡县2021年")
    assert report.region.province == "甘肃省"
    assert report.region.city == "临夏回族自治州"
    assert report.region.county == "东乡族自治县" and report.region.code == "622926"
    assert report.report_year == 2021 and report.publish_date == "2022-02-10"
    assert report.format_version == "gov2021" and report.scope == "government"
    assert report.sections == (1, 2, 3, 4, 5, 6)
    assert report.flags == ()
    assert validate_report(report) == ()
    cell = next(c for c in report.cells if c.field == "active.normative_docs.in_force")
    assert (cell.row_label, cell.col_label, cell.raw) == ("行政规范性文件", "现行有效件", "22")


@pytest.mark.parametrize(
    ("prefix", "agency", "city"), [("000", "定西市水土保持总站", "定西市"), ("002", "定西市民政局", "定西市")]
)
def test_tables_missing(prefix, agency, city):
    report = _seed(prefix)
    assert report.agency == agency and report.region.city == city
    assert report.report_year == 2021
    assert report.sections == (1, 2, 3, 4, 5, 6)
    assert report.cells == ()
    assert "tables_missing" in {f.code for f in report.flags}


def test_seed004_pre2019_copied_report():
    report = _seed("004")
    assert report.agency == "阜新市水利局"
    assert report.format_version == "pre2019_free_text"
    assert report.report_year == 2017 and report.publish_date == "2018-01-30"
    figures = {f.name: f for f in report.narrative}
    assert figures["narrative.interaction.letters"].value == 42
    assert "网民来信总数42件" in figures["narrative.interaction.letters"].sentence
    assert figures["narrative.power_list.items"].value == 76
    flags = {f.code: f for f in validate_report(report)}
    assert "安庆" in flags["foreign_place_names"].message


def test_seed003_rugao():
    report = _seed("003")
    assert report.region.county == "如皋市" and report.region.code == "320682"
    assert report.report_year == 2021
