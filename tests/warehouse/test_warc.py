"""The WARC archive gives back the pages written to it, the cloaking check's probe with them."""

from __future__ import annotations

from warcio.archiveiterator import ArchiveIterator

from warehouse.warc import WarcArchive, read_pages

BODY = "<html><body>2021年政府信息公开工作年度报告</body></html>".encode()


def _page(url: str, probe_body: bytes | None, **probe) -> dict:
    return {
        "url": url, "body": BODY, "status": 200, "headers": {"Server": ["nginx"]},
        "content_type": "text/html; charset=utf-8", "site": "dingxi", "kind": "report",
        "fetched_at": "2026-11-01T00:00:00+00:00",
        "probe": {"body": probe_body, "status": 200, "content_type": "text/html",
                  "user_agent": "Baiduspider", **probe},
    }


def test_a_probe_served_the_same_bytes_is_a_revisit_record(tmp_path):
    pages = [
        _page("https://www.dingxi.gov.cn/a.html", BODY),  # what nearly every page gets
        _page("https://www.dingxi.gov.cn/b.html", "<html>澳门赌场</html>".encode()),
        _page("https://www.dingxi.gov.cn/c.html", BODY, status=403, content_type=None),
    ]
    archive = WarcArchive(tmp_path, "run")
    for page in pages:
        archive.write_page(page)
    archive.close()

    back = list(read_pages([archive.path]))
    assert [p["url"] for p in back] == [p["url"] for p in pages]
    assert [p["body"] for p in back] == [BODY] * 3
    assert [p["probe"] for p in back] == [p["probe"] for p in pages]

    with open(archive.path, "rb") as stream:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"),
                    r.rec_headers.get_header("WARC-Profile"), len(r.content_stream().read()))
                   for r in ArchiveIterator(stream)]
    revisits = [r for r in records if r[0] == "revisit"]
    # the same bytes are kept once: the probes of a.html and c.html refer to their page's
    assert [(url, size) for _, url, _, size in revisits] == [
        ("https://www.dingxi.gov.cn/a.html", 0), ("https://www.dingxi.gov.cn/c.html", 0)]
    assert all(profile.endswith("/revisit/identical-payload-digest")
               for _, _, profile, _ in revisits)
    assert sum(kind == "response" for kind, *_ in records) == 4  # 3 pages, b.html's probe
