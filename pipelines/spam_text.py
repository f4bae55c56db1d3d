"""Text-level spam signals: lexicon phrases, keyword substitution, interleaving, title hijack."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from pipelines.spam_evidence import Evidence, make_evidence
from pipelines.spam_evidence import weight_of as load_scoring_weight
from pipelines.spam_lexicon import Folded, TermHit, find_terms, fold_term, fold_text

logger = logging.getLogger(__name__)

CONTEXT_FILE = Path(__file__).resolve().parent / "data" / "spam_context.yaml"

# The bracket first, the character before it looked behind for: a leading lookbehind
# would be tried at every position of the page (see spam_lexicon._PINYIN_AFTER_CJK).
_PINYIN_RUN = re.compile(
    r"[(（](?<=[\u3400-\u9fff][(（])[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüê]{1,6}[1-5]?[)）]"
)
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
# A title hijack sits in the first lines of the text, before the report starts.
_TITLE_LINES = 3


@dataclass(frozen=True)
class Context:
    """Compiled context knowledge from spam_context.yaml."""

    government_markers: tuple[str, ...]
    government_min: int
    english_markers: tuple[str, ...]
    english_min: int
    after_weak: tuple[re.Pattern, ...]
    weak_substitutes: frozenset[str]
    after_strong: tuple[re.Pattern, ...]
    before_strong: tuple[re.Pattern, ...]
    interleaving: re.Pattern
    interleaving_min: int
    pinyin_min: int
    glue: re.Pattern
    copyright_line: re.Pattern
    title_max_chars: int
    title_min_share: float


@dataclass(frozen=True)
class Phrase:
    """An injected phrase: strong hits joined with the weak words and glue around them."""

    start: int
    end: int
    hits: tuple[TermHit, ...]

    @property
    def category(self) -> str:
        strong = [h for h in self.hits if h.strength == "strong"]
        return (strong or list(self.hits))[0].category


@lru_cache(maxsize=1)
def load_context() -> Context:
    """Load and compile spam_context.yaml once."""
    d = yaml.safe_load(CONTEXT_FILE.read_text(encoding="utf-8"))
    return Context(
        tuple(d["government_markers"]), int(d["government_min_markers"]),
        tuple(m.lower() for m in d["english_government_markers"]), int(d["english_min_markers"]),
        tuple(re.compile(p) for p in d["substitution_after_weak"]),
        frozenset(fold_term(t) for t in d["substitution_weak_terms"]),
        tuple(re.compile(p) for p in d["substitution_after_strong"]),
        tuple(re.compile(p) for p in d["substitution_before_strong"]),
        re.compile(d["interleaving_symbols"]), int(d["interleaving_min_runs"]),
        int(d["pinyin_min_runs"]), re.compile(d["phrase_glue"]),
        re.compile(d["copyright_line"]),
        int(d["title_max_chars"]), float(d["title_min_spam_share"]),
    )


def is_government_text(text: str, folded: Folded | None = None) -> bool:
    """Return True when text reads as a Chinese government text (or an English translation)."""
    ctx = load_context()
    folded_text = (folded or fold_text(text)).text
    if sum(m in folded_text for m in ctx.government_markers) >= ctx.government_min:
        return True
    lower = (text or "").lower()
    return sum(m in lower for m in ctx.english_markers) >= ctx.english_min


def find_phrases(text: str, hits: list[TermHit]) -> list[Phrase]:
    """Join each strong hit with adjacent hits (through glue) into injected phrases."""
    ctx = load_context()
    ordered = sorted(hits, key=lambda h: (h.start, -h.end))
    phrases: list[Phrase] = []
    group: list[TermHit] = []
    for hit in ordered:
        if group and _joined(text, max(h.end for h in group), hit.start, ctx):
            group.append(hit)
            continue
        _close(group, phrases)
        group = [hit]
    _close(group, phrases)
    return phrases


def _joined(text: str, end: int, start: int, ctx: Context) -> bool:
    if start <= end:
        return True
    gap = text[end:start]
    return "\n" not in gap and ctx.glue.fullmatch(gap) is not None


def _close(group: list[TermHit], phrases: list[Phrase]) -> None:
    if any(h.strength == "strong" for h in group):
        start = min(h.start for h in group)
        end = max(h.end for h in group)
        phrases.append(Phrase(start, end, tuple(group)))


def lexicon_evidence(text: str, phrases: list[Phrase]) -> list[Evidence]:
    """Return one lexicon evidence per injected phrase."""
    out = []
    for p in phrases:
        strong = [h for h in p.hits if h.strength == "strong"]
        detail = "; ".join(f"{h.term} ({h.variant})" for h in strong)
        out.append(make_evidence(p.category, text[p.start:p.end], p.start, p.end, detail=detail))
    return out


def substitution_evidence(text: str, hits: list[TermHit], phrases: list[Phrase],
                          folded: Folded) -> list[Evidence]:
    """Return evidence for spam words standing where a place or report word belongs."""
    ctx = load_context()
    out: list[Evidence] = []
    for p in phrases:
        after, before = text[p.end:p.end + 12], text[max(0, p.start - 12):p.start]
        if any(rx.search(after) for rx in ctx.after_strong) or any(
            rx.search(before) for rx in ctx.before_strong
        ):
            out.append(make_evidence("keyword_substitution", text[p.start:p.end], p.start, p.end,
                                     detail=f"followed by {after[:6]!r}"))
    inside = [(p.start, p.end) for p in phrases]
    for h in hits:
        if h.strength != "weak" or h.term not in ctx.weak_substitutes:
            continue
        if any(s <= h.start < e for s, e in inside):
            continue
        after = text[h.end:h.end + 12]
        if any(rx.search(after) for rx in ctx.after_weak):
            out.append(make_evidence("keyword_substitution", text[h.start:h.end], h.start, h.end,
                                     signal="keyword_substitution_weak",
                                     detail=f"{h.term} followed by {after[:8]!r}"))
    return _dedupe(out + _everywhere(text, hits, out, inside))


def _everywhere(text: str, hits: list[TermHit], found: list[Evidence],
                inside: list[tuple[int, int]]) -> list[Evidence]:
    # A clone replaces a word everywhere (赣州 -> 中国体育彩票 in 013): once a weak word
    # is caught standing in for a place twice, its other occurrences are the same
    # substitution and leave the clean text too.
    counts: dict[str, int] = {}
    for e in found:
        if e.weight < load_scoring_weight("keyword_substitution"):
            counts[e.text] = counts.get(e.text, 0) + 1
    words = {w for w, n in counts.items() if n >= 2}
    return [make_evidence("keyword_substitution", text[h.start:h.end], h.start, h.end,
                          signal="keyword_substitution_weak",
                          detail=f"{h.term}: same substituted word as elsewhere")
            for h in hits
            if h.strength == "weak" and text[h.start:h.end] in words
            and not any(s <= h.start < e for s, e in inside)]


def _dedupe(evidence: list[Evidence]) -> list[Evidence]:
    seen: set[tuple[int | None, int | None]] = set()
    out = []
    for e in evidence:
        if (e.start, e.end) not in seen:
            seen.add((e.start, e.end))
            out.append(e)
    return out


def interleaving_evidence(text: str) -> list[Evidence]:
    """Return evidence for symbols or pinyin interleaved through running text."""
    ctx = load_context()
    runs = [m for m in ctx.interleaving.finditer(text) if _inside_running_text(text, m)]
    out: list[Evidence] = []
    if len(runs) >= ctx.interleaving_min:
        out.extend(make_evidence("char_interleaving", m.group(0), m.start(), m.end(),
                                 detail="symbols between words") for m in runs)
    pinyin = list(_PINYIN_RUN.finditer(text))
    if len(pinyin) >= ctx.pinyin_min:
        out.extend(make_evidence("char_interleaving", m.group(0), m.start(), m.end(),
                                 detail="pinyin after characters") for m in pinyin)
    return out


def _inside_running_text(text: str, m: re.Match) -> bool:
    # A run counts when a character of text stands right before it (丰富★★★,重点):
    # a bullet at the start of a line is list markup, not interleaving.
    before = text[max(0, m.start() - 1):m.start()]
    return bool(before) and _CJK_CHAR.match(before) is not None


def title_evidence(text: str, phrases: list[Phrase], title: str | None,
                   government: bool) -> list[Evidence]:
    """Return title_hijack evidence: spam in the given title or in the first lines of a government text."""
    out: list[Evidence] = []
    if title:
        title_hits = find_terms(title)
        title_phrases = find_phrases(title, title_hits)
        for p in title_phrases:
            out.append(make_evidence("title_hijack", title[p.start:p.end], None, None,
                                     detail="in the page title"))
    if not government:
        return out
    ctx = load_context()
    first_lines_end = _offset_after_lines(text, _TITLE_LINES)
    for p in phrases:
        if p.end > first_lines_end:
            continue
        line_start = text.rfind("\n", 0, p.start) + 1
        line_end = text.find("\n", p.end)
        line_end = len(text) if line_end < 0 else line_end
        line = text[line_start:line_end].strip()
        spam = sum(h.end - h.start for h in p.hits if line_start <= h.start < line_end)
        if len(line) <= ctx.title_max_chars and spam >= ctx.title_min_share * len(line):
            out.append(make_evidence("title_hijack", line, line_start, line_end,
                                     detail="spam title above the report"))
    return _dedupe(out)


def _offset_after_lines(text: str, n: int) -> int:
    pos, seen = 0, 0
    while seen < n:
        nxt = text.find("\n", pos)
        if nxt < 0:
            return len(text)
        if text[pos:nxt].strip():
            seen += 1
        pos = nxt + 1
    return pos
