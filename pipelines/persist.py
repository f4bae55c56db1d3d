"""Stage 6 as one function: a page item into the warehouse and the archives.

The crawl's StorePipeline, ``rebuild`` and ``import`` all store through
``persist_item``, so each path writes the same rows for the same page.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from pipelines import chain
from warehouse.archive import store_raw
from warehouse.history import record_failure, touch_page
from warehouse.store import store_attachments, store_page
from warehouse.warc import WarcArchive


def persist_item(db: Database, raw_dir: Path, item: dict[str, Any], run_id: str | None,
                 warc: WarcArchive | None = None) -> str:
    """Store an analysed page item with its attachments; returns its outcome.

    Outcomes: "unchanged" (only marked as seen), "failed_kept" (a failed fetch of a page the
    warehouse already holds: the stored copy stays), else store_page's "new"/"changed"
    (or "unchanged" when the same bytes came again without revalidation).
    """
    if item.get("unchanged"):
        with db.atomic():
            for page in (item, *item.get("attachments", ())):
                touch_page(db, page["url"], page.get("fetched_at"), run_id)
        return "unchanged"
    if item.get("status") != 200:
        findings = json.dumps(item.get("findings") or [], ensure_ascii=False)
        with db.atomic():
            if record_failure(db, item["url"], item.get("status"), item.get("fetched_at"),
                              findings):
                return "failed_kept"
    location = warc.write_page(item) if warc is not None else (None, None)
    digest = store_raw(raw_dir, item.get("body") or b"")
    probe = item.get("probe")
    probe_digest = store_raw(raw_dir, probe["body"]) if probe else None
    record = chain.to_record(item)
    outcome = store_page(db, item, record, digest, run_id, probe_digest, warc=location)
    stored = []
    for attachment in item.get("attachments", ()):
        attachment_record = chain.to_record(attachment)
        attachment_digest = store_raw(raw_dir, attachment.get("body") or b"")
        store_page(db, attachment, attachment_record, attachment_digest, run_id, warc=location)
        stored.append((attachment, attachment_record, attachment_digest))
    if stored:
        store_attachments(db, item["url"], record, stored)
    return outcome
