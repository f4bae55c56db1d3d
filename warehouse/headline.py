"""Headline figures of a report (reports table columns), defined in data/headline.yaml."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import yaml

HEADLINE_FILE = Path(__file__).parent / "data" / "headline.yaml"


def load_headline(path: Path = HEADLINE_FILE) -> dict[str, tuple[str, ...]]:
    """Column name -> the schema fields it sums."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {column: tuple(fields) for column, fields in data.items()}


HEADLINE = load_headline()


def headline_figures(fields: Mapping[str, float | int | None]) -> dict[str, float | None]:
    """The headline columns for a report's fields; None when no field was reported."""
    figures: dict[str, float | None] = {}
    for column, names in HEADLINE.items():
        values = [fields[n] for n in names if fields.get(n) is not None]
        figures[column] = sum(values) if values else None
    return figures
