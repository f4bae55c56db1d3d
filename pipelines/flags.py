"""Quality flags: a named problem with the evidence a person needs to check it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping


@dataclass(frozen=True)
class Flag:
    """One quality finding: ``code`` names the check (an identity id or a condition)."""

    code: str
    message: str
    details: Mapping[str, Any] = field(default_factory=dict)
