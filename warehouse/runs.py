"""What a crawl run did, per site, from its nianbao/site/<id>/<event> counters."""

from __future__ import annotations

import datetime as dt

COLUMNS = (
    ("index_pages", "index"),
    ("reports", "reports"),
    ("attachments", "attach"),
    ("spam", "spam"),
    ("flagged", "flagged"),
    ("errors", "errors"),
)


def summarize(stats: dict, db_path: str) -> str:
    """The per-site table of a crawl's nianbao/site/<id>/<event> counters."""
    sites = sorted({k.split("/")[2] for k in stats if k.startswith("nianbao/site/")})
    width = max([len(s) for s in sites] + [len("site"), len("total")])
    header = "site".ljust(width) + "".join(f"{label:>9}" for _, label in COLUMNS)
    lines = [header, "-" * len(header)]
    totals = dict.fromkeys((key for key, _ in COLUMNS), 0)
    for site in sites:
        row = site.ljust(width)
        for key, _ in COLUMNS:
            value = int(stats.get(f"nianbao/site/{site}/{key}", 0))
            totals[key] += value
            row += f"{value:>9}"
        lines.append(row)
    lines.append("total".ljust(width) + "".join(f"{totals[k]:>9}" for k, _ in COLUMNS))
    for site in sites:
        counts = {key: int(stats.get(f"nianbao/site/{site}/{key}", 0))
                  for key in ("index_pages", "reports", "challenges")}
        health = site_health(counts)
        if health != "ok":
            lines.append(f"needs a look: {site}: {HEALTH_TEXT[health]}")
    lines.append(f"database: {db_path}")
    return "\n".join(lines)


HEALTH_TEXT = {
    "no_reports": "lists walked but no report link found (changed template?)",
    "challenged_only": "only bot-challenge pages answered",
    "failing": "no list page could be read",
}


def site_health(counts: dict[str, int]) -> str:
    """ok, or why a site needs a person's look: failing, challenged_only, no_reports."""
    index, reports = counts.get("index_pages", 0), counts.get("reports", 0)
    if reports == 0 and index == 0 and counts.get("challenges", 0):
        return "challenged_only"
    if reports == 0 and index == 0:
        return "failing"
    if reports == 0:
        return "no_reports"  # lists walked but no report link: a changed template?
    return "ok"


def site_runs(stats: dict, run_id: str, site_ids: list[str]) -> list[dict]:
    """One site_runs row per crawled site from the run's counters."""
    rows = []
    for site in site_ids:
        counts = {key: int(stats.get(f"nianbao/site/{site}/{key}", 0))
                  for key in ("index_pages", "reports", "attachments", "errors", "challenges")}
        rows.append({"run_id": run_id, "site": site, **counts, "health": site_health(counts)})
    return rows


def utc_now() -> str:
    """The time now in UTC, ISO 8601 to the second (run and page timestamps)."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
