"""Figures stated in prose, with their sentence."""

from __future__ import annotations

from pipelines.narrative import extract_figures


def test_figures_and_units():
    text = ("2021年全县主动公开政府信息10363条,网站访问量达368万人次。"
            "共收到政府信息公开申请5件。全县开设政务新媒体35个。"
            "本年度收到行政复议申请2件。未收取信息处理费。")  # fmt: skip
    figures = {f.name: f for f in extract_figures(text)}
    assert figures["narrative.active.items"].value == 10363
    assert figures["narrative.website.visits"].value == 3_680_000
    assert figures["narrative.requests.received"].value == 5
    assert figures["narrative.new_media.accounts"].value == 35
    assert figures["narrative.review.cases"].value == 2
    assert figures["other_matters.processing_fee.collected_amount_yuan"].value == 0
    assert figures["narrative.requests.received"].sentence == "共收到政府信息公开申请5件。"
