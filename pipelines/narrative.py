"""Figures stated in the prose (主动公开政府信息N条, 收到申请N件, fees in section 六).

Pre-2019 reports have no tables, so the prose is all there is; later reports repeat
the headline numbers in 总体情况. Patterns live in report_narrative.json.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pipelines.formats import DATA_DIR

NARRATIVE_FILE = DATA_DIR / "report_narrative.json"
_SENTENCE_END = "。；;!！?？\n"


@dataclass(frozen=True)
class Figure:
    """A number read from a sentence of the report."""

    name: str
    value: int | float
    unit: str
    sentence: str


@lru_cache(maxsize=1)
def _figures() -> tuple[dict[str, Any], ...]:
    spec = json.loads(NARRATIVE_FILE.read_text(encoding="utf-8"))
    return tuple(spec["figures"])


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[dict[str, Any], tuple[re.Pattern[str], ...],
                               tuple[re.Pattern[str], ...]], ...]:
    """Each figure's spec with its patterns and zero patterns compiled."""
    return tuple(
        (spec, tuple(map(re.compile, spec["patterns"])),
         tuple(map(re.compile, spec.get("zero", ()))))
        for spec in _figures()
    )  # fmt: skip


def extract_figures(text: str) -> tuple[Figure, ...]:
    """The first statement of each known figure in the text, with its sentence."""
    found = []
    for spec, patterns, zero in _compiled():
        figure = _first_figure(spec, patterns, zero, text)
        if figure:
            found.append(figure)
    return tuple(found)


def _first_figure(spec: dict[str, Any], patterns: tuple[re.Pattern[str], ...],
                  zero: tuple[re.Pattern[str], ...], text: str) -> Figure | None:
    hits: list[tuple[int, int | float, re.Match[str]]] = []
    for pattern in patterns:
        match = pattern.search(text)
        if match:
            hits.append((match.start(), _number(match), match))
    for pattern in zero:
        match = pattern.search(text)
        if match:
            hits.append((match.start(), 0, match))
    if not hits:
        return None
    _, value, match = min(hits, key=lambda h: h[0])
    return Figure(spec["name"], value, spec["unit"], sentence_around(text, match.start()))


def _number(match: re.Match[str]) -> int | float:
    digits = match.group("n").replace(",", "")
    value: int | float = float(digits) if "." in digits else int(digits)
    if "wan" in match.groupdict() and match.group("wan"):
        value = value * 10000
        value = int(value) if float(value).is_integer() else value
    return value


def sentence_around(text: str, position: int) -> str:
    """The sentence of ``text`` that contains ``position``."""
    start = max(text.rfind(c, 0, position) for c in _SENTENCE_END) + 1
    ends = [i for i in (text.find(c, position) for c in _SENTENCE_END) if i >= 0]
    end = min(ends) + 1 if ends else len(text)
    return text[start:end].strip()
