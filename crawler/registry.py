"""The site registry: which portals to crawl, loaded from crawler/sites/*.yaml."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from crawler.years import FIRST_REPORT_YEAR

SITES_DIR = Path(__file__).parent / "sites"
LEVELS = ("province", "city", "county", "department")
PLATFORMS = ("p1_gansu", "p2_jpaas", "p3_jcms", "p4_vsb", "p5_trs", "generic")
CHALLENGES = (None, "rs412")
STATUSES = ("verified", "inferred")


class RegistryError(ValueError):
    """A registry file that does not load or does not validate."""


@dataclass(frozen=True)
class IndexUrl:
    """One 年报 column URL; ``{year}`` in it is expanded from ``since`` on."""

    url: str
    since: int = FIRST_REPORT_YEAR

    def expand(self, years: Iterable[int]) -> list[tuple[str, int | None]]:
        """The concrete URLs for the years asked, each with its year (None if fixed)."""
        if "{year}" not in self.url:
            return [(self.url, None)]
        return [(self.url.format(year=y), y) for y in years if y >= self.since]


@dataclass(frozen=True)
class Site:
    """A portal (or a department's site) and how to walk its 年报 lists."""

    id: str
    name: str
    level: str
    hosts: tuple[str, ...]
    platform: str
    index: tuple[IndexUrl, ...]
    status: str
    division: str | None = None
    parent: str | None = None
    render: bool = False
    challenge: str | None = None
    evidence: str = ""

    def as_row(self) -> dict:
        """The site as a warehouse ``sites`` row (index URLs left out)."""
        return {"id": self.id, "name": self.name, "level": self.level,
                "division": self.division, "parent": self.parent, "hosts": list(self.hosts),
                "platform": self.platform, "render": int(self.render),
                "challenge": self.challenge, "status": self.status, "evidence": self.evidence}

    def owns(self, url: str) -> bool:
        """True when the URL is on one of this site's hosts."""
        return (urlsplit(url).hostname or "") in self.hosts


@dataclass(frozen=True)
class Registry:
    """All sites of one registry file, by id, in file order."""

    province: str
    sites: tuple[Site, ...]

    def get(self, site_id: str) -> Site:
        """The site with this id; RegistryError naming the known ids if absent."""
        for site in self.sites:
            if site.id == site_id:
                return site
        known = ", ".join(s.id for s in self.sites)
        raise RegistryError(f"unknown site {site_id!r}; known sites: {known}")

    def select(self, ids: str | None) -> tuple[Site, ...]:
        """Sites named in a comma list (all sites for None or empty)."""
        if not ids:
            return self.sites
        return tuple(self.get(i.strip()) for i in ids.split(",") if i.strip())

    @property
    def hosts(self) -> frozenset[str]:
        """Every host of every site: the crawl never leaves these."""
        return frozenset(h for s in self.sites for h in s.hosts)


def load_registry(path: Path | str = SITES_DIR / "gansu.yaml") -> Registry:
    """Load and validate a registry file; RegistryError says what is wrong and where."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise RegistryError(f"{path}: cannot load: {err}") from err
    if not isinstance(data, dict) or not isinstance(data.get("sites"), list):
        raise RegistryError(f"{path}: expected a mapping with a 'sites' list")
    sites = tuple(_site(path, i, raw) for i, raw in enumerate(data["sites"]))
    _check_unique(path, sites)
    return Registry(province=str(data.get("province", "")), sites=sites)


def registry_from_settings(settings) -> Registry:
    """The registry named by the NIANBAO_REGISTRY setting (the Gansu one by default)."""
    return load_registry(settings.get("NIANBAO_REGISTRY") or SITES_DIR / "gansu.yaml")


def _site(path: Path, position: int, raw: object) -> Site:
    where = f"{path}: site #{position + 1}"
    if not isinstance(raw, dict):
        raise RegistryError(f"{where}: expected a mapping, got {raw!r}")
    where = f"{path}: site {raw.get('id', '#' + str(position + 1))!r}"
    for key in ("id", "name", "level", "hosts", "platform", "index", "status"):
        if not raw.get(key):
            raise RegistryError(f"{where}: missing {key!r}")
    _check_choice(where, "level", raw["level"], LEVELS)
    _check_choice(where, "platform", raw["platform"], PLATFORMS)
    _check_choice(where, "challenge", raw.get("challenge"), CHALLENGES)
    _check_choice(where, "status", raw["status"], STATUSES)
    if not re.fullmatch(r"[a-z][a-z0-9_]*", str(raw["id"])):
        raise RegistryError(f"{where}: id must be lower_snake, got {raw['id']!r}")
    division = raw.get("division")
    if division is not None and not re.fullmatch(r"\d{6}", str(division)):
        raise RegistryError(f"{where}: division must be 6 digits, got {division!r}")
    hosts = tuple(str(h).lower() for h in raw["hosts"])
    index = tuple(_index(where, hosts, entry) for entry in raw["index"])
    return Site(
        id=raw["id"],
        name=raw["name"],
        level=raw["level"],
        hosts=hosts,
        platform=raw["platform"],
        index=index,
        status=raw["status"],
        division=str(division) if division else None,
        parent=raw.get("parent"),
        render=bool(raw.get("render", False)),
        challenge=raw.get("challenge"),
        evidence=str(raw.get("evidence", "")),
    )


def _index(where: str, hosts: tuple[str, ...], entry: object) -> IndexUrl:
    if not isinstance(entry, dict) or "url" not in entry:
        raise RegistryError(f"{where}: index entries need a 'url', got {entry!r}")
    parts = urlsplit(entry["url"])
    if parts.scheme not in ("http", "https") or parts.hostname not in hosts:
        raise RegistryError(
            f"{where}: index URL {entry['url']!r} must be http(s) on one of {hosts}"
        )
    since = entry.get("since", FIRST_REPORT_YEAR)
    if not isinstance(since, int) or since < FIRST_REPORT_YEAR:
        raise RegistryError(f"{where}: 'since' must be a year >= 2008, got {since!r}")
    return IndexUrl(url=entry["url"], since=since)


def _check_choice(where: str, key: str, value: object, allowed: tuple) -> None:
    if value not in allowed:
        raise RegistryError(f"{where}: {key} must be one of {allowed}, got {value!r}")


def _check_unique(path: Path, sites: tuple[Site, ...]) -> None:
    ids = [s.id for s in sites]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise RegistryError(f"{path}: duplicate site ids {dupes}")
    known = set(ids)
    for site in sites:
        if site.parent and site.parent not in known:
            raise RegistryError(f"{path}: site {site.id!r}: unknown parent {site.parent!r}")
