"""html_to_text: spans expand, but a table cannot expand without bound."""

from __future__ import annotations

import time

from pipelines.htmltext import MAX_TABLE_CELLS, html_to_text


def test_spans_repeat_the_cell():
    html = (
        "<table><tr><td rowspan='2'>申请人</td><td>自然人</td><td>3</td></tr>"
        "<tr><td colspan='2'>合计 5</td></tr></table>"
    )
    assert html_to_text(html).splitlines() == [
        "| 申请人 | 自然人 | 3 |",
        "| 申请人 | 合计 5 | 合计 5 |",
    ]


def test_a_table_bomb_is_cut_at_the_cell_budget():
    # 8 KB of rowspan=100 colspan=100 rows once expanded to 7 MB of text (65 s of stages).
    html = "<table>" + "<tr><td rowspan=100 colspan=100>x</td></tr>" * 200 + "</table>"
    started = time.monotonic()
    text = html_to_text(html)
    assert time.monotonic() - started < 2
    assert text.count("x") <= MAX_TABLE_CELLS
