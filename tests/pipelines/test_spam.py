"""Unit tests for pipelines.spam: each kind on small text or HTML written for the test."""

import pytest

from pipelines.official import classify_source, is_official_host
from pipelines.spam import SpamResult, compare_cloaked, detect_spam
from pipelines.spam_lexicon import find_terms

REPORT = (
    "某某县人民政府2023年政府信息公开工作年度报告\n"
    "根据《中华人民共和国政府信息公开条例》,现公布本年度报告。\n"
    "一、总体情况\n2023年主动公开政府信息120条,依申请公开3件,行政复议0件,行政诉讼0件。\n"
    "二、主动公开政府信息情况\n"
    "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n"
    "| 规章 | 0 | 0 | 0 |\n"
    "三、收到和处理政府信息公开申请情况\n"
)
GOV_URL = "http://www.example.gov.cn/zwgk/art/2024/1/1/art_1_1.html"


def page(body: str) -> str:
    return f"<html><head><title>年度报告</title></head><body><p>{REPORT}</p>{body}</body></html>"


def kinds(result: SpamResult) -> set[str]:
    return set(result.kinds)


def test_clean_report_is_not_spam_and_official():
    r = detect_spam(REPORT, html=page(""), url=GOV_URL)
    assert not r.is_spam and r.evidence == ()
    assert r.official is True and r.source_kind == "official"
    assert r.clean_text == REPORT


@pytest.mark.parametrize(
    ("written", "variant"),
    [
        ("赌场", "plain"),
        ("賭場", "traditional"),
        ("ＶＷＩＮ", "fullwidth"),
        ("赌 场", "separator"),
        ("赌★场", "separator"),
        ("赌\u200b场", "separator"),
        ("赌(du)场(chang)", "pinyin"),
        ("vwіn", "homoglyph"),  # Cyrillic і
    ],
)
def test_lexicon_variants(written, variant):
    hits = [h for h in find_terms(f"本局{written}工作") if h.strength == "strong"]
    assert hits, written
    assert hits[0].variant == variant
    r = detect_spam(REPORT + f"我局联系{written}平台。\n")
    assert r.is_spam
    assert "gambling_lexicon" in kinds(r)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("欢迎来到六合彩特码资料网", "lottery_lexicon"),
        ("开奖号码 10-03-40-06-39-20", "lottery_lexicon"),
        ("男人的天堂在线观看", "porn_lexicon"),
        ("pg电子模拟器试玩在线", "gambling_lexicon"),
    ],
)
def test_lexicon_categories(text, kind):
    r = detect_spam(REPORT + text + "\n")
    assert r.is_spam and kind in kinds(r)
    injected = [e.text for e in r.evidence if e.kind == kind]
    assert injected and all(span not in r.clean_text for span in injected)


def test_enforcement_context_is_not_spam():
    text = REPORT + "开展打击网络赌场专项行动,查处赌博案件12起;扫黄打非,打击色情网站。\n"
    text += "福利彩票公益金使用情况;体育彩票市场;澳门特区政府;成人教育;六合区;金沙县。\n"
    r = detect_spam(text, url=GOV_URL)
    assert not r.is_spam, r.evidence


def test_keyword_substitution_in_heading_keeps_heading():
    text = REPORT.replace("三、收到和处理政府信息公开申请情况", "三、收到和处理飞禽走兽老虎机申请情况")
    r = detect_spam(text)
    assert r.is_spam and "keyword_substitution" in kinds(r)
    assert "三、收到和处理申请情况" in r.clean_text
    assert "老虎机" not in r.clean_text


def test_keyword_substitution_brand_in_agency_name():
    r = detect_spam(REPORT + "联系单位:四川省德赢VWIN信息公开办公室\n")
    sub = [e for e in r.evidence if e.kind == "keyword_substitution"]
    assert sub and sub[0].text == "德赢VWIN"
    assert "四川省信息公开办公室" in r.clean_text


def test_weak_word_substitution_needs_repetition():
    one = detect_spam(REPORT + "中国体育彩票市统计局发布。\n")
    assert not one.is_spam
    two = detect_spam(REPORT + "中国体育彩票市统计局发布,《中国体育彩票晚报》刊登。\n")
    assert two.is_spam and "keyword_substitution" in kinds(two)


def test_char_interleaving_symbols_and_pinyin():
    stars = "".join(f"第{i}项工作★★成效明显," for i in range(6))
    r = detect_spam(REPORT + stars + "\n")
    assert r.is_spam and "char_interleaving" in kinds(r)
    assert "★" not in r.clean_text
    pinyin = detect_spam(REPORT + "文(wen)章(zhang)内(nei)容(rong)\n")
    assert "char_interleaving" in kinds(pinyin) and "(wen)" not in pinyin.clean_text


def test_list_bullets_are_not_interleaving():
    text = REPORT + "".join(f"★重点工作{i}\n" for i in range(8))
    assert not detect_spam(text).is_spam


def test_title_hijack_from_title_and_first_line():
    r = detect_spam(REPORT, html=page("").replace("<title>年度报告", "<title>澳门新葡京娱乐城"))
    assert r.is_spam and "title_hijack" in kinds(r)
    r2 = detect_spam("wwwav免费,男人的天堂|亚洲精品\n" + REPORT)
    assert "title_hijack" in kinds(r2)
    assert r2.clean_text.startswith("某某县人民政府")


def test_hidden_content_inline_styles():
    for style in ("display:none", "visibility: hidden", "font-size:0px", "position:absolute;left:-9999px",
                  "color:#fff;background-color:#fff", "width:1px;height:1px;overflow:hidden"):
        html = page(f'<div style="{style}"><a href="http://x.com/">百家乐</a>在线娱乐城</div>')
        r = detect_spam(REPORT, html=html, url=GOV_URL)
        hidden = [e for e in r.evidence if e.kind == "hidden_content"]
        assert hidden, style
        assert hidden[0].dom_path and hidden[0].dom_path.startswith("/html/body/div")


def test_hidden_content_stylesheet_marquee_and_document_write():
    css = page('<style>.ft{display:none}</style><div class="ft">太阳城娱乐 博彩</div>')
    assert "hidden_content" in kinds(detect_spam(REPORT, html=css))
    marquee = page("<marquee>六合彩 特码 时时彩</marquee>")
    assert "hidden_content" in kinds(detect_spam(REPORT, html=marquee))
    write = page("<script>document.write('<a href=\"http://a.com\">百家乐</a>');</script>")
    r = detect_spam(REPORT, html=write)
    assert "hidden_content" in kinds(r)
    assert any(e.detail == "document.write" for e in r.evidence)


def test_hidden_government_menu_is_not_spam():
    menu = page('<ul style="display:none"><li><a href="http://www.gansu.gov.cn/">甘肃</a></li>'
                '<li><a href="http://www.gov.cn/">中国政府网</a></li></ul>')
    assert not detect_spam(REPORT, html=menu, url=GOV_URL).is_spam


def test_link_farm():
    links = "".join(f'<a href="http://site{i}.com/">澳门赌场{i}</a>' for i in range(5))
    r = detect_spam(REPORT, html=page(f"<div>{links}</div>"), url=GOV_URL)
    assert r.is_spam and "link_farm" in kinds(r)
    media = "".join(f'<a href="http://www.people.com.cn/{i}">人民网{i}</a>' for i in range(20))
    assert not detect_spam(REPORT, html=page(media), url=GOV_URL).is_spam


def test_script_redirect():
    referrer = page("<script>var r=document.referrer;if(r.indexOf('baidu')>-1)"
                    "{window.location.href='http://www.bet-x.com/';}</script>")
    r = detect_spam(REPORT, html=referrer, url=GOV_URL)
    assert r.is_spam and "script_redirect" in kinds(r)
    direct = page("<script>window.location.replace('http://www.dubo88.com/')</script>")
    assert "script_redirect" in kinds(detect_spam(REPORT, html=direct))
    meta = page("").replace("<head>", '<head><meta http-equiv="refresh" content="0;url=http://x.com/">')
    assert "script_redirect" in kinds(detect_spam(REPORT, html=meta))
    mobile = page("<script>if(/Mobile/.test(navigator.userAgent)){window.location.href="
                  "'http://m.example.gov.cn/'}</script>")
    assert not detect_spam(REPORT, html=mobile, url=GOV_URL).is_spam


def test_meta_keywords_lexicon():
    html = page("").replace("<head>", '<head><meta name="keywords" content="百家乐,澳门赌场">')
    r = detect_spam(REPORT, html=html)
    assert "gambling_lexicon" in kinds(r)
    assert any(e.dom_path and "meta" in e.dom_path for e in r.evidence)


def test_clone_converted_to_traditional_on_private_domain():
    trad = ("某某縣人民政府2023年政府信息公開工作年度報告。根據《中華人民共和國政府信息公開條例》,"
            "現將本縣政府信息公開工作年度報告公佈如下:主動公開政府信息,依申請公開,行政復議,"
            "行政訴訟,辦公室,規範性文件,總體情況,存在的主要問題及改進情況。" * 2)
    r = detect_spam(trad, url="http://www.somehost.com/zwgk/content/post_1.html")
    assert r.is_spam and "clone_domain" in kinds(r) and r.source_kind == "clone"
    official = detect_spam(trad, url="https://www.info.gov.hk/a.html")
    assert not official.is_spam and official.source_kind == "official"


def test_clone_english_translation_on_private_domain():
    english = ("Annual Report on Government Information Disclosure. In accordance with the "
               "Regulations on the Openness of Government Information, the People's Government "
               "disclosed 300 pieces of information; administrative reconsideration 0. ") * 3
    r = detect_spam(english, url="http://xf119.example.net/dd/1")
    assert r.is_spam and "clone_domain" in kinds(r)


def test_clone_portal_rewrite_and_typosquat():
    text = REPORT + "六、其他需要报告的事项\n门户网站地址:http://www.he18tv.com/\n"
    r = detect_spam(text, url="http://wvvw.he18tv.com/zwgk/t20230112_1.html")
    assert r.is_spam and "clone_domain" in kinds(r)
    details = " ".join(e.detail for e in r.evidence)
    assert "portal address" in details and "www" in details


def test_republication_is_not_spam():
    r = detect_spam(REPORT, url="http://ask.example.com/html/text/1.html")
    assert not r.is_spam
    assert r.official is False and r.source_kind == "republication"


def test_foreign_copyright_line_without_url():
    r = detect_spam(REPORT + "Copyright © PG电子·模拟器·试玩平台 版权所有\n")
    assert r.is_spam and {"gambling_lexicon", "clone_domain"} <= kinds(r)
    assert "Copyright" not in r.clean_text


def test_compare_cloaked():
    normal = detect_spam(REPORT, html=page(""), url=GOV_URL)
    bot = detect_spam(REPORT, html=page('<div style="display:none">澳门新葡京 百家乐</div>'),
                      url=GOV_URL)
    ev = compare_cloaked(normal, bot)
    assert ev is not None and ev.kind == "cloaking" and "hidden_content" in ev.detail
    assert compare_cloaked(normal, normal) is None
    assert compare_cloaked(bot, bot) is None


@pytest.mark.parametrize(
    "args",
    [
        {"text": ""},
        {"text": None},
        {"text": 123},
        {"text": "x", "html": ""},
        {"text": "x", "html": "<<<>>>"},
        {"text": "x", "html": "\x00\x01"},
        {"text": "x", "html": "<?xml version='1.0' encoding='utf-8'?><a>赌场</a>"},
        {"text": "x", "url": "http://[::1"},
        {"text": "x", "url": "not a url"},
        {"text": "x", "title": 5},
        {"text": "赌(", "html": "<script>document.write(</script>"},
        {"text": "\ud800 broken surrogate 赌场"},
    ],
)
def test_never_raises(args):
    text = args.pop("text")
    r = detect_spam(text, **args)
    assert isinstance(r, SpamResult)


def test_classify_source():
    assert is_official_host("www.gansu.gov.cn") and not is_official_host("gov.cn.evil.com")
    assert classify_source(None, clone=False, government_text=True) == (None, "unknown")
