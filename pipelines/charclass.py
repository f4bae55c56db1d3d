"""Regex character classes built from sets of characters (the stages' fast pre-checks)."""

from __future__ import annotations

from collections.abc import Iterable

ASTRAL = "\\U00010000-\\U0010ffff"  # every character beyond the Basic Multilingual Plane


def char_class(chars: Iterable[str]) -> str:
    """The body of a regex character class holding exactly the given characters.

    Runs of consecutive code points are written as ranges, every character as an
    escape, so any character (brackets, dashes, astral ones) is safe inside ``[...]``.
    """
    ranges: list[list[int]] = []
    for code in sorted(set(map(ord, chars))):
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)
