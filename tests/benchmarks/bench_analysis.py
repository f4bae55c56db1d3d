"""Analysis speed per core: the full stage chain against plain lxml.html.fromstring on the same bytes.

python -m tests.benchmarks.bench_analysis /tmp/bench-mirror
"""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import sys
import time
from pathlib import Path
from statistics import median

import lxml.html

from pipelines.boilerplate import ChromeLearner
from pipelines.chain import analyze_page
from pipelines.gazetteer import region_from_host

ROOT = Path(__file__).resolve().parents[2]
DEVSET = ROOT / ".." / "shared" / "devset"
FETCHED_AT = "2026-11-01T00:00:00+00:00"
WARM_UP = 40  # mirror pages analysed, untimed, before the timed ones
ROUNDS = 4  # slices of the mirror's reports timed, each from sites not seen before


def devset_pages() -> list[dict]:
    """The devset's pages as page dicts (text or HTML), if ../shared is there."""
    labels = DEVSET / "labels.jsonl"
    if not labels.is_file():
        return []
    pages = []
    for line in labels.read_text(encoding="utf-8").splitlines():
        label = json.loads(line)
        path = DEVSET / label["file"] if "file" in label else None
        if path is None or not path.is_file():
            continue
        kind = "text/html" if path.suffix == ".html" else "text/plain"
        pages.append(
            {
                "url": label.get("url"),
                "body": path.read_bytes(),
                "content_type": kind,
                "kind": "report",
                "fetched_at": FETCHED_AT,
                "site": "devset",
            }
        )
    return pages


def mirror_pages(mirror_dir: Path, limit: int) -> list[dict]:
    """Report pages of the large mirror, as the crawl hands them to the stages."""
    manifest = json.loads((mirror_dir / "manifest.json").read_text(encoding="utf-8"))
    pages = []
    for entry in manifest:
        if entry["kind"] != "report":
            continue
        body = (mirror_dir / "sites" / entry["url"].split("://", 1)[1]).read_bytes()
        pages.append(
            {
                "url": entry["url"],
                "body": body,
                "content_type": "text/html; charset=UTF-8",
                "kind": "report",
                "fetched_at": FETCHED_AT,
                "site": entry["site"],
            }
        )
        if len(pages) >= limit:
            break
    return pages


def rate(pages: list[dict], work) -> float:
    """Pages per second of `work` over the pages, in this one process (one core)."""
    started = time.perf_counter()
    for page in pages:
        work(page)
    return len(pages) / (time.perf_counter() - started)


def full_chain() -> callable:
    """The crawl's chain: boilerplate learned per site, OCR off (HTML reports only)."""
    learner = ChromeLearner()
    return lambda page: analyze_page(page, learner.observe, ocr=False)


def profile(pages: list[dict], top: int = 25) -> str:
    """The top functions of the chain by own time (cProfile)."""
    chain = full_chain()
    profiler = cProfile.Profile()
    profiler.enable()
    for page in pages:
        chain(page)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def warmed_up(mirror_dir: Path, count: int) -> list[dict]:
    """``count`` mirror reports to measure, after the chain has run over WARM_UP others.

    Tables built once per process (lexicons, gazetteer and its host-name index, NFKC and
    folding tables, regexes) are loaded before measuring, on pages that are not measured:
    the stages' caches of lines and labels then hold only what other sites' pages left.
    """
    pages = mirror_pages(mirror_dir, count + WARM_UP)
    chain = full_chain()
    for page in pages[count:]:
        chain(page)
    region_from_host("warmup.gov.cn")  # the host-name index (2-3 s), built on first need
    return pages[:count]


def bench_analysis(mirror_dir: Path, limit: int = 300, rounds: int = ROUNDS) -> dict:
    """Reports/s of the chain and of lxml over the devset and the mirror's reports; the profile.

    The mirror is measured in ``rounds`` rounds, each over ``limit`` reports of sites not
    analysed before, the chain and lxml back to back on the same bytes: the machine's
    speed drifts by more than a change measures, so each figure is the median of the
    rounds, with every round's pair kept.
    """
    results = {}
    timed = limit * rounds
    mirror = warmed_up(mirror_dir, timed)
    slices = {"devset": [devset_pages()],
              "mirror": [mirror[k : k + limit] for k in range(0, timed, limit)]}
    for name, groups in slices.items():
        pairs = [_pair(pages) for pages in groups if pages]
        if not pairs:
            continue
        full, floor = median(p[0] for p in pairs), median(p[1] for p in pairs)
        results[name] = {
            "pages": sum(len(pages) for pages in groups),
            "full_pipeline_per_s": round(full, 1),
            "lxml_fromstring_per_s": round(floor, 1),
            "share_of_floor": round(full / floor, 4),
            "rounds": [[round(a, 1), round(b, 1)] for a, b in pairs],
        }
    sample = mirror_pages(mirror_dir, 150) or devset_pages()
    results["profile_top"] = profile(sample)
    results["target_per_s"] = 200
    return results


def _pair(pages: list[dict]) -> tuple[float, float]:
    """The chain's rate (a new learner) and lxml's, back to back on the same pages."""
    return (rate(pages, full_chain()),
            rate(pages, lambda page: lxml.html.fromstring(page["body"])))


if __name__ == "__main__":
    folder = (
        Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/nianbao-bench-mirror")
    )
    result = bench_analysis(folder)
    print(result.pop("profile_top"))
    print(json.dumps(result, indent=1))
