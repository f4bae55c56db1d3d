"""Generate the mirror: `python -m tests.mirror.build` rewrites sites/, manifest.json and endpoints.json.

Deterministic: the same plan and shared texts always give byte-identical output (a test checks it).
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tests.mirror import portals
from tests.mirror.templates import Site

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
PLAN = HERE / "data" / "plan.yaml"


@dataclass
class Output:
    """The files, manifest entries and endpoint data collected while building (builder state)."""

    files: dict[str, bytes] = field(default_factory=dict)
    manifest: list[dict] = field(default_factory=list)
    endpoints: dict = field(default_factory=dict)

    def put(self, site: Site, path: str, data: str | bytes, host: str | None = None) -> None:
        """Store one file at <host>/<path>; text is encoded in the site's charset."""
        if isinstance(data, str):
            data = data.encode(site.charset, errors="xmlcharrefreplace")
        key = f"{host or site.host}{path}"
        if path.endswith("/"):
            key += "index.html"
        self.files[key] = data

    def entry(self, **kw) -> dict:
        """Add one manifest object (None values left out)."""
        obj = {k: v for k, v in kw.items() if v is not None}
        self.manifest.append(obj)
        return obj


def load_plan() -> dict:
    """The site plan (data/plan.yaml)."""
    return yaml.safe_load(PLAN.read_text(encoding="utf-8"))["sites"]


def site_of(site_id: str, spec: dict) -> Site:
    """Site identity from its plan entry."""
    charset = "gbk" if spec["host"] == "www.tianshui.gov.cn" else "utf-8"
    return Site(site_id, spec["host"], spec["name"], spec["platform"], spec["icp"], spec["bsm"], charset)


def build() -> Output:
    """Build every site of the plan into one Output."""
    out = Output()
    for site_id, spec in load_plan().items():
        site = site_of(site_id, spec)
        portals.BUILDERS[site_id](out, site, spec)
        out.put(site, "/index.html", portals.home(site))
        out.entry(url=f"https://{site.host}/index.html", site=site_id, kind="home", title=f"{site.name}首页")
    out.manifest.sort(key=lambda e: e["url"])
    return out


def write(out: Output, root: Path) -> None:
    """Replace root/sites, root/manifest.json and root/endpoints.json with `out`."""
    sites = root / "sites"
    if sites.exists():
        shutil.rmtree(sites)
    for key, data in sorted(out.files.items()):
        path = sites / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (root / "manifest.json").write_text(json.dumps(out.manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (root / "endpoints.json").write_text(json.dumps(out.endpoints, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    """Command line: build into tests/mirror (or --out DIR)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    out = build()
    write(out, args.out)
    kinds: dict[str, int] = {}
    for e in out.manifest:
        kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
    logger.info("mirror: %d files, manifest %s", len(out.files), kinds)


if __name__ == "__main__":
    main()
