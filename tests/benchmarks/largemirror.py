"""A large mirror for benchmarks: thousands of report pages over dozens of county sites.

Built by the offline mirror's own builders (tests/mirror/portals.py, templates.py,
reports.py, tables.py): VSB (P4) and TRS (P5) portals, one per Gansu county, each
listing departments' reports of 2021-2024, a few with injected spam. Writes
DIR/sites, DIR/manifest.json, DIR/endpoints.json and DIR/registry.yaml.

    python -m tests.benchmarks.largemirror /tmp/bench-mirror --sites 52 --per-site 100
"""

from __future__ import annotations

import argparse
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import yaml
from pypinyin import lazy_pinyin

from tests.mirror import portals
from tests.mirror.build import Output, write
from tests.mirror.templates import Site

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
DIVISIONS = ROOT / "pipelines" / "data" / "gazetteer_divisions.tsv"
DEPARTMENTS = (
    "人民政府办公室",
    "发展和改革局",
    "教育局",
    "科学技术局",
    "工业和信息化局",
    "公安局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水务局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "卫生健康局",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
)
YEARS = (2024, 2023, 2022, 2021)
SPAM_EVERY = 37  # one report in 37 carries injected spam, of these kinds in turn
SPAM_KINDS = ("phrase", "hidden", "link_farm", "keyword", "title_hijack")


@dataclass(frozen=True)
class County:
    """One generated portal: a Gansu county-level division."""

    code: str
    name: str
    host: str


def counties(count: int) -> list[County]:
    """The first `count` Gansu county-level divisions, each with a pinyin host."""
    found, hosts = [], set()
    for line in DIVISIONS.read_text(encoding="utf-8").splitlines():
        code, _, name = line.partition("\t")
        if not code.startswith("62") or code.endswith("00") or name == "市辖区":
            continue
        host = "www." + "".join(lazy_pinyin(name)) + ".gov.cn"
        if host in hosts:
            host = f"www.{''.join(lazy_pinyin(name))}{code}.gov.cn"
        hosts.add(host)
        found.append(County(code, name, host))
    if len(found) < count:
        raise ValueError(
            f"only {len(found)} Gansu counties in the gazetteer, {count} asked"
        )
    return found[:count]


def plan_items(county: County, per_site: int, offset: int) -> list[dict]:
    """Plan items (tests/mirror/data/plan.yaml keys) for one county's reports."""
    items = []
    for i in range(per_site):
        year = YEARS[i // len(DEPARTMENTS) % len(YEARS)]
        item = {
            "agency": f"{county.name}{DEPARTMENTS[i % len(DEPARTMENTS)]}",
            "year": year,
        }
        if (offset + i) % SPAM_EVERY == SPAM_EVERY - 1:
            item["spam"] = SPAM_KINDS[(offset + i) // SPAM_EVERY % len(SPAM_KINDS)]
        items.append(item)
    return items


def build(sites: int, per_site: int) -> tuple[Output, list[dict]]:
    """The mirror files and the registry entries of a large mirror."""
    out, registry = Output(), []
    for n, county in enumerate(counties(sites)):
        site_id = f"c{county.code}"
        platform = "P4" if n % 2 == 0 else "P5"
        site = Site(
            site_id,
            county.host,
            f"{county.name}人民政府",
            platform,
            f"陇ICP备{county.code}号",
            f"{county.code}0001",
        )
        items = plan_items(county, per_site, n * per_site)
        if platform == "P4":
            portals.build_tianshui(out, site, {"items": items})
            index = [{"url": f"https://{county.host}/zfxxgk/zfxxgknb.htm"}]
        else:
            columns = {str(y): [it for it in items if it["year"] == y] for y in YEARS}
            portals.build_zhangye(out, site, {"columns": columns})
            index = [
                {
                    "url": f"https://{county.host}/zyszfxxgk/szfxxgknb/{{year}}nnb/bmgknb_{{year}}/",
                    "since": min(YEARS),
                }
            ]
        out.put(site, "/index.html", portals.home(site))
        registry.append(
            {
                "id": site_id,
                "name": site.name,
                "level": "county",
                "division": county.code,
                "hosts": [county.host],
                "platform": "p4_vsb" if platform == "P4" else "p5_trs",
                "index": index,
                "status": "inferred",
                "evidence": "generated benchmark portal",
            }
        )
    out.manifest.sort(key=lambda e: e["url"])
    return out, registry


def generate(folder: Path, sites: int = 52, per_site: int = 100) -> dict:
    """Write the large mirror and its registry into `folder`; a summary of what it holds."""
    folder.mkdir(parents=True, exist_ok=True)
    out, registry = build(sites, per_site)
    write(out, folder)
    (folder / "registry.yaml").write_text(
        yaml.safe_dump(
            {"province": "甘肃省", "sites": registry},
            allow_unicode=True,
            sort_keys=False,
        ),
        encoding="utf-8",
    )
    kinds: dict[str, int] = {}
    for entry in out.manifest:
        kinds[entry["kind"]] = kinds.get(entry["kind"], 0) + 1
    summary = {
        "sites": len(registry),
        "files": len(out.files),
        "kinds": kinds,
        "bytes": sum(len(b) for b in out.files.values()),
    }
    (folder / "summary.json").write_text(
        json.dumps(summary, indent=1) + "\n", encoding="utf-8"
    )
    return summary


def main(argv: list[str] | None = None) -> None:
    """Command line: generate into a folder."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--sites", type=int, default=52)
    parser.add_argument("--per-site", type=int, default=100)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logger.info("large mirror: %s", generate(args.folder, args.sites, args.per_site))


if __name__ == "__main__":
    main()
