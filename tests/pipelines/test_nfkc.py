"""pipelines.nfkc gives unicodedata's NFKC, and report.to_simplified gives zhconv's result."""

from __future__ import annotations

import unicodedata

import zhconv
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.nfkc import nfkc
from pipelines.report import to_simplified

BOUNDED = settings(max_examples=300, deadline=None, database=None)
# Characters that fold or compose: full-width forms, circled and parenthesised numerals,
# Latin letters with combining marks, kana with voicing marks, Hangul jamo and syllables.
FOLDING = "（），：；！　ＡＢ１２３①㈠ＡＢeé\u0301\u0327ｶﾞカ\u3099ハ\u309aᄀ\u1161\u11a8가ㄱㅏﾡ"
REPORT = "一、总体情况 二、主动公开政府信息情况 开發區 回覆 公升 甘肃省定西市 2023年"


@given(st.text(alphabet=st.sampled_from(FOLDING + REPORT), max_size=40))
@BOUNDED
def test_nfkc_is_unicodedata_on_folding_text(text):
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


@given(st.text(max_size=40))
@BOUNDED
def test_nfkc_is_unicodedata_on_any_text(text):
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


def test_nfkc_of_every_bmp_character_after_a_letter():
    for code in range(0x10000):
        text = "a" + chr(code) + "，"
        assert nfkc(text) == unicodedata.normalize("NFKC", text), hex(code)


@given(st.text(alphabet=st.sampled_from("開發廣州回覆公升么九藉口著不干你事幹什麼"
                                        "甘肃省定西市政府信息公开年度报告，。"), max_size=30))
@BOUNDED
def test_to_simplified_is_zhconv(text):
    assert to_simplified(text) == zhconv.convert(text, "zh-cn")
