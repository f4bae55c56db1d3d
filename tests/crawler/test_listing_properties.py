"""Property: every listing adapter reads any text without raising.

The spider stores a list page after its adapter has read it (a capped pager adds its
finding to the page), so an adapter that raised would lose the page.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.listing import ADAPTERS, ListPage

TOKENS = st.sampled_from(
    [
        "<a href='",
        "'>",
        "</a>",
        "<li>",
        "</li>",
        "<ul id='body'>",
        "<div class='page'>",
        "下一页",
        "2023年政府信息公开工作年度报告",
        "2024-01-20",
        "createPageHTML(",
        ",",
        ")",
        "<record><![CDATA[",
        "]]></record>",
        "<totalrecord>",
        "</totalrecord>",
        "{",
        "}",
        "[",
        "]",
        '"data":',
        '"html":',
        '"results":',
        '"url":',
        '"title":',
        "null",
        '"',
        "'",
        "javascript:",
        "#",
        "http://",
        "//",
        "..",
        "/a.html",
        "?page=",
        "\x00",
        "&#0;",
        "99999",
        "-1",
        "<script>",
        "</script>",
        "<",
        ">",
        " ",
        "\n",
    ]
)
TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(TOKENS, st.text(max_size=6)), max_size=80).map("".join),
)


@pytest.mark.parametrize("platform", sorted(ADAPTERS))
@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    text=TEXT,
    kind=st.sampled_from(["column", "more", "api", "proxy", "x"]),
    url=st.sampled_from(
        [
            "https://www.x.gov.cn/col/col1/index.html",
            "https://www.x.gov.cn/a/b/index_2.html",
            "https://[::1]/",
        ]
    ),
)
def test_adapter_never_raises(platform, text, kind, url):
    assert isinstance(ADAPTERS[platform](url, text, kind), ListPage)
