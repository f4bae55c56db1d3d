"""Spam detection (stage 3): injected gambling/porn text, hidden links, clones, redirects, cloaking."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from pipelines.official import classify_source
from pipelines.spam_clone import clone_evidence
from pipelines.spam_evidence import Evidence, load_scoring, make_evidence
from pipelines.spam_html import DomFindings, html_evidence
from pipelines.spam_lexicon import find_terms, fold_text
from pipelines.spam_text import (
    find_phrases,
    interleaving_evidence,
    is_government_text,
    lexicon_evidence,
    substitution_evidence,
    title_evidence,
)

__all__ = ["Evidence", "SpamResult", "compare_cloaked", "detect_spam"]

logger = logging.getLogger(__name__)

# Kinds whose spans are cut out of the clean text (the rest describe the page, not a span).
# clone_domain spans are the copyright line of another owner and a rewritten portal address.
_REMOVED_KINDS = frozenset({"gambling_lexicon", "lottery_lexicon", "porn_lexicon",
                            "keyword_substitution", "char_interleaving", "title_hijack",
                            "clone_domain"})
# A line whose text is mostly injected spam goes as a whole (spam titles, footers); below
# this share only the spans go, so 三、收到和处理飞禽走兽老虎机申请情况 keeps its heading.
_LINE_SPAM_SHARE = 0.6
_SPACES = re.compile(r"[ \t]{2,}")


@dataclass(frozen=True)
class SpamResult:
    """The spam verdict of one page, with its evidence and the text cleaned of injections."""

    is_spam: bool
    score: float
    kinds: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    clean_text: str  # text with injected spans removed, so extraction reads the real report
    official: bool | None  # page comes from the issuing body's own government domain
    source_kind: str  # "official" | "republication" | "clone" | "unknown"
    government_text: bool = False  # the text reads as a government text


def detect_spam(text: str, *, html: str | None = None, url: str | None = None,
                title: str | None = None, dom: DomFindings | None = None) -> SpamResult:
    """Detect injected spam in a page and return the verdict, evidence and cleaned text.

    Inputs: `text` is the stage-2 clean text; `html` the decoded markup when the page was
    HTML (hidden content, link farms, script redirects, title and meta); `url` the real
    URL (official domain, clone checks); `title` the list or page title when known (else
    the markup's <title>); `dom` what ``html_evidence(html)`` found, when it was read
    already. Never raises: odd input gives a result with what could be read.
    """
    text = text if isinstance(text, str) else ""
    if dom is None:
        dom = html_evidence(html) if isinstance(html, str) else DomFindings((), None, ())
    title = title if isinstance(title, str) and title.strip() else dom.title
    folded = fold_text(text)
    government = is_government_text(text, folded)
    hits = find_terms(text, folded)
    phrases = find_phrases(text, hits)
    evidence = lexicon_evidence(text, phrases)
    evidence += substitution_evidence(text, hits, phrases, folded)
    evidence += interleaving_evidence(text)
    evidence += title_evidence(text, phrases, title, government)
    clones = clone_evidence(text, url if isinstance(url, str) else None, phrases, government)
    evidence += clones + list(dom.evidence)
    score = score_evidence(evidence)
    is_spam = score >= load_scoring().threshold
    official, source_kind = classify_source(url if isinstance(url, str) else None,
                                            clone=is_spam and bool(clones),
                                            government_text=government)
    return SpamResult(
        is_spam=is_spam,
        score=round(score, 4),
        kinds=tuple(dict.fromkeys(e.kind for e in evidence if e.weight > 0)),
        evidence=tuple(evidence),
        clean_text=remove_injections(text, evidence, dom.hidden_texts),
        official=official,
        source_kind=source_kind,
        government_text=government,
    )


def score_evidence(evidence: list[Evidence]) -> float:
    """Combine evidence weights: 1 - prod(1 - w), counting a few pieces per signal."""
    scoring = load_scoring()
    per_signal: dict[tuple[str, float], int] = {}
    remaining = 1.0
    for e in evidence:
        key = (e.kind, e.weight)
        per_signal[key] = per_signal.get(key, 0) + 1
        if per_signal[key] <= scoring.max_per_signal:
            remaining *= 1.0 - min(max(e.weight, 0.0), 1.0)
    return 1.0 - remaining


def remove_injections(text: str, evidence: list[Evidence], hidden_texts: tuple[str, ...] = ()) -> str:
    """Return text with injected spans cut out, whole lines when they are mostly spam."""
    spans = sorted((e.start, e.end) for e in evidence
                   if e.kind in _REMOVED_KINDS and e.start is not None and e.end is not None
                   and 0 <= e.start < e.end <= len(text))
    cleaned = _cut_lines(text, spans) if spans else text
    for hidden in hidden_texts:
        if hidden and len(hidden) >= 4:
            cleaned = cleaned.replace(hidden, "")
    return cleaned


def _cut_lines(text: str, spans: list[tuple[int, int]]) -> str:
    out, pos = [], 0
    for line in text.split("\n"):
        line_start, line_end = pos, pos + len(line)
        pos = line_end + 1
        cut = [(max(s, line_start), min(e, line_end)) for s, e in spans
               if s < line_end and e > line_start]
        if not cut:
            out.append(line)
            continue
        removed = sum(e - s for s, e in _merge(cut))
        visible = len(line.strip()) or 1
        if removed / visible >= _LINE_SPAM_SHARE:
            continue
        out.append(_cut(line, line_start, _merge(cut)))
    return "\n".join(out)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def _cut(line: str, offset: int, spans: list[tuple[int, int]]) -> str:
    parts, pos = [], 0
    for s, e in spans:
        parts.append(line[pos:s - offset])
        pos = e - offset
    parts.append(line[pos:])
    return _SPACES.sub(" ", "".join(parts))


def compare_cloaked(normal: SpamResult, as_bot: SpamResult) -> Evidence | None:
    """Return cloaking evidence when the search-engine fetch shows spam the normal fetch hides."""
    if not isinstance(normal, SpamResult) or not isinstance(as_bot, SpamResult):
        return None
    seen = {(e.kind, e.text) for e in normal.evidence}
    added = [e for e in as_bot.evidence if e.weight > 0 and (e.kind, e.text) not in seen]
    if not as_bot.is_spam or not added or as_bot.score <= normal.score:
        return None
    kinds = ", ".join(dict.fromkeys(e.kind for e in added))
    first = added[0]
    return make_evidence("cloaking", first.text, first.start, first.end, dom_path=first.dom_path,
                         detail=f"only served to the search engine: {kinds} "
                                f"(score {normal.score:.2f} -> {as_bot.score:.2f})")
