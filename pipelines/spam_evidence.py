"""Evidence records shared by the spam detectors, and the scoring table that weighs them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

SCORING_FILE = Path(__file__).resolve().parent / "data" / "spam_scoring.yaml"


@dataclass(frozen=True)
class Evidence:
    """One piece of spam evidence: what kind, the offending span, and where it sits."""

    kind: str  # gambling_lexicon, porn_lexicon, keyword_substitution, hidden_content, ...
    text: str  # the offending span, as in the page
    start: int | None  # offset in the text given (or in the html for DOM evidence)
    end: int | None
    dom_path: str | None = None
    detail: str = ""  # why: matched term, variant, hiding rule, redirect target
    weight: float = 0.0  # contribution to the page score (from spam_scoring.yaml)


@dataclass(frozen=True)
class Scoring:
    """Evidence weights by signal name and the score from which a page is spam."""

    weights: dict[str, float]
    threshold: float
    max_per_signal: int


@lru_cache(maxsize=1)
def load_scoring() -> Scoring:
    """Load the scoring table once."""
    data = yaml.safe_load(SCORING_FILE.read_text(encoding="utf-8"))
    weights = {str(k): float(v) for k, v in data["weights"].items()}
    return Scoring(weights, float(data["threshold"]), int(data["max_per_signal"]))


def weight_of(signal: str) -> float:
    """Return the weight of a named signal; an unknown name is a programming error."""
    weights = load_scoring().weights
    if signal not in weights:
        raise KeyError(f"spam signal {signal!r} has no weight in {SCORING_FILE}")
    return weights[signal]


def make_evidence(kind: str, text: str, start: int | None, end: int | None, *,
                  signal: str | None = None, dom_path: str | None = None,
                  detail: str = "") -> Evidence:
    """Build an Evidence whose weight comes from the scoring table (signal defaults to kind)."""
    return Evidence(kind, text, start, end, dom_path, detail, weight_of(signal or kind))
