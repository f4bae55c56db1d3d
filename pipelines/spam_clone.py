"""Disguised clones: a government page re-served on a private domain, converted or rewritten."""

from __future__ import annotations

import logging
import re

from pipelines.official import (
    host_of,
    imitates_government_path,
    is_official_host,
    is_typosquat,
    registered_domain,
)
from pipelines.spam_evidence import Evidence, make_evidence
from pipelines.spam_lexicon import traditional_map
from pipelines.spam_text import Phrase, load_context

logger = logging.getLogger(__name__)

# Share of Chinese characters in traditional form from which a page counts as converted.
# Simplified devset pages have none; the traditional clones 0.26-0.38; a GBK/UTF-8
# mojibake header on a simplified page (devset 064) reaches 0.10, hence 0.15.
TRADITIONAL_MIN_SHARE = 0.15
TRADITIONAL_MIN_CHARS = 20
# An English page: Latin letters outnumber Chinese characters this many times.
ENGLISH_MIN_RATIO = 10
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
_PORTAL_WORDS = ("网站", "网址", "门户", "网页", "官网", "website")


def traditional_share(text: str) -> float:
    """Return the share of Chinese characters of text written in traditional form."""
    trad = traditional_map()
    cjk = _CJK.findall(text or "")
    if len(cjk) < TRADITIONAL_MIN_CHARS:
        return 0.0
    n = sum(c in trad for c in cjk)
    return n / len(cjk) if n >= TRADITIONAL_MIN_CHARS else 0.0


def is_english(text: str) -> bool:
    """Return True when text is written in English rather than Chinese."""
    latin = len(_LATIN.findall(text or ""))
    return latin >= 200 and latin >= ENGLISH_MIN_RATIO * len(_CJK.findall(text or ""))


def clone_evidence(text: str, url: str | None, phrases: list[Phrase],
                   government: bool) -> list[Evidence]:
    """Return clone_domain evidence for a government text on a private domain, or a foreign owner line."""
    if not government:
        return []
    out = _foreign_owner(text, phrases)
    host = host_of(url)
    if host is None or is_official_host(host):
        return out
    share = traditional_share(text)
    if share >= TRADITIONAL_MIN_SHARE:
        out.append(make_evidence("clone_domain", host, None, None, signal="clone_converted",
                                 detail=f"traditional characters {share:.0%} on {host}"))
    elif is_english(text):
        out.append(make_evidence("clone_domain", host, None, None, signal="clone_converted",
                                 detail=f"English translation on {host}"))
    out.extend(_portal_rewrite(text, host))
    if path := imitates_government_path(url or ""):
        out.append(make_evidence("clone_domain", url or "", None, None, signal="clone_path",
                                 detail=f"government CMS path {path!r} on {host}"))
    if is_typosquat(host):
        out.append(make_evidence("clone_domain", host, None, None, signal="clone_typosquat",
                                 detail="host imitates www"))
    return out


def _foreign_owner(text: str, phrases: list[Phrase]) -> list[Evidence]:
    ctx = load_context()
    out = []
    for p in phrases:
        line_start = text.rfind("\n", 0, p.start) + 1
        line_end = text.find("\n", p.end)
        line_end = len(text) if line_end < 0 else line_end
        line = text[line_start:line_end]
        if ctx.copyright_line.search(line):
            out.append(make_evidence("clone_domain", line.strip(), line_start, line_end,
                                     signal="clone_foreign_owner",
                                     detail="copyright/ICP line of another owner"))
    return _first_per_line(out)


def _first_per_line(evidence: list[Evidence]) -> list[Evidence]:
    seen: set[int | None] = set()
    out = []
    for e in evidence:
        if e.start not in seen:
            seen.add(e.start)
            out.append(e)
    return out


def _portal_rewrite(text: str, host: str) -> list[Evidence]:
    domain = registered_domain(host)
    out = []
    for m in re.finditer(re.escape(domain), text, flags=re.I):
        window = text[max(0, m.start() - 40):m.start()]
        if any(w in window.lower() for w in _PORTAL_WORDS):
            out.append(make_evidence("clone_domain", text[m.start():m.end()], m.start(), m.end(),
                                     signal="clone_portal_rewrite",
                                     detail=f"portal address rewritten to {domain}"))
            break
    return out
