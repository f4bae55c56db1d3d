"""Property-based tests of the pipeline stages: any bytes in, a result out, never a raise.

Each stage is fed random bytes, markup built from the tokens that break parsers (spans,
entities, NULs, unclosed tags, charsets), report-shaped text, and mutated real pages
(seeds and mirror reports cut, spliced and re-encoded). Every stage must return its
result type; the whole chain must finish without a ``stage_error`` and give a record
that serialises as JSON. Example counts are bounded so the module runs in seconds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines import chain
from pipelines.boilerplate import Cleaned, learn_chrome, strip_boilerplate
from pipelines.decode import Decoded, decode_page
from pipelines.flags import Flag
from pipelines.htmltext import html_to_text
from pipelines.report import Report, ReportHints, extract_report
from pipelines.spam import SpamResult, detect_spam
from pipelines.validate import validate_report

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / ".." / "shared" / "seeds"
MIRROR_REPORT = ROOT / "tests" / "mirror" / "sites" / "www.dingxi.gov.cn" / "art"
# No example database: runs leave nothing behind in the checkout.
BOUNDED = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = st.sampled_from(
    [
        None,
        "text/html",
        "text/html; charset=utf-8",
        "text/html; charset=GBK",
        "text/html; charset=gb2312",
        "text/html; charset=utf-7",
        "text/html; charset=bogus-x",
        "text/plain",
        "text/plain; charset=gb18030",
        "application/pdf",
        "application/octet-stream",
        DOCX,
        "",
    ]
)
MARKUP_TOKENS = st.sampled_from(
    [
        "<html>",
        "<head>",
        "<body>",
        "</body>",
        "<title>",
        "</title>",
        "<p>",
        "</p>",
        "<br>",
        "<div style='display:none'>",
        "</div>",
        "<table>",
        "</table>",
        "<tr>",
        "</tr>",
        "<td>",
        "</td>",
        "<th>",
        "<td rowspan='99999'>",
        "<td colspan='-3'>",
        "<td rowspan='abc'>",
        "<script>",
        "</script>",
        "<style>",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "<?xml ?>",
        "<meta charset='gbk'>",
        "<meta charset='x-unknown'>",
        "<meta name='ArticleTitle' content='",
        "'>",
        "&nbsp;",
        "&#0;",
        "&#xD800;",
        "&#x110000;",
        "&bogus;",
        "\x00",
        "\x0b",
        "\ufeff",
        "\u3000",
        "\u202e",
        "<a href='javascript:void(0)'>",
        "<a href='http://casino.example/'>",
        "</a>",
        "<marquee>",
        "<iframe src=x>",
        "<svg><foreignObject>",
        "<",
        ">",
        '"',
        "'",
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
        "本年新收政府信息公开申请数量",
        "上年结转政府信息公开申请数量",
        "自然人",
        "商业企业",
        "合计",
        "予以公开",
        "不予公开",
        "行政复议",
        "维持",
        "纠正",
        "2023年",
        "二〇二三年",
        "甘肃省",
        "定西市",
        "人民政府办公室",
        "百家乐",
        "澳门赌场",
        "12",
        "0",
        "-5",
        "3.5",
        "１２",
        "壹佰",
        "9" * 30,
        " ",
        "\n",
        "\r\n",
        "\t",
        "|",
    ]
)
TEXT_LINES = st.lists(
    st.one_of(
        st.lists(MARKUP_TOKENS, max_size=6).map("".join),
        st.lists(
            st.one_of(MARKUP_TOKENS, st.text(max_size=8)), min_size=1, max_size=6
        ).map(lambda cells: "| " + " | ".join(cells) + " |"),
        st.text(max_size=40),
    ),
    max_size=40,
).map("\n".join)
MARKUP = st.lists(st.one_of(MARKUP_TOKENS, st.text(max_size=12)), max_size=120).map(
    "".join
)
ENCODINGS = st.sampled_from(["utf-8", "gbk", "gb18030", "utf-16", "big5", "latin-1"])


def _real_pages() -> list[bytes]:
    pages = [p.read_bytes() for p in sorted(MIRROR_REPORT.rglob("*.html"))[:3]]
    if SEEDS.is_dir():
        pages += [p.read_bytes()[:20_000] for p in sorted(SEEDS.glob("*.txt"))[:3]]
    return pages or [b"<html><body><p>2023\xe5\xb9\xb4</p></body></html>"]


REAL_PAGES = _real_pages()


@st.composite
def mutated_pages(draw) -> bytes:
    """A real page cut, spliced with noise or markup, or re-encoded wrongly."""
    page = draw(st.sampled_from(REAL_PAGES))
    start = draw(st.integers(0, len(page)))
    end = draw(st.integers(start, len(page)))
    how = draw(st.sampled_from(["cut", "splice", "reencode", "slice"]))
    if how == "cut":
        return page[:start]
    if how == "slice":
        return page[start:end]
    if how == "splice":
        insert = draw(st.one_of(st.binary(max_size=64), MARKUP.map(str.encode)))
        return page[:start] + insert + page[end:]
    text = page.decode("utf-8", "replace")
    return text.encode(draw(ENCODINGS), "replace")


ANY_BODY = st.one_of(
    st.binary(max_size=2048),
    MARKUP.map(str.encode),
    MARKUP.flatmap(lambda t: ENCODINGS.map(lambda e: t.encode(e, "replace"))),
    mutated_pages(),
)


@BOUNDED
@given(body=ANY_BODY, content_type=CONTENT_TYPES)
def test_decode_page_never_raises(body, content_type):
    decoded = decode_page(body, content_type)
    assert isinstance(decoded, Decoded) and decoded.kind in ("html", "text", "binary")
    assert isinstance(decoded.text, str)
    assert all(isinstance(f, Flag) for f in decoded.flags)


@BOUNDED
@given(
    markup=st.one_of(
        MARKUP,
        st.text(max_size=500),
        mutated_pages().map(lambda b: b.decode("utf-8", "replace")),
    )
)
def test_html_to_text_never_raises(markup):
    assert isinstance(html_to_text(markup), str)


@BOUNDED
@given(texts=st.lists(TEXT_LINES, max_size=4), text=TEXT_LINES)
def test_strip_boilerplate_never_raises(texts, text):
    cleaned = strip_boilerplate(text, learn_chrome(texts) if texts else None)
    assert isinstance(cleaned, Cleaned) and isinstance(cleaned.text, str)


@BOUNDED
@given(
    text=TEXT_LINES,
    html=st.one_of(st.none(), MARKUP),
    url=st.one_of(
        st.none(),
        st.sampled_from(
            [
                "https://www.dingxi.gov.cn/a.html",
                "http://casino.example/x",
                "not a url",
                "https://[::1/",
                "https://xn--/",
            ]
        ),
    ),
    title=st.one_of(st.none(), st.text(max_size=30)),
)
def test_detect_spam_never_raises(text, html, url, title):
    result = detect_spam(text, html=html, url=url, title=title)
    assert isinstance(result, SpamResult) and isinstance(result.clean_text, str)


@BOUNDED
@given(
    text=TEXT_LINES,
    list_title=st.one_of(st.none(), st.text(max_size=40)),
    list_date=st.one_of(st.none(), st.sampled_from(["2024-01-20", "2024-13-45", "x"])),
)
def test_extract_and_validate_report_never_raise(text, list_title, list_date):
    hints = ReportHints(
        url="https://www.dingxi.gov.cn/a.html",
        list_title=list_title,
        list_date=list_date,
    )
    report = extract_report(text, hints)
    assert isinstance(report, Report)
    assert all(isinstance(f, Flag) for f in validate_report(report))


@BOUNDED
@given(
    body=ANY_BODY,
    content_type=CONTENT_TYPES,
    kind=st.sampled_from(["report", "index", "attachment"]),
    attachment=st.one_of(st.none(), st.binary(max_size=512), mutated_pages()),
)
def test_chain_gives_a_record_or_flags_never_a_stage_error(
    body, content_type, kind, attachment
):
    page = {
        "url": "https://www.dingxi.gov.cn/art/2024/1/1/art_1_1.html",
        "body": body,
        "content_type": content_type,
        "kind": kind,
        "list_title": "2023年政府信息公开工作年度报告",
    }
    if attachment is not None:
        page["attachments"] = [
            {
                "url": "https://www.dingxi.gov.cn/f/a.docx",
                "kind": "attachment",
                "body": attachment,
                "content_type": None,
            }
        ]
    analysed = chain.analyze_page(page, ocr=False)
    assert not analysed.get("stage_errors"), analysed.get("stage_errors")
    record = chain.to_record(analysed)
    json.dumps(record, ensure_ascii=False)
    assert all(isinstance(q.get("code"), str) for q in record["quality"])


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"\x00" * 64,
        b"PK\x03\x04" + b"\x00" * 40,
        b"%PDF-1.7\n%%EOF",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    ],
)
def test_chain_on_empty_and_bare_magic_bodies(body):
    analysed = chain.analyze_page(
        {
            "url": "https://x.gov.cn/a",
            "body": body,
            "kind": "report",
            "content_type": "text/html",
        },
        ocr=False,
    )
    assert not analysed.get("stage_errors")
    json.dumps(chain.to_record(analysed), ensure_ascii=False)
