"""What a crawl run did, per site, from its nianbao/site/<id>/<event> counters."""

from __future__ import annotations

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
    lines.append(f"database: {db_path}")
    return "\n".join(lines)
