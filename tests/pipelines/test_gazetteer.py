"""Division names in text: ambiguous short names settled by the names around them."""

from __future__ import annotations

from pipelines.gazetteer import divisions, mentions

DONGXIANG = "622926"  # 东乡族自治县, 临夏回族自治州, 甘肃省


def test_a_short_name_is_the_division_named_in_full_beside_it():
    # 东乡县 is also a county of Jiangxi. Seed 001 names neither 临夏 nor 甘肃 once its
    # site's lines are stripped, only its own county, in full and short.
    assert len([d for d in divisions().values() if d.name.startswith("东乡")]) > 1
    text = (
        "东乡县2021年政府信息公开工作年度报告\n"
        "本报告由东乡族自治县人民政府办公室编制。\n"
        "东乡县人民政府门户网站公开信息。"
    )
    assert {(p.code, p.count) for p in mentions(text)} == {(DONGXIANG, 3)}


def test_parents_named_still_settle_a_short_name_alone():
    text = "临夏回族自治州东乡县人民政府\n临夏回族自治州"
    codes = {p.code for p in mentions(text)}
    assert DONGXIANG in codes
    assert all(code[:2] == "62" for code in codes)
