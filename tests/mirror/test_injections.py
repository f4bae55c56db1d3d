"""Tests of the spam pages of the mirror (issue 4): every kind present, cloaking by User-Agent and Referer."""

from __future__ import annotations

import html as htmllib
import re
from urllib.parse import urlsplit

import pytest

from tests.mirror import injections
from tests.mirror.server import SITES, start_server
from tests.mirror.test_mirror import MANIFEST, SPIDER, fetch

# The kind names of pipelines/spam.py (its Evidence.kind values).
SPAM_KINDS = {
    "gambling_lexicon", "porn_lexicon", "lottery_lexicon", "keyword_substitution", "hidden_content",
    "link_farm", "title_hijack", "script_redirect", "char_interleaving", "cloaking", "clone_domain",
}
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
# Words no clean page may carry (a sample of the lexicon, in the spellings the injections use).
SPAM_WORDS = ("赌", "賭", "博彩", "百家乐", "百 家 乐", "娱乐城", "娛★樂", "投注", "彩金", "葡京", "六合彩", "时时彩", "時時彩",
              "特码", "vwin", "ＶＷＩＮ", "pg电子", "男人的天堂", "(zheng)", ".example/", "document.referrer", "marquee")


@pytest.fixture(scope="module")
def mirror():
    server = start_server()
    yield server
    server.stop()


def spam_reports() -> list[dict]:
    return [e for e in MANIFEST if e["kind"] == "report" and e.get("spam")]


def only(kind: str) -> dict:
    """The one generated page built for `kind` (the page whose labels start with it)."""
    (page,) = [e for e in spam_reports() if e["spam_kinds"][0] == kind and e["source"].startswith("generated")]
    return page


def static_text(entry: dict) -> str:
    """The page's file as stored (what a normal visitor is served)."""
    parts = urlsplit(entry["url"])
    return (SITES / parts.hostname / parts.path.lstrip("/")).read_text(encoding="utf-8")


def test_spam_kinds_labelled_with_the_detector_names():
    for e in spam_reports():
        assert e["spam_kinds"] and set(e["spam_kinds"]) <= SPAM_KINDS, e["url"]
        assert len(e["spam_kinds"]) == len(set(e["spam_kinds"])), e["url"]
    for e in MANIFEST:
        if not e.get("spam"):
            assert "spam_kinds" not in e and "spam_evidence" not in e, e["url"]


def test_every_kind_of_issue_4_is_in_the_mirror():
    seen = {k for e in spam_reports() for k in e["spam_kinds"]}
    # clone_domain needs a private host, which the registry never crawls.
    assert seen == SPAM_KINDS - {"clone_domain"}
    assert len(spam_reports()) >= 12
    cloaked = [e for e in spam_reports() if e.get("spam_served_to")]
    assert len(cloaked) == 1 and cloaked[0]["spam_served_to"] == "search_engine" and cloaked[0]["site"] == "lxs"


@pytest.mark.parametrize(
    "headers",
    [
        SPIDER,
        {"User-Agent": SPIDER["User-Agent"]},
        {"User-Agent": BROWSER, "Referer": "https://www.baidu.com/s?wd=%E4%B8%B4%E5%A4%8F"},
        {"User-Agent": BROWSER, "Referer": "https://m.sogou.com/web?query=x"},
        {"User-Agent": "Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)"},
    ],
)
def test_cloaked_page_shows_spam_to_search_engines(mirror, headers):
    page = only("cloaking")
    status, ctype, body = fetch(mirror, page["url"], headers)
    text = htmllib.unescape(body.decode("utf-8"))
    assert status == 200 and ctype["content-type"] == "text/html; charset=UTF-8"
    assert all(s in text for s in page["spam_evidence"])
    assert text.count("https://www.") - static_text(page).count("https://www.") == len(injections.CLOAK_LINKS)
    assert text.index(injections.CLOAK_TEXT) < text.index("一、总体情况")  # injected above the report


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"User-Agent": BROWSER},
        {"User-Agent": BROWSER, "Referer": "https://www.lxs.gov.cn/lxs/zwgk/xxgkndbg/2024/szfgbm/index.html"},
        {"User-Agent": BROWSER, "Referer": "https://www.baidu.com.evil.example/s?wd=x"},
        {"User-Agent": "nianbao (+https://github.com/nianbao)"},
    ],
)
def test_cloaked_page_is_clean_for_visitors(mirror, headers):
    page = only("cloaking")
    status, _, body = fetch(mirror, page["url"], headers)
    assert status == 200 and body.decode("utf-8") == static_text(page)
    assert not any(s in body.decode("utf-8") for s in page["spam_evidence"])
    assert "一、总体情况" in body.decode("utf-8") and mirror.log[-1]["path"] == urlsplit(page["url"]).path


def test_cloaked_page_through_host_scheme(mirror):
    page = only("cloaking")
    assert injections.CLOAK_TEXT in fetch(mirror, page["url"], SPIDER, scheme="host")[2].decode("utf-8")
    assert injections.CLOAK_TEXT not in fetch(mirror, page["url"], scheme="host")[2].decode("utf-8")


def test_script_redirect_checks_the_referrer():
    text = static_text(only("script_redirect"))
    head, body = text.split("</head>", 1)
    script = re.search(r"<script[^>]*>(.*?)</script>", head, re.S).group(1)
    assert "document.referrer" in script and "baidu.com" in script and "sogou.com" in script and "so.com" in script
    assert f'window.location.href = "{injections.REDIRECT_TARGET}"' in script
    assert "一、总体情况" in body and "<table" in body  # otherwise a real report


def test_link_farm_has_30_private_links():
    text = static_text(only("link_farm"))
    block = re.search(r'<div class="yqlj">(.*?)</div>', text, re.S).group(1)
    anchors = re.findall(r'<a href="https://([^/"]+)/"[^>]*>([^<]+)</a>', block)
    assert len(anchors) >= 30 and len({host for host, _ in anchors}) == len(anchors)
    assert not any(host.endswith(".gov.cn") for host, _ in anchors)


def test_title_hijack_over_a_report():
    page = only("title_hijack")
    text = static_text(page)
    assert f"<title>{injections.HIJACK_TITLE}</title>" in text
    assert f'<meta name="keywords" content="{injections.HIJACK_KEYWORDS}">' in text
    assert f"<h3>{page['title']}</h3>" in text and "一、总体情况" in text


def test_spelling_variants_and_pinyin():
    variants = htmllib.unescape(static_text(_by_agency("临夏市司法局")))
    for _, _, spelt in injections.VARIANTS:
        assert spelt in variants
    assert "\u0456" in variants and "ＶＷＩＮ" in variants
    spun = static_text(only("char_interleaving"))
    assert spun.count("(zheng)") >= 2 and injections.PINYIN_SPAM in spun


def _by_agency(agency: str) -> dict:
    (page,) = [e for e in spam_reports() if e["agency"] == agency and e["year"] == 2022]
    return page


def test_hidden_blocks():
    marquee = static_text(_by_agency("临夏市林业和草原局"))
    assert f">{injections.MARQUEE_TEXT}</marquee>" in marquee
    assert re.search(r"document\.write\('<div style=\"position:fixed;top:-999px\">.*澳门金沙", marquee)
    offscreen = static_text(_by_agency("临夏市统计局"))
    assert f'left:-9999px;top:-9999px">{injections.OFFSCREEN_TEXT}' in offscreen
    assert f'font-size:0px;line-height:0">{injections.ZERO_FONT_TEXT}' in offscreen
    assert f'color:#ffffff;background-color:#ffffff">{injections.SAME_COLOUR_TEXT}' in offscreen


def test_clean_reports_carry_no_spam():
    clean = [e for e in MANIFEST if e["kind"] == "report" and not e.get("spam")]
    assert len(clean) >= 80
    cloaked = [e for e in spam_reports() if e.get("spam_served_to")]
    evidence = {s for e in spam_reports() for s in e["spam_evidence"]}
    for e in clean + cloaked:
        parts = urlsplit(e["url"])
        path = SITES / parts.hostname / parts.path.lstrip("/")
        text = htmllib.unescape(path.read_bytes().decode("gbk" if e["site"] == "tianshui" else "utf-8")).lower()
        hits = [w for w in SPAM_WORDS + tuple(evidence) if w.lower() in text]
        assert not hits, (e["url"], hits)


def test_unknown_spam_kind_is_refused():
    with pytest.raises(ValueError, match="unknown spam kind 'casino'"):
        injections.inject("casino", {}, "临夏市统计局")
