"""Which links of a list are reports, and which links of a report are attachments."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

LINKS_FILE = Path(__file__).parent / "data" / "links.yaml"
_YEAR = re.compile(r"(20[0-3]\d)\s*年")


@dataclass(frozen=True)
class LinkRules:
    """Compiled rules of crawler/data/links.yaml."""

    include: tuple[re.Pattern, ...]
    exclude: tuple[re.Pattern, ...]
    extensions: frozenset[str]
    endpoints: tuple[str, ...]
    image_extensions: frozenset[str] = frozenset()
    image_exclude: tuple[re.Pattern, ...] = ()
    image_min_side: int = 0


@lru_cache(maxsize=1)
def load_rules(path: Path = LINKS_FILE) -> LinkRules:
    """Load the link rules; a bad pattern raises naming it."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    titles, attachments, images = data["report_titles"], data["attachments"], data["images"]
    return LinkRules(
        include=tuple(_compile(p) for p in titles["include"]),
        exclude=tuple(_compile(p) for p in titles["exclude"]),
        extensions=frozenset(e.lower() for e in attachments["extensions"]),
        endpoints=tuple(attachments["endpoints"]),
        image_extensions=frozenset(e.lower() for e in images["extensions"]),
        image_exclude=tuple(_compile(p) for p in images["exclude"]),
        image_min_side=int(images["min_side"]),
    )


def _compile(pattern: str) -> re.Pattern:
    try:
        return re.compile(pattern)
    except re.error as err:
        raise ValueError(f"{LINKS_FILE}: bad pattern {pattern!r}: {err}") from err


def is_report_title(title: str, rules: LinkRules | None = None) -> bool:
    """True when a list title names an annual report rather than news about one."""
    rules = rules or load_rules()
    compact = re.sub(r"\s+", "", title or "")
    return any(p.search(compact) for p in rules.include) and not any(
        p.search(compact) for p in rules.exclude
    )


def title_year(title: str) -> int | None:
    """The report year a list title names (2023 in '…2023年政府信息公开…'), if any."""
    match = _YEAR.search(title or "")
    return int(match.group(1)) if match else None


def attachment_type(url: str, text: str = "", rules: LinkRules | None = None) -> str | None:
    """The attachment type a link points to (extension, or 'download'), else None."""
    rules = rules or load_rules()
    path = unquote(urlsplit(url).path).lower()
    query = unquote(urlsplit(url).query).lower()
    for candidate in (path, query, (text or "").strip().lower()):
        match = re.search(r"\.([a-z]{2,4})\b(?!.*\.[a-z]{2,4}\b)", candidate)
        if match and match.group(1) in rules.extensions:
            return match.group(1)
    if any(endpoint in path for endpoint in rules.endpoints):
        return "download"
    return None


def is_table_image(url: str, width: str | None = None, height: str | None = None,
                   rules: LinkRules | None = None) -> bool:
    """True when an <img> of a report page may be a table picture worth OCR (not chrome)."""
    rules = rules or load_rules()
    path = unquote(urlsplit(url).path).lower()
    if path.rsplit(".", 1)[-1] not in rules.image_extensions:
        return False
    if any(p.search(path) for p in rules.image_exclude):
        return False
    sides = [int(m.group()) for v in (width, height) if v and (m := re.match(r"\d+", v.strip()))]
    return all(side >= rules.image_min_side for side in sides)
