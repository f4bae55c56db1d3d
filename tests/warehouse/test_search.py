"""Chinese full-text search: bigram tokens, query rewriting, index sync, real texts."""

from __future__ import annotations

import random
import re
import unicodedata
from functools import partial
from pathlib import Path

import pytest

from pipelines.persist import open_warehouse, store_item
from pipelines.writer import Writer
from tests.warehouse.conftest import REPORTS, SITES
from warehouse.schema import open_db
from warehouse.search import (
    SEARCH_TABLE,
    bigram_tokens,
    fts_query,
    search_urls,
    snippet,
    sync_search,
)
from warehouse.store import store_page, store_sites

HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
SEEDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds"


def test_bigram_tokens_keep_words_and_numbers_whole():
    assert bigram_tokens("定西市民政局2021年度ABC（报告）") == [
        "定西",
        "西市",
        "市民",
        "民政",
        "政局",
        "2021",
        "年度",
        "abc",
        "报告",
    ]
    assert bigram_tokens("民") == ["民"]
    assert bigram_tokens(None) == []


@pytest.mark.parametrize(
    ("query", "expression"),
    [
        ("民政", '"民政"'),
        ("定西市民政局", '"定西 西市 市民 民政 政局"'),
        ("行政 复议", '"行政" "复议"'),
        ("民", '"民"*'),
        ("2021年", '"2021 年"*'),
        ('" OR NEAR(', '"or" "near"'),
        ("  ", ""),
    ],
)
def test_fts_query(query, expression):
    assert fts_query(query) == expression


def test_two_character_words_and_phrases_found(warehouse_db):
    sync_search(warehouse_db)
    assert set(search_urls(warehouse_db, "复议")) == {
        "https://www.dingxi.gov.cn/a/mz2021.html"
    }
    assert set(search_urls(warehouse_db, "诉讼")) == {
        "https://www.dingxi.gov.cn/a/mz2021.html",
        "https://www.dingxi.gov.cn/a/mz2022.html",
    }
    assert set(search_urls(warehouse_db, "定西市民政局")) == {
        "https://www.dingxi.gov.cn/a/mz2021.html",
        "https://www.dingxi.gov.cn/a/mz2022.html",
    }
    assert search_urls(warehouse_db, "民政局2021年") == [
        "https://www.dingxi.gov.cn/a/mz2021.html"
    ]
    # Characters present, but not consecutive: a phrase must not match.
    assert search_urls(warehouse_db, "民政诉讼") == []


def test_sync_reindexes_only_changed_and_drops_deleted(warehouse_db):
    first = sync_search(warehouse_db)
    assert (first.indexed, first.removed) == (first.total, 0)
    assert sync_search(warehouse_db).indexed == 0
    url = "https://www.dingxi.gov.cn/a/zf2022.html"
    row = warehouse_db["reports"].get(url)
    warehouse_db["reports"].update(url, {"text": row["text"] + "新增信访工作内容。"})
    warehouse_db.execute(
        "DELETE FROM reports WHERE url = ?", ["https://www.lxs.gov.cn/a/clone.html"]
    )
    warehouse_db.conn.commit()
    again = sync_search(warehouse_db)
    assert (again.indexed, again.removed, again.total) == (1, 1, first.total - 1)
    assert search_urls(warehouse_db, "信访") == [url]
    assert search_urls(warehouse_db, "如皋") == []


def test_the_crawls_writer_indexes_the_reports_it_stores(tmp_path):
    """Through the crawl's writer process: each report is found once its store is
    committed, with no refresh; a report stored again with another text is re-indexed."""
    path = tmp_path / "reports.db"
    store_sites(open_db(path), SITES)
    writer = Writer(partial(open_warehouse, partial(open_db, path), tmp_path / "raw", None))
    try:
        stored = [writer.write(store_item, {**item["page"], "record": item["record"]})
                  for item in REPORTS]
        assert {future.result(timeout=60) for future in stored} == {"new"}
        db = open_db(path)
        assert search_urls(db, "复议") == ["https://www.dingxi.gov.cn/a/mz2021.html"]
        assert sync_search(db).indexed == 0  # the refresh has nothing left to index
        first = REPORTS[0]
        record = {**first["record"], "text": "改写后的信访内容。"}
        page = {**first["page"], "body": first["page"]["body"] + b" ", "record": record}
        assert writer.write(store_item, page).result(timeout=60) == "changed"
        assert search_urls(db, "信访") == [first["page"]["url"]]
        assert first["page"]["url"] not in search_urls(db, "复议")
        assert sync_search(db).indexed == 0
    finally:
        writer.close()


def test_a_search_index_that_cannot_be_written_leaves_the_stores_to_the_refresh(
        tmp_path, caplog):
    warehouse = open_warehouse(partial(open_db, tmp_path / "reports.db"), tmp_path / "raw", None)
    db = warehouse.db
    store_sites(db, SITES)
    db.execute(f"DROP TABLE {SEARCH_TABLE}")  # the index's table gone
    with db.atomic():
        for item in REPORTS:
            store_item(warehouse, {**item["page"], "record": item["record"]})
        warehouse.flush()
    assert f"search index of {len(REPORTS)} pages left to the refresh" in caplog.text
    assert db["reports"].count == len(REPORTS)  # stored all the same
    assert sync_search(db).indexed == len(REPORTS)
    assert search_urls(db, "复议") == ["https://www.dingxi.gov.cn/a/mz2021.html"]
    warehouse.close()


def test_snippet_shows_text_around_the_first_term():
    text = "甲" * 50 + "行政复议" + "乙" * 50
    assert snippet(text, "复议 诉讼", width=3) == "…甲行政复议乙乙乙…"
    assert snippet(text, "无关") == ""


def _seed_texts() -> list[str]:
    if not SEEDS.is_dir():
        pytest.skip("shared/seeds not present")
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def test_search_equals_substring_match_on_real_reports(tmp_path):
    """On the real seed reports, a sampled query finds exactly the texts holding it."""
    texts = _seed_texts()
    db = open_db(tmp_path / "reports.db")
    for i, text in enumerate(texts):
        page = {
            "url": f"https://example.gov.cn/{i}.html",
            "kind": "report",
            "body": b"",
        }
        store_page(db, page, {"fields": {}, "text": text}, digest=str(i))
    sync_search(db)
    normalised = [unicodedata.normalize("NFKC", t).lower() for t in texts]
    rng = random.Random(6)
    queries = [
        "民政",
        "复议",
        "诉讼",
        "依申请公开",
        "政府信息公开工作年度报告",
        "行政复议",
    ]
    for _ in range(300):
        text = rng.choice(normalised)
        start = rng.randrange(len(text) - 8)
        queries.append(text[start : start + rng.randint(2, 6)])
    checked = hits = 0
    for query in queries:
        # Only runs of Chinese: punctuation and spaces separate tokens in both index
        # and query, and numbers are whole words (88 does not find 1288).
        if not HAN_RUN.fullmatch(query):
            continue
        expected = {
            f"https://example.gov.cn/{i}.html"
            for i, t in enumerate(normalised)
            if query in t
        }
        assert set(search_urls(db, query)) == expected, query
        checked += 1
        hits += bool(expected)
    print(
        f"search vs substring: {checked} queries checked, {hits} with hits, all equal"
    )
    assert checked >= 100
