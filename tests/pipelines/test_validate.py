"""Identities, cross-year chains and robustness of extraction."""

from __future__ import annotations

import dataclasses

from pipelines.report import extract_report
from pipelines.validate import validate_report

REVIEW = "四、政府信息公开行政复议、行政诉讼情况\n结果维持\n{}"


def test_rl_block_total_failure_names_cells():
    report = extract_report(REVIEW.format(" ".join(["1", "0", "0", "0", "2"] + ["0"] * 10)))
    flag = next(f for f in validate_report(report) if f.code == "RL_BLOCK_TOTAL")
    assert flag.details["scope"] == "review"
    assert flag.details["expected"] == 2 and flag.details["found"] == 1
    assert "review_litigation.review.upheld" in flag.details["cells"]


def test_carry_chain_against_previous_year():
    def report(year, carried, forward):
        return extract_report("\n".join([
            f"某局{year}年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况",
            f"| 二、上年结转政府信息公开申请数量 | {carried} | 0 | 0 | 0 | 0 | 0 | {carried} |",
            f"| 四、结转下年度继续办理 | {forward} | 0 | 0 | 0 | 0 | 0 | {forward} |",
        ]))  # fmt: skip
    flags = validate_report(report(2022, 1, 0), previous=report(2021, 0, 2))
    assert {f.details["column"] for f in flags if f.code == "REQ_CARRY_CHAIN"} == {
        "natural_person", "total"}


def test_never_raises_and_stays_plain_data():
    for text in ("", "\x00\ufffd" * 5000, "|" * 100_000, "一、总体情况\n" * 20_000, "规章\n" * 1000):
        report = extract_report(text)
        dataclasses.asdict(report)
        validate_report(report)
