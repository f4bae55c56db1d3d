"""Listing adapters: one module per platform family, chosen by the registry's `platform`.

Each adapter is a pure function ``parse(url, text, kind) -> ListPage``: the entries on
one list page and the further list pages to fetch (``FollowUp``s, handed back to the
same adapter with their ``kind``). Adapters never fetch and never judge titles.
"""

from __future__ import annotations

from collections.abc import Callable

from crawler.listing import generic, p1_gansu, p2_jpaas, p3_jcms, p4_vsb, p5_trs
from crawler.listing.entries import Entry, FollowUp, ListPage

Adapter = Callable[[str, str, str], ListPage]

ADAPTERS: dict[str, Adapter] = {
    "p1_gansu": p1_gansu.parse,
    "p2_jpaas": p2_jpaas.parse,
    "p3_jcms": p3_jcms.parse,
    "p4_vsb": p4_vsb.parse,
    "p5_trs": p5_trs.parse,
    "generic": generic.parse,
}

__all__ = ["ADAPTERS", "Adapter", "Entry", "FollowUp", "ListPage"]
