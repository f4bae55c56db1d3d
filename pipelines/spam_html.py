"""DOM spam signals: hidden content, link farms, script redirects, spam in title and meta."""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass, replace
from functools import lru_cache

import lxml.html
from lxml import etree

from pipelines.htmltext import parse_document
from pipelines.official import host_of, is_official_host, is_ordinary_link_host
from pipelines.spam_evidence import Evidence, make_evidence
from pipelines.spam_lexicon import find_terms
from pipelines.spam_text import find_phrases, lexicon_evidence

logger = logging.getLogger(__name__)

# Inline-style declarations that hide an element from readers but not from crawlers.
_HIDING_RULES = {
    "display:none": re.compile(r"display:none"),
    "visibility:hidden": re.compile(r"visibility:hidden"),
    "font-size:0": re.compile(r"font-size:(?:0|0?\.\d+|1)(?:px|pt|em|rem)?(?:;|$|!)"),
    "zero-size box": re.compile(r"(?:^|;)(?:width|height):(?:0|1)(?:px)?(?:;|$|!).*overflow:hidden"
                                r"|overflow:hidden.*(?:^|;)(?:width|height):(?:0|1)(?:px)?(?:;|$|!)"),
    "off-screen": re.compile(r"(?:left|top|right|margin-left|margin-top|text-indent):-\d{3,}"),
    "opacity:0": re.compile(r"opacity:0(?:\.0+)?(?:;|$|!)"),
    "clip": re.compile(r"clip:rect\(0"),
}
_COLOR = re.compile(r"(?:^|;)color:(#[0-9a-f]{3,6}|[a-z]+)")
_BACKGROUND = re.compile(r"background(?:-color)?:(#[0-9a-f]{3,6}|[a-z]+)")
_CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SIMPLE_SELECTOR = re.compile(r"^[a-z0-9]*([.#])([\w-]+)$", re.I)
# Outbound links to private domains inside one hidden block that make a link farm.
HIDDEN_LINKS_MIN = 3
# Anchors with spam text (anywhere on the page) that make a link farm.
SPAM_ANCHORS_MIN = 3
# Distinct private domains linked from one page that make a link farm without spam text:
# a county portal's footer links to a dozen government and media sites, all ordinary.
MASS_LINK_HOSTS_MIN = 15
_SEARCH_ENGINES = r"baidu|sogou|so\.com|sm\.cn|google|bing|soso|yahoo|360\.cn|toutiao"
_REFERRER_CHECK = re.compile(rf"document\.referrer[\s\S]{{0,200}}(?:{_SEARCH_ENGINES})"
                             rf"|(?:{_SEARCH_ENGINES})[\s\S]{{0,200}}document\.referrer", re.I)
_SPIDER_CHECK = re.compile(r"navigator\.useragent[\s\S]{0,200}(?:spider|bot|baidu|sogou)", re.I)
_LOCATION_SET = re.compile(
    r"(?:(?:window|top|self|parent|document)\.)?location(?:\.href)?\s*=\s*['\"]([^'\"]+)['\"]"
    r"|location\.(?:replace|assign)\(\s*['\"]([^'\"]+)['\"]"
    r"|window\.open\(\s*['\"]([^'\"]+)['\"]", re.I)
_DOCUMENT_WRITE = re.compile(r"document\.write(?:ln)?\s*\(([\s\S]{0,4000}?)\)\s*;?", re.I)
_PACKED = re.compile(r"eval\(function\(p,a,c,k,e,[dr]\)", re.I)
_META_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\";\s]+)", re.I)
_HREF_IN_MARKUP = re.compile(r"href\s*=\s*\\?['\"]?([^'\"\s>\\]+)", re.I)
_TAG = re.compile(r"<[^>]*>")
_BLANKS = re.compile(r"\s+")
# What lxml.html.fromstring takes for a whole document rather than a fragment.
_FULL_HTML = re.compile(r"^\s*<(?:html|!doctype)", re.I)
# Elements that may be hidden, in document order: the others have no attribute a hiding
# rule reads. (Selected through their attributes: 5x faster than a predicate on each element.)
_MAYBE_HIDDEN_PATH = ("descendant-or-self::marquee | descendant-or-self::*/@hidden/.."
                      " | descendant-or-self::*/@style/..")
_MAYBE_HIDDEN = etree.XPath(_MAYBE_HIDDEN_PATH)
_MAYBE_HIDDEN_BY_CSS = etree.XPath(_MAYBE_HIDDEN_PATH + " | descendant-or-self::*/@id/.."
                                   " | descendant-or-self::*/@class/..")
_TEXT_CONTENT = etree.XPath("string()", smart_strings=False)  # lxml.html's text_content()


@dataclass(frozen=True)
class DomFindings:
    """DOM evidence and the page title read from the markup."""

    evidence: tuple[Evidence, ...]
    title: str | None
    hidden_texts: tuple[str, ...]  # text of hidden spam blocks, to remove from the clean text


def parse_html(html: str) -> etree._Element | None:
    """The root lxml.html.fromstring gives for markup; None when there is no document to parse.

    A document is the tree decode parsed (htmltext.parse_document); a fragment is
    parsed again, since lxml.html rewrites its body.
    """
    if not html or html.isspace():
        return None
    try:
        root = parse_document(html)
        if _FULL_HTML.match(html) or (len(root.findall("head")) == 1
                                      and len(root.findall("body")) <= 1):
            return root
        return lxml.html.fromstring(html)
    except (etree.ParserError, ValueError) as err:
        logger.debug("markup not parseable: %s", err)
        return None


def html_evidence(html: str) -> DomFindings:
    """Return the DOM spam evidence of a page's markup (hidden, link farm, redirect, meta)."""
    root = parse_html(html)
    if root is None:
        return DomFindings((), None, ())
    tree = root.getroottree()
    found = _by_tag(root)
    hidden, hidden_texts = _hidden_evidence(root, tree, html, found["style"])
    evidence = hidden + _write_evidence(found["script"], tree, html)
    evidence += _link_farm(found["a"], tree)
    evidence += _redirect_evidence(found["script"], found["meta"], tree, html)
    evidence += _meta_evidence(found["meta"], tree)
    title = _title(found["title"])
    return DomFindings(tuple(evidence), title, tuple(hidden_texts))


_READ_TAGS = ("style", "script", "a", "meta", "title")


def _by_tag(root: etree._Element) -> dict[str, list[etree._Element]]:
    """The elements the checks read, by tag, each list in document order: one walk
    of the tree instead of one per tag."""
    found: dict[str, list[etree._Element]] = {tag: [] for tag in _READ_TAGS}
    for el in root.iter(*_READ_TAGS):
        found[el.tag].append(el)
    return found


def _offset(html: str, snippet: str) -> tuple[int | None, int | None]:
    probe = snippet.strip()[:30]
    pos = html.find(probe) if probe else -1
    return (pos, pos + len(probe)) if pos >= 0 else (None, None)


@lru_cache(maxsize=4096)  # pages repeat a few inline styles on many elements
def _style_rule(style: str) -> str | None:
    """The hiding rule an inline ``style`` attribute applies, if any."""
    return _hiding_rule(_BLANKS.sub("", style.lower()))


def _css_hidden_selectors(styles: list[etree._Element]) -> tuple[set[str], set[str]]:
    classes: set[str] = set()
    ids: set[str] = set()
    for style in styles:
        for selectors, body in _CSS_RULE.findall(style.text or ""):
            if _hiding_rule(_BLANKS.sub("", body.lower())) is None:
                continue
            for sel in selectors.split(","):
                if m := _SIMPLE_SELECTOR.match(sel.strip()):
                    (classes if m.group(1) == "." else ids).add(m.group(2))
    return classes, ids


@lru_cache(maxsize=4096)  # a site's pages repeat the same few styles
def _hiding_rule(decl: str) -> str | None:
    for name, rx in _HIDING_RULES.items():
        if rx.search(decl):
            return name
    color, background = _COLOR.search(decl), _BACKGROUND.search(decl)
    if color and background and color.group(1) == background.group(1):
        return "colour equals background"
    return None


def _why_hidden(el: etree._Element, classes: set[str], ids: set[str]) -> str | None:
    if not isinstance(el.tag, str):
        return None
    if el.tag == "marquee":
        return "marquee"
    if el.get("hidden") is not None:
        return "hidden attribute"
    if (style := el.get("style")) and (rule := _style_rule(style)):
        return rule
    if (ids and el.get("id") in ids) or (
        classes and not classes.isdisjoint((el.get("class") or "").split())
    ):
        return "stylesheet rule"
    return None


def _hidden_evidence(root, tree, html: str,
                     styles: list[etree._Element]) -> tuple[list[Evidence], list[str]]:
    classes, ids = _css_hidden_selectors(styles)
    out: list[Evidence] = []
    texts: list[str] = []
    skip: set = set()
    for el in (_MAYBE_HIDDEN_BY_CSS if classes or ids else _MAYBE_HIDDEN)(root):
        if el in skip or el.tag in ("script", "style", "head", "title", "meta"):
            continue
        why = _why_hidden(el, classes, ids)
        if why is None:
            continue
        skip.update(el.iterdescendants())
        text = " ".join(_TEXT_CONTENT(el).split())
        spam_links = _private_links(el)
        phrases = find_phrases(text, find_terms(text))
        path = tree.getpath(el)
        start, end = _offset(html, text)
        if phrases:
            out.append(make_evidence("hidden_content", text[:500], start, end, dom_path=path,
                                     detail=f"{why}; spam text"))
            texts.append(text)
        elif len(spam_links) >= HIDDEN_LINKS_MIN:
            out.append(make_evidence("hidden_content", text[:500], start, end, dom_path=path,
                                     signal="hidden_links",
                                     detail=f"{why}; {len(spam_links)} links to private domains"))
            if len({host_of(h) for h in spam_links}) >= HIDDEN_LINKS_MIN:
                out.append(make_evidence("link_farm", " ".join(spam_links[:10]), start, end,
                                         dom_path=path, detail=f"hidden block of {why}"))
            texts.append(text)
    return out, texts


def _private_links(el: etree._Element) -> list[str]:
    out = []
    for a in el.iter("a"):
        host = host_of(a.get("href"))
        if host and not is_ordinary_link_host(host):
            out.append(a.get("href"))
    return out


def _link_farm(anchors: list[etree._Element], tree) -> list[Evidence]:
    spam_anchors = []
    hosts: set[str] = set()
    for a in anchors:
        host = host_of(a.get("href"))
        if not host or is_ordinary_link_host(host):
            continue
        hosts.add(host)
        text = " ".join(_TEXT_CONTENT(a).split())
        if find_phrases(text, find_terms(text)):
            spam_anchors.append(a)
    out = []
    if len(spam_anchors) >= SPAM_ANCHORS_MIN:
        text = " | ".join(" ".join(_TEXT_CONTENT(a).split()) for a in spam_anchors[:10])
        out.append(make_evidence("link_farm", text, None, None,
                                 dom_path=tree.getpath(spam_anchors[0].getparent()),
                                 detail=f"{len(spam_anchors)} spam anchors to private domains"))
    elif len(hosts) >= MASS_LINK_HOSTS_MIN:
        out.append(make_evidence("link_farm", " ".join(sorted(hosts)[:10]), None, None,
                                 signal="link_farm_mass",
                                 detail=f"links to {len(hosts)} private domains"))
    return out


def _script_text(el: etree._Element) -> str:
    raw = el.text or ""
    if "\\x" in raw or "\\u" in raw:
        try:
            return raw + "\n" + codecs.decode(raw, "unicode_escape")
        except (UnicodeDecodeError, ValueError):
            return raw
    return raw


def _write_evidence(scripts: list[etree._Element], tree, html: str) -> list[Evidence]:
    out = []
    for script in scripts:
        code = _script_text(script)
        for m in _DOCUMENT_WRITE.finditer(code):
            written = m.group(1)
            links = [h for h in _HREF_IN_MARKUP.findall(written)
                     if (host := host_of(h)) and not is_ordinary_link_host(host)]
            text = _TAG.sub(" ", written)
            phrases = find_phrases(text, find_terms(text))
            if phrases or len(links) >= HIDDEN_LINKS_MIN:
                start, end = _offset(html, m.group(0))
                path = tree.getpath(script)
                out.append(make_evidence("hidden_content", m.group(0)[:500], start, end,
                                         dom_path=path, detail="document.write"))
                # The written words never reach the page text, so the lexicon kinds are
                # reported here, placed at the script.
                out.extend(
                    replace(e, start=start, end=end, dom_path=path,
                            detail=f"{e.detail}; written by document.write".lstrip("; "))
                    for e in lexicon_evidence(text, phrases)
                )
    return out


def _redirect_target_private(target: str) -> bool:
    host = host_of(target)
    return host is not None and not is_official_host(host)


def _redirect_evidence(scripts: list[etree._Element], metas: list[etree._Element], tree,
                       html: str) -> list[Evidence]:
    out = []
    for script in scripts:
        code = _script_text(script)
        targets = [t for g in _LOCATION_SET.findall(code) for t in g if t]
        cloaks = _REFERRER_CHECK.search(code) or _SPIDER_CHECK.search(code)
        private = [t for t in targets if _redirect_target_private(t)]
        if private or (cloaks and (targets or "location" in code.lower())):
            snippet = (cloaks.group(0) if cloaks else private[0])[:300]
            start, end = _offset(html, snippet)
            why = "referrer/user-agent check" if cloaks else f"to {private[0]}"
            out.append(make_evidence("script_redirect", snippet, start, end,
                                     dom_path=tree.getpath(script), detail=why))
        elif _PACKED.search(code):
            start, end = _offset(html, "eval(function(p,a,c,k,e,")
            out.append(make_evidence("script_redirect", code[:300], start, end,
                                     dom_path=tree.getpath(script), signal="script_packed",
                                     detail="packed (obfuscated) script"))
    for meta in metas:
        if (meta.get("http-equiv") or "").lower() != "refresh":
            continue
        m = _META_REFRESH_URL.search(meta.get("content") or "")
        if m and _redirect_target_private(m.group(1)):
            out.append(make_evidence("script_redirect", meta.get("content") or "", None, None,
                                     dom_path=tree.getpath(meta), detail="meta refresh"))
    return out


def _title(titles: list[etree._Element]) -> str | None:
    for t in titles:
        text = " ".join((_TEXT_CONTENT(t) or "").split())
        if text:
            return text
    return None


def _meta_evidence(metas: list[etree._Element], tree) -> list[Evidence]:
    out = []
    for meta in metas:
        name = (meta.get("name") or meta.get("property") or "").lower()
        if name not in ("keywords", "description", "og:title", "og:description"):
            continue
        content = meta.get("content") or ""
        for p in find_phrases(content, find_terms(content)):
            out.append(make_evidence(p.category, content[p.start:p.end], None, None,
                                     dom_path=tree.getpath(meta), detail=f"meta {name}"))
    return out
