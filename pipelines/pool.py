"""The crawl's analysis of a page item: chain.STEPS in a process pool, the chrome learner here.

The stages are pure functions but one: the chrome learner (boilerplate.ChromeLearner)
learns each site's template from the pages in the order they come, and ``rebuild`` replays
that order. So a page is analysed in two parts around it:

    decode_part       the steps up to decode (chain.STEPS)       in a worker
    learner.observe   the site's chrome, pages in entry order     in this process
    analyze_part      the other steps, in chain.STEPS order, and  in a worker
                      the records the store writes (to_record)

``attachments`` precedes ``boilerplate`` in STEPS and runs after the learner here: the
learner reads only HTML pages' decoded text, which reading documents never changes, so it
learns what ``chain.analyze_page`` learns. Items leave ``Analysis.analyze`` in the order
they entered it, so the store (which queues each item as it comes) writes them, and the
WARC that ``rebuild`` replays holds them, in the order the learner saw them.
With no workers both parts run in this process, through the same functions.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor, process
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from pipelines.boilerplate import Chrome, ChromeLearner
from pipelines.children import CONTEXT, LogRelay, child_init
from pipelines.chain import STEPS, read_dom, run_step, to_record
from warehouse.warc import page_records

logger = logging.getLogger(__name__)

# A pool that breaks again and again (workers killed for memory, say) is given up after
# this many fresh starts; the rest of the crawl is analysed in this process.
MAX_RESTARTS = 3
# Calls queued for the workers beyond one each. ProcessPoolExecutor queues one more call
# than it has workers (process.EXTRA_QUEUED_CALLS) and tops that queue up from its manager
# thread, which in the crawl waits for the GIL behind the reactor: the workers sat idle
# waiting for their next page. (A queued call cannot be cancelled; none is.)
QUEUED_AHEAD = 16

STEP_NAMES = tuple(name for name, _ in STEPS)
LEARNED_FROM = "decode"  # the step whose output the chrome learner reads
BEFORE_LEARNING = STEP_NAMES[: STEP_NAMES.index(LEARNED_FROM) + 1]
AFTER_LEARNING = STEP_NAMES[len(BEFORE_LEARNING):]
# What decode reads is the page itself, not the report's attachments or probe.
NOT_DECODED = ("attachments", "probe")


def _decode_counts(page: Mapping[str, Any]) -> list[str]:
    decoded = page.get("decoded")
    return [f"nianbao/decode/{decoded.kind}"] if decoded is not None else []


def _attachment_counts(page: Mapping[str, Any]) -> list[str]:
    keys = []
    for part in (page, *page.get("attachments", ())):
        document = part.get("document")
        if document is not None:
            keys.append(f"nianbao/attachments/{document.format}/{document.method}")
            keys.extend(f"nianbao/attachments/{flag.code}" for flag in document.flags)
    return keys


def _spam_counts(page: Mapping[str, Any]) -> list[str]:
    spam = page.get("spam")
    if spam is None or not spam.is_spam:
        return []
    return [f"nianbao/site/{page['site']}/spam", *(f"nianbao/spam/{kind}" for kind in spam.kinds)]


def _validate_counts(page: Mapping[str, Any]) -> list[str]:
    report = page.get("report")
    flags = [*(report.flags if report else ()), *page.get("quality", ())]
    head = [f"nianbao/site/{page['site']}/flagged"] if flags else []
    return head + [f"nianbao/quality/{flag.code}" for flag in flags]


# The crawl's stats counters, by the step after which they are read.
COUNTERS: dict[str, Callable[[Mapping[str, Any]], list[str]]] = {
    "decode": _decode_counts,
    "attachments": _attachment_counts,
    "spam": _spam_counts,
    "validate": _validate_counts,
}


def step_args(name: str, chrome: Chrome | None, ocr: bool) -> tuple:
    """The extra arguments of a step: the learned chrome, the OCR switch."""
    return {"boilerplate": (chrome,), "attachments": (ocr,)}.get(name, ())


def run_steps(page: Mapping[str, Any], names: tuple[str, ...], chrome: Chrome | None,
              ocr: bool) -> tuple[dict, list[str]]:
    """Run these steps in order; the page and the stats counters to increment."""
    counts: list[str] = []
    for name in names:
        errors = len(page.get("stage_errors", ()))
        page = run_step(name, page, *step_args(name, chrome, ocr))
        if len(page.get("stage_errors", ())) > errors:
            counts.append(f"nianbao/stage_error/{name}")
        counts.extend(COUNTERS.get(name, lambda _: [])(page))
    return page, counts


def decode_part(page: Mapping[str, Any]) -> dict[str, Any]:
    """The steps the learner needs; returns only what they added to the page, and counts."""
    done, counts = run_steps(page, BEFORE_LEARNING, None, True)
    added = {key: value for key, value in done.items()
             if key not in page or value is not page[key]}
    # The spam step's reading of the markup, made while the tree decode parsed is kept:
    # analyze_part comes hundreds of pages later in a busy crawl, when the worker's few
    # kept trees are other pages' and this one would be parsed again.
    if (dom := read_dom(done)) is not None:
        added["dom"] = dom
    return {"added": added, "counts": counts}


def analyze_part(page: Mapping[str, Any], chrome: Chrome | None, ocr: bool) -> dict[str, Any]:
    """The other steps; returns what the store writes and the stats counters.

    That is the records (the page's, its attachments') and the page's WARC records:
    both pure functions of the page, made here rather than in the crawl's one thread.
    """
    done, counts = run_steps(page, AFTER_LEARNING, chrome, ocr)
    return {
        "record": to_record(done),
        "attachment_records": [to_record(a) for a in done.get("attachments", ())],
        "warc_records": page_records(page),
        "counts": counts,
    }


def with_records(item: Mapping[str, Any], records: Mapping[str, Any]) -> dict[str, Any]:
    """The item with its record, its attachments' records and its WARC records, for the store."""
    item = {**item, "record": records["record"], "warc_records": records["warc_records"]}
    if item.get("attachments"):
        item["attachments"] = [{**a, "record": r} for a, r in
                               zip(item["attachments"], records["attachment_records"])]
    return item


class Turns:
    """Turns handed out in the order they are asked for; each waits for the one before."""

    def __init__(self) -> None:
        self._last: asyncio.Future | None = None

    def take(self) -> tuple[asyncio.Future | None, asyncio.Future]:
        """(the turn before, this turn): await the first, then set the second's result."""
        mine = asyncio.get_running_loop().create_future()
        before, self._last = self._last, mine
        return before, mine


def _end(turn: asyncio.Future) -> None:
    if not turn.done():
        turn.set_result(None)


def _end_after(before: asyncio.Future | None, turn: asyncio.Future) -> None:
    # An item that leaves early (it failed) still ends its turn only after the one before.
    if before is None or before.done():
        _end(turn)
    else:
        before.add_done_callback(lambda _: _end(turn))


class Analysis:
    """Analyse page items in a process pool (``workers`` > 0) or in this process (0).

    ``analyze`` returns the item with ``decoded`` and the records the store writes, and
    the stats counters to increment. A worker that dies (BrokenProcessPool) loses no
    item: the item is analysed here instead, counted as ``nianbao/analysis/worker_crash``,
    and the pool is started afresh.
    """

    def __init__(self, workers: int = 0, ocr: bool = True,
                 log_level: int | str = logging.INFO) -> None:
        self.workers = max(0, workers)
        self.ocr = ocr
        self.log_level = log_level
        self.learner = ChromeLearner()
        self.restarts = 0
        self._executor: ProcessPoolExecutor | None = None
        self._logs: LogRelay | None = None
        self._learning = Turns()
        self._leaving = Turns()

    @property
    def pooled(self) -> bool:
        """True while pages go to worker processes."""
        return self.workers > 0 and self.restarts <= MAX_RESTARTS

    def analyze_here(self, item: Mapping[str, Any]) -> tuple[dict, list[str]]:
        """Both parts in this process, at once (ANALYSIS_WORKERS=0)."""
        if item.get("unchanged"):
            return dict(item), []  # the warehouse already holds this analysis
        decoded = decode_part(_own_fields(item))
        item = {**item, **decoded["added"]}
        records = analyze_part(item, self.learner.observe(item), self.ocr)
        return with_records(item, records), decoded["counts"] + records["counts"]

    async def analyze(self, item: Mapping[str, Any]) -> tuple[dict, list[str]]:
        """Both parts, in the pool; the learner and the items' exits keep the entry order."""
        before_learning, learning = self._learning.take()
        before_leaving, leaving = self._leaving.take()
        counts: list[str] = []
        try:
            if not item.get("unchanged"):
                decoded = await self._run(counts, decode_part, _own_fields(item))
                item = {**item, **decoded["added"]}
                if before_learning is not None:
                    await before_learning
                chrome = self.learner.observe(item)
                _end(learning)
                records = await self._run(counts, analyze_part, item, chrome, self.ocr)
                item = with_records(item, records)
                counts += decoded["counts"] + records["counts"]
            if before_leaving is not None:
                await before_leaving
            return dict(item), counts
        finally:
            _end_after(before_learning, learning)
            _end_after(before_leaving, leaving)

    async def _run(self, counts: list[str], function: Callable[..., dict], *args: Any) -> dict:
        executor = self._pool()
        if executor is None:
            return function(*args)
        try:
            return await asyncio.wrap_future(executor.submit(function, *args))
        except BrokenProcessPool:
            logger.error("An analysis worker died; analysing %s in the crawl process",
                         args[0].get("url"))
            counts.append("nianbao/analysis/worker_crash")
            self._restart(executor)
            return function(*args)

    def _pool(self) -> ProcessPoolExecutor | None:
        if not self.pooled:
            return None
        if self._executor is None:
            context = multiprocessing.get_context(CONTEXT)
            if self._logs is None:
                self._logs = LogRelay(context)
            self._executor = _executor(self.workers, context, self._logs.queue, self.log_level)
        return self._executor

    def _restart(self, broken: ProcessPoolExecutor) -> None:
        if self._executor is not broken:
            return  # another item already replaced it
        self._executor = None
        broken.shutdown(wait=False, cancel_futures=True)
        self.restarts += 1
        if not self.pooled:
            logger.error("Analysis workers died %d times: the rest is analysed in the crawl"
                         " process", self.restarts)

    def close(self) -> None:
        """Stop the workers (after the last item) and the log relay."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        if self._logs is not None:
            self._logs.close()
            self._logs = None


def _executor(workers: int, context, logs, level: int | str) -> ProcessPoolExecutor:
    saved = process.EXTRA_QUEUED_CALLS  # read once, when the executor is made
    process.EXTRA_QUEUED_CALLS = QUEUED_AHEAD
    try:
        return ProcessPoolExecutor(workers, mp_context=context, initializer=child_init,
                                   initargs=(logs, level, "nianbao-analyze"))
    finally:
        process.EXTRA_QUEUED_CALLS = saved


def _own_fields(item: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if key not in NOT_DECODED}
