"""Spam injected into mirror reports: one builder per plan `spam:` value, named by the kinds of pipelines/spam.py.

Each builder takes a generated report's paragraphs and returns an Injection: what the page gains (paragraph
edits, blocks, <head> markup, title) and what the manifest says about it (the injected strings exactly as
served, and the kinds a perfect detector reports). Lexicon kinds are listed whenever the injected text holds a
strong lexicon term, wherever it sits (body, hidden block, title, meta, script-written markup).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

# Gambling hosts use the reserved .example TLD: the mirror must never point at a real casino.
CASINO = "https://www.88bet-casino.example/"
REDIRECT_TARGET = "https://www.js8866-bet.example/?from=lxs"

# Injections in the style of seed 003 and the devset spam pages (007, 013, 028).
SPAM_PHRASE = "pg电子模拟器试玩在线"
SPAM_FOOTER = "Copyright © PG电子·模拟器·试玩平台(中国)官方网站 版权所有"
SPAM_LINKS = ("澳门新葡京娱乐场", "真人百家乐官网", "皇冠体育在线投注")
SPAM_HEADING = "三、收到和处理飞禽走兽老虎机申请情况"
SPAM_AGENCY_PREFIX = "澳门特区赌场,澳门博彩业网址"

# Cloaking: what only a search-engine fetch sees (top of the body and a link block above the footer).
CLOAK_TEXT = "澳门新葡京娱乐场官网，真人百家乐、体育投注、电子游艺一站式平台，注册即送88元彩金。"
CLOAK_LINKS = (
    ("澳门新葡京", "xpj0888"), ("威尼斯人娱乐城", "wnsr6688"), ("真人百家乐", "bjl-zr"), ("皇冠体育", "hg0088"),
    ("澳门金沙", "js9999"), ("太阳城娱乐", "tyc138"), ("亚博体育", "yabo-app"), ("开云体育", "ky-sports"),
)
# Where the cloaked blocks go in a P2 detail page: before the first body paragraph and before the footer.
CLOAK_MARKERS = ('<p style="text-indent:2em;">', '<div class="footer">')

# Title hijack: the whole <title> and the keyword metas replaced, the body left a real report.
HIJACK_TITLE = "澳门新葡京娱乐城-百家乐真人视讯官方网站-体育投注首选平台"
HIJACK_KEYWORDS = "新葡京,百家乐,真人视讯,体育投注,澳门赌场"
HIJACK_DESCRIPTION = "澳门新葡京娱乐城官方网站提供真人百家乐、老虎机、体育投注，注册送彩金，24小时在线。"

# Link farm: brands x anchor suffixes, one private host per link (36 links).
FARM_BRANDS = (
    ("澳门新葡京", "xpj"), ("威尼斯人", "wnsr"), ("澳门金沙", "amjs"), ("太阳城娱乐", "tyc"),
    ("皇冠体育", "hgty"), ("亚博体育", "yabo"), ("开云体育", "kaiyun"), ("华体会", "hth"),
    ("九游会", "j9"), ("必威", "betway"), ("伟德国际", "bw"), ("bet365", "b365"),
)
FARM_SUFFIXES = ("官网", "娱乐城", "在线投注")

# Pinyin interleaving (文(wen)章(zhang)): a report phrase spun with pinyin, and a gambling phrase the same way.
PINYIN_GOV = ("政府信息公开", "政(zheng)府(fu)信(xin)息(xi)公(gong)开(kai)")
PINYIN_SPAM = "百(bai)家(jia)乐(le)真(zhen)人(ren)视(shi)讯(xun)官(guan)网(wang)"

# Spelling variants appended to paragraphs: (section, paragraph index, text as served).
VARIANTS = (
    ("overview", 1, "澳門賭場官網"),  # traditional
    ("overview", 2, "百 家 乐 真 人 视 讯"),  # spaces between the characters
    ("overview", 3, "ＶＷＩＮ德贏體育"),  # full-width Latin + traditional
    ("overview", 4, "娛★樂★城"),  # symbols between traditional characters
    ("problems", 0, "vw\u0456n官方入口"),  # Cyrillic і in vwin (homoglyph)
    ("other", 0, "時時彩計劃網"),  # traditional lottery term
)

# Hidden blocks (marquee, document.write, off-screen, zero font, colour equal to the background).
MARQUEE_TEXT = "六合彩 特码 时时彩 一码中特"
WRITE_LINKS = (("澳门金沙", "amjs-vip"), ("太阳城娱乐", "tyc-vip"), ("皇冠体育", "hg-vip"))
OFFSCREEN_TEXT = "澳门威尼斯人娱乐城 真人百家乐"
ZERO_FONT_TEXT = "必威体育 bet365 在线投注"
SAME_COLOUR_TEXT = "男人的天堂在线观看 亚洲精品"


@dataclass(frozen=True)
class Injection:
    """What one kind of spam adds to a report page, and what the manifest says about it."""

    evidence: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    sections: dict[str, list[str]] | None = None  # the report's paragraphs after injection (None: unchanged)
    headings: dict[str, str] = field(default_factory=dict)
    footer: str = ""  # replaces the site footer
    block: str = ""  # printed after the article, inside the main box
    head: str = ""  # added at the end of <head>
    page_title: str = ""  # replaces the whole <title>
    meta: dict[str, str] = field(default_factory=dict)  # extra <meta name=…>
    cloak: tuple[tuple[str, str], ...] = ()  # (marker, html): inserted before marker for search engines only

    @property
    def served_to(self) -> str | None:
        """Who sees the spam: None for everyone, "search_engine" for a cloaked page."""
        return "search_engine" if self.cloak else None


NO_INJECTION = Injection()
Injector = Callable[[dict[str, list[str]], str], Injection]


def _copy(sections: dict[str, list[str]]) -> dict[str, list[str]]:
    return {k: list(v) for k, v in sections.items()}


def spam_footer() -> str:
    """The gambling copyright footer that replaces the site footer."""
    return (
        f'<div class="footer"><p>{escape(SPAM_FOOTER)}</p>'
        "<p>电话:020-88888888 地址:广东省广州市番禺经济开发区 备案号:</p><p>网站地图</p></div>\n"
    )


def hidden_links() -> str:
    """An invisible block of casino links, the classic injected SEO link farm."""
    links = "".join(f'<a href="{CASINO}?k={i}" target="_blank">{escape(t)}</a>' for i, t in enumerate(SPAM_LINKS))
    return f'\n<div style="display:none">{links}</div>\n'


def seed_injection() -> Injection:
    """Seed 003 already carries the phrase in its text; the page adds the gambling footer."""
    return Injection((SPAM_PHRASE, SPAM_FOOTER), ("gambling_lexicon",), footer=spam_footer())


def phrase(sections: dict[str, list[str]], agency: str) -> Injection:
    """A gambling phrase glued to the last paragraph, and the gambling copyright footer."""
    new = _copy(sections)
    new["problems"][-1] += SPAM_PHRASE
    return Injection((SPAM_PHRASE, SPAM_FOOTER), ("gambling_lexicon",), new, footer=spam_footer())


def hidden(sections: dict[str, list[str]], agency: str) -> Injection:
    """Casino links in a display:none block."""
    return Injection(SPAM_LINKS, ("hidden_content", "gambling_lexicon"), block=hidden_links())


def keyword(sections: dict[str, list[str]], agency: str) -> Injection:
    """Standard phrases replaced: the agency name in the preamble and heading 三."""
    new = _copy(sections)
    short = agency.removeprefix("临夏市")
    new["preamble"][0] = new["preamble"][0].replace(agency, SPAM_AGENCY_PREFIX + short, 1)
    return Injection(
        (SPAM_HEADING, SPAM_AGENCY_PREFIX + short),
        ("keyword_substitution", "gambling_lexicon"),
        new,
        headings={"requests": SPAM_HEADING},
    )


def _anchor(text: str, host: str) -> str:
    return f'<a href="https://www.{host}.example/" target="_blank">{escape(text)}</a>'


def cloak(sections: dict[str, list[str]], agency: str) -> Injection:
    """Gambling text and links shown only to search engines (the endpoint picks by User-Agent and Referer)."""
    links = "".join(_anchor(t, h) for t, h in CLOAK_LINKS)
    return Injection(
        (CLOAK_TEXT,) + tuple(t for t, _ in CLOAK_LINKS),
        ("cloaking", "gambling_lexicon", "link_farm"),
        cloak=(
            (CLOAK_MARKERS[0], f'<p style="text-indent:2em;">{escape(CLOAK_TEXT)}</p>\n'),
            (CLOAK_MARKERS[1], f'<div class="rmtj">热门推荐：{links}</div>\n'),
        ),
    )


def redirect_script() -> str:
    """Inline script sending visitors who come from a search engine to a gambling domain."""
    return (
        '\n<script type="text/javascript">\n(function(){\n'
        "  var r = document.referrer.toLowerCase();\n"
        '  var s = ["baidu.com", "sogou.com", "so.com", "sm.cn"];\n'
        "  for (var i = 0; i < s.length; i++) {\n"
        f'    if (r.indexOf(s[i]) > -1) {{ window.location.href = "{REDIRECT_TARGET}"; break; }}\n'
        "  }\n})();\n</script>"
    )


def script_redirect(sections: dict[str, list[str]], agency: str) -> Injection:
    """A referrer check in <head> that redirects search visitors; the page otherwise a real report."""
    return Injection(
        ('var s = ["baidu.com", "sogou.com", "so.com", "sm.cn"];', f'window.location.href = "{REDIRECT_TARGET}"'),
        ("script_redirect",),
        head=redirect_script(),
    )


def farm_anchors() -> list[tuple[str, str]]:
    """(anchor text, host) of the link farm: every brand with every suffix, one host each."""
    return [(b + s, f"{slug}{k}") for b, slug in FARM_BRANDS for k, s in enumerate(FARM_SUFFIXES)]


def link_farm(sections: dict[str, list[str]], agency: str) -> Injection:
    """A visible 友情链接 block of 36 links to private gambling hosts above the footer."""
    anchors = farm_anchors()
    lis = "".join(f"<li>{_anchor(t, h)}</li>" for t, h in anchors)
    block = f'\n<div class="yqlj"><h4>友情链接</h4><ul>{lis}</ul></div>\n'
    return Injection(tuple(t for t, _ in anchors), ("link_farm", "gambling_lexicon"), block=block)


def title_hijack(sections: dict[str, list[str]], agency: str) -> Injection:
    """A gambling <title>, keywords and description over a government report body."""
    return Injection(
        (HIJACK_TITLE, HIJACK_KEYWORDS, HIJACK_DESCRIPTION),
        ("title_hijack", "gambling_lexicon"),
        page_title=HIJACK_TITLE,
        meta={"keywords": HIJACK_KEYWORDS, "description": HIJACK_DESCRIPTION},
    )


def pinyin(sections: dict[str, list[str]], agency: str) -> Injection:
    """Pinyin spun through the preamble (every 政府信息公开) and a pinyin-spun gambling phrase."""
    new = _copy(sections)
    plain, spun = PINYIN_GOV
    new["preamble"][0] = new["preamble"][0].replace(plain, spun)
    new["overview"][0] += PINYIN_SPAM
    return Injection((spun, PINYIN_SPAM), ("char_interleaving", "gambling_lexicon"), new)


def variants(sections: dict[str, list[str]], agency: str) -> Injection:
    """Gambling and lottery words in traditional, full-width, spaced, symbol and homoglyph spellings."""
    new = _copy(sections)
    for section, i, text in VARIANTS:
        new[section][i] += text
    return Injection(tuple(t for _, _, t in VARIANTS), ("gambling_lexicon", "lottery_lexicon"), new)


def marquee(sections: dict[str, list[str]], agency: str) -> Injection:
    """A 1-pixel <marquee> of lottery words and a document.write of an off-screen casino link block."""
    links = "".join(f"<a href=\\'https://www.{h}.example/\\'>{t}</a>" for t, h in WRITE_LINKS)
    block = (
        f'\n<marquee scrollamount="30" width="1" height="1">{MARQUEE_TEXT}</marquee>\n'
        f"<script type=\"text/javascript\">document.write('<div style=\"position:fixed;top:-999px\">{links}</div>');</script>\n"
    )
    return Injection((MARQUEE_TEXT,) + tuple(t for t, _ in WRITE_LINKS), ("hidden_content", "lottery_lexicon", "gambling_lexicon"), block=block)


def offscreen(sections: dict[str, list[str]], agency: str) -> Injection:
    """Three invisible blocks: off-screen position, zero font size, text coloured like its background."""
    block = (
        f'\n<div style="position:absolute;left:-9999px;top:-9999px">{OFFSCREEN_TEXT}'
        f'{_anchor("威尼斯人娱乐城", "wnsr-vip")}</div>\n'
        f'<p style="font-size:0px;line-height:0">{ZERO_FONT_TEXT}</p>\n'
        f'<div style="color:#ffffff;background-color:#ffffff">{SAME_COLOUR_TEXT}</div>\n'
    )
    return Injection(
        (OFFSCREEN_TEXT, "威尼斯人娱乐城", ZERO_FONT_TEXT, SAME_COLOUR_TEXT),
        ("hidden_content", "gambling_lexicon", "porn_lexicon"),
        block=block,
    )


INJECTORS: dict[str, Injector] = {
    "phrase": phrase,
    "hidden": hidden,
    "keyword": keyword,
    "cloak": cloak,
    "script_redirect": script_redirect,
    "link_farm": link_farm,
    "title_hijack": title_hijack,
    "pinyin": pinyin,
    "variants": variants,
    "marquee": marquee,
    "offscreen": offscreen,
}


def inject(kind: str, sections: dict[str, list[str]], agency: str) -> Injection:
    """The injection of plan kind `kind` into a generated report's paragraphs."""
    try:
        injector = INJECTORS[kind]
    except KeyError:
        raise ValueError(f"data/plan.yaml: unknown spam kind {kind!r} (known: {', '.join(INJECTORS)})") from None
    return injector(sections, agency)
