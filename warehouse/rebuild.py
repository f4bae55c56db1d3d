"""Replay archived pages through every stage into a warehouse: ``rebuild`` and ``import``.

This module is the top-level command's library, not the store's core: it joins the
stages (pipelines/) with the store, offline. WARC pages are replayed in the order the
crawl wrote them, through the same chrome learner, so a rebuilt warehouse holds what
the crawl stored.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from crawler.registry import load_registry
from pipelines.analyze import page_from_file
from pipelines.boilerplate import ChromeLearner
from pipelines.chain import analyze_page
from pipelines.crossyear import finish_warehouse
from pipelines.persist import persist_item
from warehouse.runs import summarize, utc_now
from warehouse.schema import open_db
from warehouse.store import finish_run, start_run, store_sites
from warehouse.warc import count_pages, read_pages

WARC_SUFFIXES = (".warc", ".warc.gz")
LOCAL_SITE = {"id": "local", "name": "本地导入 / imported files", "level": "department",
              "hosts": [], "platform": "generic", "status": "inferred", "render": 0,
              "evidence": "python -m warehouse import"}


def is_warc(path: Path) -> bool:
    """True for a .warc or .warc.gz file."""
    return path.name.endswith(WARC_SUFFIXES)


def warc_files(directory: Path) -> list[Path]:
    """The WARC files of a raw archive, oldest first (the order the crawl wrote them)."""
    files = [p for p in directory.glob("*.warc*") if is_warc(p)]
    return sorted(files, key=lambda p: (p.stat().st_mtime, p.name))


def local_page(path: Path) -> dict[str, Any]:
    """A page dict for a local file, stored under its file URL and the "local" site."""
    return {**page_from_file(path, path.resolve().as_uri()), "site": "local"}


def pages_from(paths: Iterable[Path]) -> Iterator[dict[str, Any]]:
    """Page dicts from WARC files and plain files, in the order given."""
    for path in paths:
        if is_warc(path):
            yield from read_pages([path])
        else:
            yield local_page(path)


def count_pages_in(paths: Iterable[Path]) -> int:
    """Pages a replay of these paths will store (for the progress bar)."""
    return sum(count_pages(p) if is_warc(p) else 1 for p in paths)


def replay(db_path: Path, pages: Iterable[dict[str, Any]], *, raw_dir: Path | None = None,
           command: str = "rebuild", ocr: bool = True,
           progress: Callable[[dict], None] = lambda page: None) -> Counter:
    """Analyse and store pages into a warehouse; returns the count of each outcome."""
    db = open_db(db_path)
    raw_dir = raw_dir or db_path.parent / "raw"
    run_id = f"{command}-{uuid.uuid4().hex}"
    start_run(db, run_id, command, {}, utc_now())
    registry = {site.id: site for site in load_registry().sites}
    learner = ChromeLearner()
    outcomes: Counter = Counter()
    known_sites: set[str] = set()
    for page in pages:
        site = page.get("site") or "local"
        if site not in known_sites:
            store_sites(db, [registry[site].as_row() if site in registry else LOCAL_SITE])
            known_sites.add(site)
        item = analyze_page(page, learner.observe, ocr=ocr)
        outcomes[persist_item(db, raw_dir, item, run_id)] += 1
        progress(item)
    stats = {f"nianbao/{command}/{k}": v for k, v in outcomes.items()}
    finish_run(db, run_id, finished_at=utc_now(), reason="finished", stats=stats,
               summary=summarize(stats, str(db_path)))
    finish_warehouse(db)
    db.close()
    return outcomes

