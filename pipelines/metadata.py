"""Report metadata: title, issuing agency as written, report year, publish date, scope.

Each finder tries the page's own statements first (title, 发布时间 lines, the 报告由…编制
sentence), then what the crawl knows (ReportHints-like values passed in), then weaker
textual evidence (the most cited year, a closing date line).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pipelines.formats import DATA_DIR
from pipelines.nfkc import nfkc

AGENCY_FILE = DATA_DIR / "report_agency.json"
DATES_FILE = DATA_DIR / "report_dates.json"

# Reports exist from the 2007 条例 on (first reports cover 2008).
FIRST_YEAR = 2007
TITLE_WORDS = re.compile(r"(年度报告|工作报告|公开年报|年度工作报告|Annual Report)")
TITLE_SUBJECT = re.compile(
    r"^(?P<subject>.*?)(?P<year>(?:19|20)\d{2})\s*年?\s*度?\s*"
    r"(?:政府|政务)?(?:信息)?公开(?:工作)?(?:年度|年|工作)?(?:报告|年报)"
)
YEAR_FIRST_TITLE = re.compile(
    r"^(?P<year>(?:19|20)\d{2})\s*年?\s*度?\s*(?P<subject>.+?)"
    r"(?:政府|政务)?(?:信息)?公开(?:工作)?(?:年度|年|工作)?(?:报告|年报)"
)
ENGLISH_TITLE = re.compile(
    r"Annual Report (?:of|on) (?P<subject>.+?) on Government Information Disclosure"
    r"(?: in (?P<year>\d{4}))?",
    re.I,
)
QUOTED_TITLE = re.compile(r"《([^《》]{4,60}?(?:年度报告|工作报告|年报))》")
_DATE = r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
DATE_ONLY_LINE = re.compile(rf"^[\s•·\-*|]*{_DATE}(?:\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?[\s|]*$")
CLOSING_LINE = re.compile(rf"^(?P<who>.{{0,40}}?)\s*{_DATE}\s*[|]?\s*$")
YEAR_MENTION = re.compile(r"((?:19|20)\d{2})\s*年")
# What follows a label (发布时间, 来源, read literally) on its line.
DATE_AFTER_LABEL = rf"\s*[:：]?\s*{_DATE}"
NAME_AFTER_LABEL = r"[ \t]*[:：][ \t]*([^\s|:：]{2,40})"
HEAD_LINES = 20
TAIL_LINES = 8


@dataclass(frozen=True)
class Metadata:
    """What the page says about itself."""

    title: str | None
    agency: str | None
    subject: str | None  # what the title names: an agency or a place (东乡县)
    report_year: int | None
    publish_date: str | None
    scope: str | None
    evidence: Mapping[str, str]


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, Any]:
    return json.loads(AGENCY_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _dates() -> dict[str, Any]:
    return json.loads(DATES_FILE.read_text(encoding="utf-8"))


def extract_metadata(
    lines: list[str],
    page_title: str | None = None,
    list_title: str | None = None,
    list_date: str | None = None,
    meta: Mapping[str, str] | None = None,
) -> Metadata:
    """Title, agency, report year, publish date and scope of a report's text lines."""
    meta = meta or {}
    evidence: dict[str, str] = {}
    title = find_title(lines, (page_title, list_title, meta.get("ArticleTitle")))
    subject, title_year = title_parts(title)
    agency, how = find_agency(lines, subject, meta)
    if how:
        evidence["agency"] = how
    publish_date, how = find_publish_date(lines, meta, list_date)
    if how:
        evidence["publish_date"] = how
    year, how = find_report_year(lines, title_year, publish_date)
    if how:
        evidence["report_year"] = how
    return Metadata(
        title, agency, subject, year, publish_date, find_scope(subject, agency), evidence
    )


def _clean(line: str) -> str:
    return re.sub(r"^[\s|•·\-*]+|[\s|]+$", "", line)


def find_title(lines: list[str], hints: tuple[str | None, ...] = ()) -> str | None:
    """The report title: from the crawl's titles, the first lines, or 《…年度报告》."""
    for hint in hints:
        if hint and TITLE_WORDS.search(hint) and len(hint) <= 100:
            return _clean(hint)
    head = [_clean(line) for line in lines[:HEAD_LINES]]
    for i, line in enumerate(head):
        if not line or len(line) > 100 or re.search(r"[>＞:：]", line):
            continue  # breadcrumbs and 组配分类: lines name the column, not the report
        if TITLE_WORDS.search(line) or line.endswith("年报"):
            previous = head[i - 1] if i else ""
            if re.match(r"^\d{4}", line) and previous and len(previous) <= 40:
                return previous + line  # title broken over two lines (devset 040, 076)
            return line
    for line in lines:
        match = QUOTED_TITLE.search(line)
        if match:
            return match.group(1)
    return None


def title_parts(title: str | None) -> tuple[str | None, int | None]:
    """(subject, year) of a title such as 定西市民政局2021年政府信息公开工作年度报告."""
    if not title:
        return None, None
    text = nfkc(title)
    match = TITLE_SUBJECT.search(text)
    if match and not _clean(match.group("subject")):
        match = YEAR_FIRST_TITLE.search(text)
    match = match or ENGLISH_TITLE.search(text)
    if not match:
        return None, None
    subject = _clean(match.group("subject") or "").strip("《》\"“”") or None
    year = int(match.group("year")) if match.group("year") else None
    return subject, year


def is_agency_name(name: str) -> bool:
    """Whether a name ends like an agency (局, 办公室, 人民政府 ...), not a bare place."""
    return any(name.endswith(s) for s in _lexicon()["suffixes"])


def _acceptable(name: str | None) -> bool:
    lex = _lexicon()
    if not name or len(name) < 2 or len(name) > 40:
        return False
    if any(name.startswith(p) for p in lex["pronouns"]):
        return False
    return not any(word in name for word in lex["stopwords"])


def find_agency(
    lines: list[str], subject: str | None, meta: Mapping[str, str]
) -> tuple[str | None, str | None]:
    """The issuing agency exactly as written, and which rule found it."""
    if subject and _acceptable(subject) and is_agency_name(subject):
        return subject, "title"
    text = "\n".join(lines)
    candidates: list[tuple[str, str | None]] = [
        ("compiled_by", _first_group(_lexicon()["compiled_by"], text)),
        ("source_label", _source_label(lines[:HEAD_LINES * 2], meta)),
        ("report_named", _report_named(text)),
        ("sentence_subject", _first_group(_lexicon()["sentence_subject"], text)),
    ]
    for how, name in candidates:
        if _acceptable(name) and is_agency_name(name):
            return name, how
    if subject and _acceptable(subject):
        return subject, "title_place"
    for how, name in candidates:
        if _acceptable(name):
            return name, how + "_place"
    return None, None


def _first_group(patterns: list[str], text: str) -> str | None:
    for pattern in patterns:
        match = re.search(pattern, text)
        if match:
            return match.group("a")
    return None


def _source_label(lines: list[str], meta: Mapping[str, str]) -> str | None:
    for _label, match in _labelled_lines(_lexicon()["source_labels"], lines, NAME_AFTER_LABEL):
        if not match.group(1).startswith(("发", "文")):
            return match.group(1)
    return meta.get("ContentSource")


def _labelled_lines(
    labels: list[str], lines: list[str], after: str
) -> Iterator[tuple[str, re.Match]]:
    """(label, match) of each label in turn and each line where ``after`` follows it: the
    first match on the line. Labels are words: a line without one is not searched."""
    joined = "\n".join(lines)
    for label in labels:
        if label not in joined:
            continue
        pattern = _after_label(label, after)
        for line in lines:
            if label in line and (match := pattern.search(line)):
                yield label, match


@lru_cache(maxsize=64)
def _after_label(label: str, after: str) -> re.Pattern:
    return re.compile(re.escape(label) + after)


def _report_named(text: str) -> str | None:
    """现将X2021年政府信息公开工作年度报告…: the subject of a report named in a sentence."""
    match = re.search(
        r"(?:现将|现公布|现发布|编制了?|形成)《?(?P<a>[^《》]{2,60}?)(?:19|20)\d{2}\s*年?度?"
        r"(?:政府)?信息公开(?:工作)?(?:年度)?报告",
        text,
    )
    if not match:
        return None
    return re.split(r"[,，、;；。:：]", match.group("a"))[-1].strip() or None


def find_publish_date(
    lines: list[str], meta: Mapping[str, str], list_date: str | None = None
) -> tuple[str | None, str | None]:
    """ISO publish date: a labelled date, meta/list dates, a date line, a closing date."""
    head = lines[: HEAD_LINES * 2]
    for label, match in _labelled_lines(_dates()["labels"], head, DATE_AFTER_LABEL):
        return _iso(*match.groups()[-3:]), f"label:{label}"
    for key in ("PubDate", "firstpublishedtime"):
        date = _parse_date(meta.get(key))
        if date:
            return date, f"meta:{key}"
    date = _parse_date(list_date)
    if date:
        return date, "list_date"
    for line in lines[:HEAD_LINES]:
        match = DATE_ONLY_LINE.match(line)
        if match:
            return _iso(*match.groups()), "date_line"
    for line in reversed(lines[-TAIL_LINES:]):
        match = CLOSING_LINE.match(_clean(line) if line.strip("| ") else "")
        if match and "年" in line:
            return _iso(*match.groups()[-3:]), "closing_line"
    return None, None


def _parse_date(value: str | None) -> str | None:
    match = re.search(_DATE, value or "")
    return _iso(*match.groups()) if match else None


def _iso(year: str, month: str, day: str) -> str | None:
    y, m, d = int(year), int(month), int(day)
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def find_report_year(
    lines: list[str], title_year: int | None, publish_date: str | None
) -> tuple[int | None, str | None]:
    """The year reported on (not the publish year), and which rule found it."""
    latest = int(publish_date[:4]) if publish_date else 9999
    if title_year and FIRST_YEAR <= title_year <= latest:
        return title_year, "title"
    text = nfkc("\n".join(lines))
    words = "|".join(_dates()["period_words"])
    match = re.search(rf"(?:{words})[^。]{{0,12}}?((?:19|20)\d{{2}})\s*年?\s*1\s*月\s*1\s*日", text)
    if match:
        return int(match.group(1)), "period"
    match = re.search(
        r"((?:19|20)\d{2})\s*年?度?(?:政府)?信息公开(?:工作)?(?:年度)?(?:报告|年报)", text
    )
    if match and FIRST_YEAR <= int(match.group(1)) <= latest:
        return int(match.group(1)), "report_named"
    years = Counter(
        int(y) for y in YEAR_MENTION.findall(text) if FIRST_YEAR <= int(y) <= latest
    )
    if years:
        return years.most_common(1)[0][0], "most_cited"
    if publish_date:
        return int(publish_date[:4]) - 1, "publish_year"
    return None, None


def find_scope(subject: str | None, agency: str | None) -> str | None:
    """'government' for a 本级政府 report (title names a place or a 人民政府), else 'agency'."""
    name = subject or agency
    if not name:
        return None
    if name.endswith(("人民政府", "政府")) or not is_agency_name(name):
        return "government"
    return "agency"
