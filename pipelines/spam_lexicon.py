"""Spam lexicon matching with variants: traditional, full-width, spaced-out, pinyin, homoglyphs.

The page is folded once (NFKC, lower case, traditional -> simplified, homoglyphs, separators
and interleaved pinyin dropped) with a map back to the original offsets, so every hit is
reported as the span of the page where it was written.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
LEXICON_FILE = DATA_DIR / "spam_lexicon.yaml"
TRADITIONAL_FILE = DATA_DIR / "spam_traditional.yaml"

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_WORD_CHAR = re.compile(rf"[{_CJK}a-z0-9]")
# Characters spammers put between the characters of a word to dodge filters: spaces,
# zero-width marks, dots, stars, hearts, dingbats and emoji. Chinese punctuation is not
# here: it is ordinary text.
_SEPARATOR = re.compile(
    r"[\s\u200b-\u200f\u2060\ufeff·•・.\-_*~^`'\"★☆♥♡◆◇●○■□▲△▼▽※✿❀❤✦✧♦♣♠♪♫#@+=/\\"
    r"\u2600-\u27bf\U0001f000-\U0001faff]"
)
# Longest run of separators still treated as "inserted between two characters".
_MAX_SEPARATOR_RUN = 3
_INSERTED_RUN = re.compile(
    rf"(?<={_WORD_CHAR.pattern}){_SEPARATOR.pattern}{{1,{_MAX_SEPARATOR_RUN}}}(?={_WORD_CHAR.pattern})"
)
# Pinyin after a character, as in 文(wen)章(zhang) or converter leaks like 內(nèi)容.
_PINYIN_AFTER_CJK = re.compile(
    rf"(?<=[{_CJK}])[(（]([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüê]{{1,6}}[1-5]?)[)）]"
)


_LATIN_TERM = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class TermHit:
    """One lexicon hit, with its span in the original text."""

    category: str  # gambling_lexicon | lottery_lexicon | porn_lexicon
    strength: str  # strong | weak
    term: str  # the lexicon entry (or pattern) that matched
    start: int
    end: int
    variant: str  # plain | traditional | fullwidth | separator | pinyin | homoglyph


@dataclass(frozen=True)
class Folded:
    """Text folded for matching, with the original offset of every folded character."""

    text: str
    origin: tuple[int, ...]
    source: str


@dataclass(frozen=True)
class Lexicon:
    """The compiled lexicon: one regex per category and strength, plus context words."""

    strong: dict[str, re.Pattern]
    weak: dict[str, re.Pattern]
    patterns: dict[str, tuple[re.Pattern, ...]]
    enforcement: re.Pattern | None
    enforcement_window: int


@lru_cache(maxsize=1)
def traditional_map() -> dict[str, str]:
    """Return the traditional -> simplified character map from the data file."""
    data = yaml.safe_load(TRADITIONAL_FILE.read_text(encoding="utf-8"))
    joined = "".join(data["pairs"])
    chars = list(joined)
    return {chars[i]: chars[i + 1] for i in range(0, len(chars) - 1, 2)}


@lru_cache(maxsize=1)
def _homoglyphs() -> dict[str, str]:
    data = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
    return {k: v for k, v in (data.get("homoglyphs") or {}).items() if len(k) == 1}


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch).lower()
    trad = traditional_map()
    homo = _homoglyphs()
    return "".join(homo.get(c, trad.get(c, c)) for c in folded)


def fold_text(text: str) -> Folded:
    """Fold text for lexicon matching, keeping the original offset of each kept character."""
    text = text or ""
    pieces = [_fold_char(c) for c in text]
    if set(map(len, pieces)) <= {1} and not _PINYIN_AFTER_CJK.search(text):
        # The common case, one character for one: no per-character bookkeeping.
        return _drop_separators("".join(pieces), range(len(text)), text)
    pinyin_spans = {m.start(): m.end() for m in _PINYIN_AFTER_CJK.finditer(text)}
    chars: list[str] = []
    origin: list[int] = []
    i = 0
    while i < len(text):
        if i in pinyin_spans:
            i = pinyin_spans[i]
            continue
        for c in pieces[i]:
            chars.append(c)
            origin.append(i)
        i += 1
    return _drop_separators("".join(chars), origin, text)


def _drop_separators(chars: str, origin: Sequence[int], source: str) -> Folded:
    # A run of at most _MAX_SEPARATOR_RUN separators between two word characters is
    # dropped (百 家 乐 -> 百家乐); longer runs and runs at a word's edge are text.
    kept_text: list[str] = []
    kept_origin: list[int] = []
    last = 0
    for m in _INSERTED_RUN.finditer(chars):
        kept_text.append(chars[last : m.start()])
        kept_origin.extend(origin[last : m.start()])
        last = m.end()
    if not last:
        return Folded(chars, tuple(origin), source)
    kept_text.append(chars[last:])
    kept_origin.extend(origin[last:])
    return Folded("".join(kept_text), tuple(kept_origin), source)


def fold_term(term: str) -> str:
    """Fold a lexicon term the way pages are folded."""
    return "".join(_fold_char(c) for c in str(term)).replace(" ", "")


def _alternation(terms: list[str]) -> re.Pattern | None:
    folded = sorted({fold_term(t) for t in terms if str(t).strip()}, key=len, reverse=True)
    latin = [re.escape(t) for t in folded if _LATIN_TERM.fullmatch(t)]
    other = [re.escape(t) for t in folded if not _LATIN_TERM.fullmatch(t)]
    parts = []
    if latin:
        # A Latin term must not sit inside a longer Latin word ("av" in "java").
        parts.append(rf"(?<![a-z])(?:{'|'.join(latin)})(?![a-z])")
    if other:
        parts.append("|".join(other))
    return re.compile("|".join(parts)) if parts else None


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Load and compile the spam lexicon data file once."""
    data = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
    strong: dict[str, re.Pattern] = {}
    weak: dict[str, re.Pattern] = {}
    patterns: dict[str, tuple[re.Pattern, ...]] = {}
    for category, entry in data["categories"].items():
        if (rx := _alternation(entry.get("strong") or [])) is not None:
            strong[category] = rx
        if (rx := _alternation(entry.get("weak") or [])) is not None:
            weak[category] = rx
        patterns[category] = tuple(re.compile(p) for p in entry.get("patterns") or [])
    enforcement = _alternation(data.get("enforcement_context") or [])
    return Lexicon(strong, weak, patterns, enforcement, int(data.get("enforcement_window", 8)))


def _variant(original: str, folded_term: str) -> str:
    if _PINYIN_AFTER_CJK.search(original):
        return "pinyin"
    compact = "".join(c for c in original if not _SEPARATOR.match(c))
    if len(compact) < len(original):
        return "separator"
    if any(c in traditional_map() for c in original):
        return "traditional"
    if any(unicodedata.normalize("NFKC", c) != c for c in original):
        return "fullwidth"
    if any(c in _homoglyphs() for c in original):
        return "homoglyph"
    return "plain" if original.lower() == folded_term else "variant"


def _span(folded: Folded, start: int, end: int) -> tuple[int, int]:
    return folded.origin[start], folded.origin[end - 1] + 1


def _enforced(folded: Folded, start: int, lexicon: Lexicon) -> bool:
    if lexicon.enforcement is None:
        return False
    window = folded.text[max(0, start - lexicon.enforcement_window) : start]
    return lexicon.enforcement.search(window) is not None


def _hit(folded: Folded, m: re.Match, category: str, strength: str) -> TermHit:
    start, end = _span(folded, m.start(), m.end())
    original = folded.source[start:end]
    return TermHit(category, strength, m.group(0), start, end, _variant(original, m.group(0)))


def find_terms(text: str, folded: Folded | None = None) -> list[TermHit]:
    """Return every strong and weak lexicon hit in text, strong hits under enforcement words dropped."""
    lexicon = load_lexicon()
    folded = folded or fold_text(text)
    found: list[TermHit] = []
    for category, rx in lexicon.strong.items():
        for m in rx.finditer(folded.text):
            if _enforced(folded, m.start(), lexicon):
                logger.debug("hit %r under an enforcement word, not counted", m.group(0))
                continue
            found.append(_hit(folded, m, category, "strong"))
        for prx in lexicon.patterns.get(category, ()):
            # Patterns see the page as written: folding drops the dashes of 10-03-40.
            found.extend(
                TermHit(category, "strong", prx.pattern, m.start(), m.end(), "pattern")
                for m in prx.finditer(folded.source)
            )
    for category, rx in lexicon.weak.items():
        found.extend(_hit(folded, m, category, "weak") for m in rx.finditer(folded.text))
    return sorted(found, key=lambda h: (h.start, -h.end))


@lru_cache(maxsize=65536)
def has_strong_terms(text: str) -> bool:
    """Return True when text holds at least one strong spam term (any variant)."""
    # Boilerplate asks this of every line of every page, and a site's chrome lines
    # recur on all its pages: cached, and stopping at the first strong hit.
    lexicon = load_lexicon()
    folded = fold_text(text)
    for category, rx in lexicon.strong.items():
        if any(not _enforced(folded, m.start(), lexicon) for m in rx.finditer(folded.text)):
            return True
        if any(prx.search(folded.source) for prx in lexicon.patterns.get(category, ())):
            return True
    return False
