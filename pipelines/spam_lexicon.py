"""Spam lexicon matching with variants: traditional, full-width, spaced-out, pinyin, homoglyphs.

The page is folded once (NFKC, lower case, traditional -> simplified, homoglyphs, separators
and interleaved pinyin dropped) with a map back to the original offsets, so every hit is
reported as the span of the page where it was written.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, chain
from pathlib import Path

import yaml

from pipelines.charclass import ASTRAL, char_class

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
# The regexes below open with a character class and look behind after it: a leading
# lookbehind would be tried at every position, a leading class lets the regex engine
# skip straight to the candidates. They match exactly what (?<=X)Y... would.
_INSERTED_RUN = re.compile(
    rf"{_SEPARATOR.pattern}(?<={_WORD_CHAR.pattern}[\s\S])"
    rf"{_SEPARATOR.pattern}{{0,{_MAX_SEPARATOR_RUN - 1}}}(?={_WORD_CHAR.pattern})"
)
# Pinyin after a character, as in 文(wen)章(zhang) or converter leaks like 內(nèi)容.
_PINYIN_AFTER_CJK = re.compile(
    rf"[(（](?<=[{_CJK}][(（])([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüê]{{1,6}}[1-5]?)[)）]"
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
    origin: Sequence[int]
    source: str


class _Runs(Sequence[int]):
    """Original offsets of folded characters that map one for one, kept as runs.

    ``runs`` are the (start, end) spans of the source the folded text is made of, in
    order: a page is a few dozen runs, not one offset per character.
    """

    def __init__(self, runs: list[tuple[int, int]]) -> None:
        self._runs = runs
        self._starts = list(accumulate((end - start for start, end in runs), initial=0))

    def __len__(self) -> int:
        return self._starts[-1]

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return tuple(self)[i]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError("folded offset out of range")
        k = bisect_right(self._starts, i) - 1
        return self._runs[k][0] + i - self._starts[k]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(tuple(self))


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


@dataclass(frozen=True)
class _Folding:
    """Characters that folding changes, and those it may not fold to exactly one."""

    changed: re.Pattern
    uneven: re.Pattern


@lru_cache(maxsize=1)
def _folding() -> _Folding:
    # Worked out once over the Basic Multilingual Plane (0.05 s): a page is then folded
    # by replacing only the characters that change, not by looking up every character.
    candidates = {c for c in map(chr, range(0x10000))
                  if c.lower() != c or not unicodedata.is_normalized("NFKC", c)}
    candidates.update(traditional_map(), _homoglyphs())
    changed = sorted(c for c in candidates if _fold_char(c) != c)
    uneven = [c for c in changed if len(_fold_char(c)) != 1]
    return _Folding(re.compile(f"([{char_class(changed)}{ASTRAL}])"),
                    re.compile(f"[{char_class(uneven)}{ASTRAL}]"))


def _fold_changed(text: str, changed: re.Pattern) -> str:
    """Text with each character ``changed`` captures folded, the others kept: split
    around them (the odd pieces) and fold those, faster than re.sub with a callback."""
    pieces = changed.split(text)
    pieces[1::2] = map(_fold_char, pieces[1::2])
    return "".join(pieces)


def fold_text(text: str) -> Folded:
    """Fold text for lexicon matching, keeping the original offset of each kept character."""
    text = text or ""
    folding = _folding()
    if not folding.uneven.search(text) and not _PINYIN_AFTER_CJK.search(text):
        # The common case, one character for one: no per-character bookkeeping.
        return _drop_separators(_fold_changed(text, folding.changed), None, text)
    pieces = [_fold_char(c) for c in text]
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


def _drop_separators(chars: str, origin: Sequence[int] | None, source: str) -> Folded:
    # A run of at most _MAX_SEPARATOR_RUN separators between two word characters is
    # dropped (百 家 乐 -> 百家乐); longer runs and runs at a word's edge are text.
    # origin None: chars are source folded one for one.
    kept: list[tuple[int, int]] = []
    last = 0
    for m in _INSERTED_RUN.finditer(chars):
        kept.append((last, m.start()))
        last = m.end()
    kept.append((last, len(chars)))
    text = "".join([chars[a:b] for a, b in kept]) if last else chars
    if origin is None:
        return Folded(text, _Runs(kept), source)
    return Folded(text, tuple(chain.from_iterable(origin[a:b] for a, b in kept)), source)


def fold_term(term: str) -> str:
    """Fold a lexicon term the way pages are folded."""
    return "".join(_fold_char(c) for c in str(term)).replace(" ", "")


def _alternation(terms: list[str]) -> re.Pattern | None:
    """One regex for the terms: longest first, Latin terms not inside a longer Latin word.

    The terms are grouped by their first character (c(?:rest|rest)|d(?:...)), so the
    regex engine skips to the positions where a term can start instead of trying every
    term at every character; within a group the order, and so every match, is that of
    the flat alternation (Latin terms, then the others, each longest first).
    """
    folded = sorted({fold_term(t) for t in terms if str(t).strip()}, key=len, reverse=True)
    if not folded:
        return None
    groups: dict[str, tuple[list[str], list[str]]] = {}
    for t in filter(None, folded):
        latin, other = groups.setdefault(t[0], ([], []))
        if _LATIN_TERM.fullmatch(t):
            # A Latin term must not sit inside a longer Latin word ("av" in "java").
            latin.append(re.escape(t[1:]) + "(?![a-z])")
        else:
            other.append(re.escape(t[1:]))
    parts = []
    for first, (latin, other) in groups.items():
        rests = [rf"(?<![a-z]{re.escape(first)})(?:{'|'.join(latin)})"] if latin else []
        parts.append(f"{re.escape(first)}(?:{'|'.join(rests + other)})")
    if "" in folded:  # an empty term matches anywhere, after every other term
        parts.append("")
    return re.compile("|".join(parts))


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
