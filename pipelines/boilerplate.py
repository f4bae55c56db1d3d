"""Boilerplate removal (stage 2): a site's chrome, learned across its pages or found by rules."""

from __future__ import annotations

import json
import logging
import re
from collections import Counter, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from pipelines.htmltext import space_runs
from pipelines.spam_lexicon import has_strong_terms

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
RULES_FILE = DATA_DIR / "boilerplate_rules.yaml"
FORMAT_FILE = DATA_DIR / "annual-report-format.json"

# A line repeated on half of a site's pages, and on at least 3 of them, is chrome: a
# report page carries one report, so its own lines repeat only across reports of the same
# template, and those lines (headings, table rows) are protected.
DEFAULT_MIN_SHARE = 0.5
DEFAULT_MIN_PAGES = 3
# Chrome lines are short; a long repeated line is a disclaimer or a report sentence.
MAX_CHROME_LINE = 200
_EDGES = " \t|｜[]【】"
_LINE_EDGES = _EDGES + "\r\n"
_TOKEN = re.compile(r"[^\s|｜/\[\]【】()（）·:：,，、]+")  # a word between separators
_SPACES = space_runs(r"\s")
_LINE_SPACES = space_runs(r"[^\S\n]")  # within lines of a text


@dataclass(frozen=True)
class Chrome:
    """A site's learned template: lines repeated across its pages."""

    lines: frozenset[str]
    pages: int = 0  # how many pages it was learned from


@dataclass(frozen=True)
class Cleaned:
    """A page's own text, structure (lines, pipe rows) kept, with the removed lines for audit."""

    text: str
    removed: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    """Compiled single-page chrome rules; each list of patterns is one regex (any of them)."""

    chrome_lines: re.Pattern
    chrome_tokens: frozenset[str]
    footer: re.Pattern
    footer_max: int
    residue: re.Pattern
    protect: re.Pattern
    headings: frozenset[str]


@lru_cache(maxsize=1)
def load_rules() -> Rules:
    """Load boilerplate_rules.yaml and the format schema's headings once."""
    d = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    return Rules(
        _any_of(d["chrome_lines"], re.I),
        frozenset(str(t).lower() for t in d["chrome_tokens"]),
        re.compile(d["footer_markers"]),
        int(d["footer_max_chars"]),
        _any_of(d["residue_lines"]),
        _any_of(d["protect"]),
        _schema_headings(),
    )


def _any_of(patterns: list[str], flags: int = 0) -> re.Pattern:
    """One regex that matches (search, fullmatch) where any of the patterns does.

    One pass instead of one per pattern. The patterns must not capture: in one regex
    their groups would be renumbered under any backreference.
    """
    for p in patterns:
        if re.compile(p, flags).groups:
            raise ValueError(f"{RULES_FILE.name}: use (?:...), not a capturing group: {p!r}")
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags)


def _schema_headings() -> frozenset[str]:
    schema = json.loads(FORMAT_FILE.read_text(encoding="utf-8"))
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("heading", "title", "label") and isinstance(value, str):
                    found.add(_key(value))
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(schema.get("versions", {}))
    return frozenset(h for h in found if h)


def _key(line: str) -> str:
    return _SPACES.sub(" ", line.strip(_LINE_EDGES)).strip(_EDGES)


def _is_table_row(line: str) -> bool:
    stripped = line.strip()
    if not stripped.startswith("|"):
        return False
    return sum(map(bool, map(str.strip, stripped.strip("|").split("|")))) >= 2


def is_protected(line: str) -> bool:
    """Return True for report content that must survive: headings, table rows, report sentences."""
    return _is_protected(line, _key(line))


def _is_protected(line: str, key: str) -> bool:
    return _is_structure(line, key) or load_rules().protect.search(key) is not None


def _is_structure(line: str, key: str) -> bool:
    # Headings of the format and table rows survive every rule, even the certain ones.
    if key in load_rules().headings:
        return True
    return _is_table_row(line) and not _all_chrome_tokens(key)


def _all_chrome_tokens(key: str) -> bool:
    chrome_tokens = load_rules().chrome_tokens
    seen = False
    for token in _TOKEN.finditer(key.lower()):
        if token.group() not in chrome_tokens:
            return False
        seen = True
    return seen


def _certain_chrome(key: str) -> bool:
    # Breadcrumbs, editor lines and login notices are chrome even when they name
    # 政府信息公开 (首页>政府信息公开>政府信息公开年报>2022).
    return bool(key) and load_rules().chrome_lines.fullmatch(key) is not None


def _is_rule_chrome(line: str, key: str) -> bool:
    """Whether a line seen alone is chrome by the rules (nav, share, print, footer, residue)."""
    rules = load_rules()
    if rules.residue.fullmatch(line.strip()):
        return True
    if not key:
        return False
    if _certain_chrome(key) or _all_chrome_tokens(key):
        return True
    return len(key) <= rules.footer_max and rules.footer.search(key) is not None


def learn_chrome(texts: Iterable[str], min_share: float = DEFAULT_MIN_SHARE,
                 min_pages: int = DEFAULT_MIN_PAGES) -> Chrome:
    """Learn a site's chrome: lines found on at least min_share of its pages (and min_pages).

    Protected lines (headings, table rows, report sentences) and lines carrying spam terms
    are never chrome: a hacked site that injects one gambling footer into every page must
    not have it filed away as template.
    """
    counts: Counter[str] = Counter()
    pages = 0
    for text in texts:
        if not isinstance(text, str):
            continue
        pages += 1
        counts.update(_page_keys(text))
    return _chrome_from_counts(counts, pages, min_share, min_pages)


def _chrome_from_counts(counts: Mapping[str, int], pages: int,
                        min_share: float = DEFAULT_MIN_SHARE,
                        min_pages: int = DEFAULT_MIN_PAGES) -> Chrome:
    """The chrome of ``pages`` pages whose line keys were counted in ``counts``."""
    if pages == 0:
        return Chrome(frozenset(), 0)
    needed = max(min_pages, min_share * pages)
    lines = frozenset(key for key, n in counts.items() if n >= needed and _may_be_chrome(key))
    logger.debug("learned %d chrome lines from %d pages", len(lines), pages)
    return Chrome(lines, pages)


@lru_cache(maxsize=16384)  # asked again of a site's repeated lines on each of its pages
def _may_be_chrome(key: str) -> bool:
    return len(key) <= MAX_CHROME_LINE and not is_protected(key) and not has_strong_terms(key)


def _page_keys(text: str) -> frozenset[str]:
    return frozenset(filter(None, _line_keys(text)[1]))


@lru_cache(maxsize=2)  # the learner, then the stripper, read the same page text
def _line_keys(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The lines of a text and the _key of each, worked out on the whole text at once."""
    # _key strips the edges before collapsing spaces; collapsing first gives the same
    # key, since a run of spaces becomes " ", itself an edge character.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    keys = _LINE_SPACES.sub(" ", text).split("\n")
    return tuple(text.split("\n")), tuple(key.strip(_EDGES) for key in keys)


def strip_boilerplate(text: str, chrome: Chrome | None = None) -> Cleaned:
    """Remove chrome from a page's structured text, keeping every report line and table row.

    Works on one page with the rules alone (chrome=None) and removes more with a Chrome
    learned from the same site. Protected lines are always kept; so are lines with spam
    terms, which the spam stage removes with evidence. Never raises; non-text gives "".
    """
    if not isinstance(text, str):
        return Cleaned("", ())
    kept: list[str] = []
    removed: list[str] = []
    learned = chrome.lines if isinstance(chrome, Chrome) else frozenset()
    lines, keys = _line_keys(text)
    for i, line in enumerate(lines):
        if _is_chrome(line, keys[i], learned) or _residue_edge(lines, i):
            removed.append(line)
            continue
        kept.append(_trim_residue(line, removed))
    return Cleaned("\n".join(kept), tuple(removed))


def _is_chrome(line: str, key: str, learned: frozenset[str]) -> bool:
    short = len(line) <= MAX_CHROME_LINE
    verdict = _line_verdict(line, key) if short else _verdict(line, key)
    if verdict is _IF_LEARNED:
        # Lines with spam terms stay for the spam stage (asked last: the costliest).
        return key in learned and not has_strong_terms(line)
    return verdict


# _verdict's answer for a line that is chrome only when the site's template has it.
_IF_LEARNED = object()


@lru_cache(maxsize=8192)  # a site's chrome lines and table rows recur on its pages
def _line_verdict(line: str, key: str) -> bool | object:
    return _verdict(line, key)


def _verdict(line: str, key: str) -> bool | object:
    """Whether a line is chrome by the rules alone (True, False), or _IF_LEARNED."""
    if not line.strip():
        return False  # blank lines are structure, not chrome
    if _is_structure(line, key):
        return False
    if not _certain_chrome(key):
        if load_rules().protect.search(key):
            return False
        if not _is_rule_chrome(line, key):
            return _IF_LEARNED
    return not has_strong_terms(line)


def _residue_edge(lines: tuple[str, ...], i: int) -> bool:
    # A lone "|" is a cell separator in one-cell-per-line tables (devset 055) and is
    # kept; next to a run of pipes it is layout residue (seeds 000, 002).
    if lines[i].strip() != "|":
        return False
    residue = load_rules().residue
    neighbours = [lines[j].strip() for j in (i - 1, i + 1) if 0 <= j < len(lines)]
    return any(n != "|" and residue.fullmatch(n) for n in neighbours)


def _trim_residue(line: str, removed: list[str]) -> str:
    # A layout-table cell edge left after a heading or paragraph ("...年度报告 |"): a
    # single trailing pipe on a line that is not a table row.
    stripped = line.rstrip()
    if stripped.endswith("|") and stripped.count("|") == 1 and not stripped.startswith("|"):
        removed.append("|")
        return stripped[:-1].rstrip()
    return line


class ChromeLearner:
    """Each site's chrome, learned from its most recent HTML pages as they come.

    The crawl and ``rebuild`` both feed pages through one learner in the order they
    were fetched, so a rebuilt warehouse strips exactly what the crawl stripped.
    """

    # Pages per site kept to learn from: enough to see the template repeat, few
    # enough that relearning after each page stays cheap.
    WINDOW = 30

    def __init__(self, window: int = WINDOW) -> None:
        self.window = window
        self.recent: dict[str, deque[frozenset[str]]] = {}  # line keys of each page
        self.counts: dict[str, Counter[str]] = {}  # pages of the window with each key
        self.chrome: dict[str, Chrome] = {}

    def observe(self, page: Mapping[str, Any]) -> Chrome | None:
        """Learn from a decoded page (an HTML one) and return its site's chrome.

        The same as ``learn_chrome`` over the site's last ``window`` texts, with the
        counts kept up to date page by page instead of recounted.
        """
        site = page.get("site") or ""
        decoded = page.get("decoded")
        if decoded is not None and decoded.kind == "html":
            recent = self.recent.setdefault(site, deque())
            counts = self.counts.setdefault(site, Counter())
            keys = _page_keys(decoded.text)
            recent.append(keys)
            counts.update(keys)
            dropped: frozenset[str] = frozenset()
            while len(recent) > self.window:
                dropped = recent.popleft()
                for key in dropped:
                    counts[key] -= 1
                    if not counts[key]:
                        del counts[key]
            before = self.chrome.get(site)
            if dropped and before is not None and before.pages == len(recent):
                # A full window slid by one page: only the keys of the page added and
                # of the page dropped changed their counts.
                self.chrome[site] = _chrome_updated(before, counts, keys | dropped)
            else:
                self.chrome[site] = _chrome_from_counts(counts, len(recent))
        return self.chrome.get(site)


def _chrome_updated(chrome: Chrome, counts: Mapping[str, int],
                    changed: frozenset[str]) -> Chrome:
    """_chrome_from_counts(counts, chrome.pages) when only the ``changed`` keys' counts
    differ from those ``chrome`` was learned from."""
    needed = max(DEFAULT_MIN_PAGES, DEFAULT_MIN_SHARE * chrome.pages)
    lines = set(chrome.lines)
    for key in changed:
        if counts.get(key, 0) >= needed and _may_be_chrome(key):
            lines.add(key)
        else:
            lines.discard(key)
    return Chrome(frozenset(lines), chrome.pages)
