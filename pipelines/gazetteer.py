"""Administrative divisions of China with their codes, and place names found in text.

The divisions table (data/gazetteer_divisions.tsv) is generated from the cpca package's
adcodes; short forms (甘肃, 临夏州, 东乡县 for 东乡族自治县) are derived here by rule.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from pipelines.charclass import char_class
from pipelines.formats import DATA_DIR

DIVISIONS_FILE = DATA_DIR / "gazetteer_divisions.tsv"
NATIONS_FILE = DATA_DIR / "gazetteer_nations.txt"

# Suffixes dropped to form the short name of a province or prefecture (reference: the
# way reports write 甘肃, 临夏, 新疆 for the full names).
_LONG_SUFFIXES = ("特别行政区", "自治区", "自治州", "地区", "省", "市", "盟")
_PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
# Municipalities directly under the central government: the city is the province.
MUNICIPALITIES = ("11", "12", "31", "50")


@dataclass(frozen=True)
class Division:
    """One division: 6-digit code, official name, level (1 province, 2 city, 3 county)."""

    code: str
    name: str
    level: int

    @property
    def parent_codes(self) -> tuple[str, ...]:
        """Codes of the province and (for counties) the prefecture above it."""
        if self.level == 1:
            return ()
        province = self.code[:2] + "0000"
        if self.level == 2:
            return (province,)
        return (province, self.code[:4] + "00")


@dataclass(frozen=True)
class Region:
    """Where a report belongs: official names and the most specific division code."""

    province: str | None = None
    city: str | None = None
    county: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class PlaceMention:
    """A division named in a text, with how often and the first surface form seen."""

    code: str
    name: str
    surface: str
    count: int


@lru_cache(maxsize=1)
def divisions() -> dict[str, Division]:
    """All divisions by code."""
    out: dict[str, Division] = {}
    for line in DIVISIONS_FILE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("code\t"):
            continue
        code, name = line.split("\t")
        level = 1 if code.endswith("0000") else 2 if code.endswith("00") else 3
        out[code] = Division(code, name, level)
    return out


@lru_cache(maxsize=1)
def _nations() -> tuple[str, ...]:
    lines = NATIONS_FILE.read_text(encoding="utf-8").splitlines()
    names = [n.strip() for n in lines if n.strip() and not n.startswith("#")]
    # Longest first so 哈萨克族 is removed before 哈萨克 could be mistaken.
    return tuple(sorted(names, key=len, reverse=True))


def short_names(division: Division) -> set[str]:
    """Surface forms that name a division besides its full name."""
    name = division.name
    forms: set[str] = set()
    # The first two characters are the place itself (东乡族自治县 is named after the
    # 东乡 people), so ethnic names are only removed after them.
    rest = name[2:].replace("各族", "")
    for nation in _nations():
        rest = rest.replace(nation, "").replace(nation.removesuffix("族"), "")
    stem = name[:2] + rest.lstrip("族")
    if division.level < 3:
        for suffix in _LONG_SUFFIXES:
            if stem.endswith(suffix) and len(stem) - len(suffix) >= 2:
                forms.add(stem.removesuffix(suffix))
                if suffix == "自治州":
                    forms.add(stem.removesuffix(suffix) + "州")
                break
    elif stem != name and stem.endswith("自治县"):
        base = stem.removesuffix("自治县")
        if len(base) >= 2:
            forms.update({base + "县", base})
    return {f for f in forms if len(f) >= 2 and f != name}


@lru_cache(maxsize=1)
def _surface_index() -> tuple[
    dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], re.Pattern[str]
]:
    index: dict[str, list[str]] = {}
    for div in divisions().values():
        if div.name in _PLACEHOLDERS:
            continue
        for form in {div.name} | short_names(div):
            index.setdefault(form, []).append(div.code)
    # Every form has two characters or more (short_names keeps no shorter one). Forms
    # by their first two characters, longest first; a regex finds in C the positions
    # where a form's first character is followed by some form's second character, and
    # only those few are tried (a scan by character in Python took 3 ms a report).
    by_start: dict[str, list[str]] = {}
    for form in sorted(index, key=len, reverse=True):
        by_start.setdefault(form[:2], []).append(form)
    starts = re.compile(
        f"[{char_class(f[0] for f in index)}](?=[{char_class(f[1] for f in index)}])"
    )
    return (
        {k: tuple(v) for k, v in index.items()},
        {k: tuple(v) for k, v in by_start.items()},
        starts,
    )


@lru_cache(maxsize=64)  # report.py looks up the same page text three times
def find_places(text: str) -> tuple[tuple[str, tuple[str, ...], int], ...]:
    """(surface, candidate codes, offset) of every division name in the text.

    No name holds a line break, so the text is read line by line: the lines of a
    format's tables and of a site's pages recur from report to report.
    """
    found = []
    offset = 0
    for line in text.split("\n"):
        places = _cached_line_places if len(line) <= _CACHED_LINE else _line_places
        if in_line := places(line):
            found.extend((form, codes, offset + i) for form, codes, i in in_line)
        offset += len(line) + 1
    return tuple(found)


def _line_places(line: str) -> tuple[tuple[str, tuple[str, ...], int], ...]:
    """Leftmost, then longest, never overlapping: what one alternation regex matched."""
    index, by_start, starts = _surface_index()
    found = []
    end = 0
    for match in starts.finditer(line):
        i = match.start()
        if i < end:
            continue
        for form in by_start.get(line[i : i + 2], ()):
            if line.startswith(form, i):
                found.append((form, index[form], i))
                end = i + len(form)
                break
    return tuple(found)


# Short lines keep their places (a page flattened to one long line is not kept).
_CACHED_LINE = 300
_cached_line_places = lru_cache(maxsize=4096)(_line_places)


def mentions(text: str) -> tuple[PlaceMention, ...]:
    """Divisions named in a text, ambiguous names resolved by the other names nearby."""
    found = find_places(text)
    context = Counter(code for _, codes, _ in found for code in codes)
    counts: Counter[str] = Counter()
    surfaces: dict[str, str] = {}
    table = divisions()
    for surface, codes, _ in found:
        code = _pick(codes, context)
        if len(surface) < 3 and table[code].level == 3:
            continue  # 和县, 城区 ...: too often part of ordinary words
        counts[code] += 1
        surfaces.setdefault(code, surface)
    return tuple(
        PlaceMention(code, table[code].name, surfaces[code], n)
        for code, n in counts.most_common()
    )


def _pick(codes: tuple[str, ...], context: Counter[str]) -> str:
    """The division an ambiguous name means: the one whose own name and whose parents'
    are named most around it. Its own counts too: 东乡县 in a text that also says
    东乡族自治县 is that county, with or without 临夏州 beside it (a site's chrome
    often is where the province and prefecture are named, and it is stripped)."""
    if len(codes) == 1:
        return codes[0]
    table = divisions()
    return max(codes, key=lambda c: context[c] + sum(context[p] for p in table[c].parent_codes))


def resolve_region(primary: str, context: str = "") -> Region:
    """The most specific division named in ``primary`` (e.g. an agency name).

    Ambiguous names are settled by the divisions above them that ``context`` names
    (东乡县 in a text about 临夏州 is 东乡族自治县, Gansu). Empty Region if none.
    """
    found = find_places(primary)
    if not found:
        return Region()
    around = Counter(c for _, codes, _ in find_places(context) for c in codes)
    around.update(c for _, codes, _ in found for c in codes)
    table = divisions()
    picked = [table[_pick(codes, around)] for _, codes, _ in found]
    best = max(picked, key=lambda d: (_consistency(d, picked), d.level))
    return region_of(best.code)


def _consistency(div: Division, others: list[Division]) -> int:
    return sum(o.code in div.parent_codes or o.code == div.code for o in others)


def region_of(code: str) -> Region:
    """Region (province, city, county names) of a division code."""
    table = divisions()
    div = table.get(code)
    if div is None:
        return Region()
    province = table.get(code[:2] + "0000")
    pname = province.name if province else None
    if div.level == 1:
        city = pname if code[:2] in MUNICIPALITIES else None
        return Region(pname, city, None, code)
    city_div = table.get(code[:4] + "00")
    city = city_div.name if city_div and city_div.name not in _PLACEHOLDERS else None
    if code[:2] in MUNICIPALITIES:
        city = pname
    if div.level == 2:
        return Region(pname, city, None, code)
    return Region(pname, city, div.name, code)


def short_name(name: str | None) -> str | None:
    """A province or city name without its administrative suffix (甘肃省 -> 甘肃)."""
    if not name:
        return name
    for div in divisions().values():
        if div.name == name and div.level < 3:
            forms = sorted(short_names(div), key=len)
            return forms[0] if forms else name
    return name


# Host labels that say nothing about the place (www.lanzhou.gov.cn, m.xxx.gov.cn).
_GENERIC_HOST_LABELS = {"www", "gov", "cn", "com", "net", "org", "m", "wap", "zwgk", "xxgk"}


@lru_cache(maxsize=1)
def _pinyin_index() -> dict[str, tuple[str, ...]]:
    """Host-label spellings of divisions: full pinyin of the name or short name, and
    province initials + county initials (xjnlk.gov.cn is 新疆 尼勒克县)."""
    from pypinyin import Style, lazy_pinyin

    index: dict[str, set[str]] = {}
    table = divisions()
    for div in table.values():
        if div.name in _PLACEHOLDERS:
            continue
        for form in {div.name} | short_names(div):
            index.setdefault("".join(lazy_pinyin(form)), set()).add(div.code)
        if div.level == 3:
            province = table.get(div.code[:2] + "0000")
            county = sorted(short_names(div) or {div.name[:-1]}, key=len)[0]
            if province:
                initials = "".join(
                    lazy_pinyin(sorted(short_names(province), key=len)[0] + county,
                                style=Style.FIRST_LETTER)
                )  # fmt: skip
                index.setdefault(initials, set()).add(div.code)
    return {k: tuple(sorted(v)) for k, v in index.items()}


def region_from_host(host: str | None) -> Region:
    """Region named by a government host (changchun.gov.cn, xjnlk.gov.cn), if unique."""
    if not host:
        return Region()
    index = _pinyin_index()
    for label in reversed(host.lower().split(".")):
        if label in _GENERIC_HOST_LABELS or len(label) < 4:
            continue
        codes = index.get(label, ())
        if len(codes) == 1:
            return region_of(codes[0])
    return Region()
