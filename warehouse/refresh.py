"""Derived parts of the warehouse: views, search index, coverage ledger, in one step.

Run after a crawl or a rebuild (and by ``python -m warehouse serve`` before serving),
so what Datasette shows is derived from the rows actually stored.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from sqlite_utils import Database

from warehouse.coverage import CoverageSummary, build_coverage
from warehouse.search import SearchSync, sync_search
from warehouse.views import create_views

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RefreshResult:
    """What a refresh rebuilt."""

    views: tuple[str, ...]
    search: SearchSync
    coverage: CoverageSummary


def refresh_warehouse(
    db: Database, years: Iterable[int] | None = None
) -> RefreshResult:
    """Re-create the views, sync the search index and rebuild the coverage ledger."""
    result = RefreshResult(
        views=tuple(create_views(db)),
        search=sync_search(db),
        coverage=build_coverage(db, years),
    )
    logger.info(
        "warehouse refreshed: %d views, search %s, coverage %s",
        len(result.views),
        result.search,
        result.coverage,
    )
    return result
