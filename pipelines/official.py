"""Official source or republication: is a page served from a government body's own domain."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml

logger = logging.getLogger(__name__)

DOMAINS_FILE = Path(__file__).resolve().parent / "data" / "domains_official.yaml"


@dataclass(frozen=True)
class DomainRules:
    """Official suffixes and hosts, ordinary link targets and imitated CMS paths."""

    official_suffixes: tuple[str, ...]
    official_hosts: tuple[str, ...]
    ordinary_link_hosts: tuple[str, ...]
    second_level: frozenset[str]
    government_paths: tuple[re.Pattern, ...]
    typosquat_labels: frozenset[str]


@lru_cache(maxsize=1)
def load_domain_rules() -> DomainRules:
    """Load domains_official.yaml once."""
    d = yaml.safe_load(DOMAINS_FILE.read_text(encoding="utf-8"))
    return DomainRules(
        tuple(s.lower() for s in d["official_suffixes"]),
        tuple(s.lower() for s in d["official_hosts"]),
        tuple(s.lower() for s in d["ordinary_link_hosts"]),
        frozenset(s.lower() for s in d["second_level_suffixes"]),
        tuple(re.compile(p, re.I) for p in d["government_path_patterns"]),
        frozenset(s.lower() for s in d["typosquat_labels"]),
    )


@lru_cache(maxsize=4096)  # a site's pages link to the same few hundred addresses
def host_of(url: str | None) -> str | None:
    """Return the lower-case host of an absolute URL, or None when there is none."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        logger.debug("unparseable url %r", url)
        return None
    return host.rstrip(".").lower() if host else None


def _under(host: str, suffixes: tuple[str, ...]) -> bool:
    return any(host == s or host.endswith("." + s) for s in suffixes)


@lru_cache(maxsize=4096)
def is_official_host(host: str) -> bool:
    """Return True when host belongs to a government body (gov.cn and the listed hosts)."""
    rules = load_domain_rules()
    return _under(host, rules.official_suffixes) or _under(host, rules.official_hosts)


@lru_cache(maxsize=4096)
def is_ordinary_link_host(host: str) -> bool:
    """Return True for official hosts and the usual link targets of government pages."""
    return is_official_host(host) or _under(host, load_domain_rules().ordinary_link_hosts)


def registered_domain(host: str) -> str:
    """Return the registrable part of a host (he18tv.com, gansu.gov.cn)."""
    labels = host.split(".")
    if len(labels) >= 3 and ".".join(labels[-2:]) in load_domain_rules().second_level:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def imitates_government_path(url: str) -> str | None:
    """Return the government CMS path fragment a URL carries, or None."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    for rx in load_domain_rules().government_paths:
        if m := rx.search(path):
            return m.group(0)
    return None


def is_typosquat(host: str) -> bool:
    """Return True when the host's first label imitates www (wvvw.example.com)."""
    return host.split(".")[0] in load_domain_rules().typosquat_labels


def classify_source(url: str | None, *, clone: bool, government_text: bool) -> tuple[bool | None, str]:
    """Return (official, source_kind) for a page; source_kind is official/republication/clone/unknown.

    Without a URL nothing can be said (None, "unknown") unless the text itself shows a
    clone. A government text on a private domain with no clone signal is a republication
    (wiki, law database, document-sharing site): not spam, but not the official record.
    """
    host = host_of(url)
    if host is None:
        return None, "clone" if clone else "unknown"
    if is_official_host(host):
        return True, "official"
    if clone:
        return False, "clone"
    return False, "republication" if government_text else "unknown"
