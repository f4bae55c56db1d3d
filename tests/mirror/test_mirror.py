"""Tests of the mirror server, its dynamic endpoints, and the manifest against the generated tree."""

from __future__ import annotations

import http.client
import io
import json
import re
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from tests.mirror import build, tables
from tests.mirror.server import SITES, start_server

HERE = Path(__file__).resolve().parent
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
MANIFEST = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
COOKIE = {"Cookie": "4hP44ZykCTt5P=k3x9a.48213"}
SEARCH = "/common/search/0f1e2d3c4b5a69788796a5b4c3d2e1f0"
# The crawler's second fetch of a report, the way Baidu's spider arrives from a search.
SPIDER = {
    "User-Agent": "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    "Referer": "https://www.baidu.com/s?wd=%E4%B8%B4%E5%A4%8F%E5%B8%82",
}


@pytest.fixture(scope="module")
def mirror():
    server = start_server()
    yield server
    server.stop()


def fetch(mirror, real_url: str, headers: dict | None = None, method: str = "GET", body: str | None = None, scheme: str = "prefix"):
    """(status, headers, body) for a real URL through the path-prefix or host-based scheme."""
    parts = urlsplit(real_url)
    headers = dict(headers or {})
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if scheme == "prefix":
        path = f"/{parts.hostname}{path}"
    else:
        headers["Host"] = f"{parts.hostname}.localhost:{mirror.port}"
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn = http.client.HTTPConnection("127.0.0.1", mirror.port, timeout=10)
    conn.request(method, quote(path, safe="/?=&%:;,+@!$'()*~"), body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data


def by_kind(kind: str) -> list[dict]:
    return [e for e in MANIFEST if e["kind"] == kind]


# ---- routing -------------------------------------------------------------------------------------------


def test_both_schemes_serve_the_same_page(mirror):
    url = "https://www.zhangye.gov.cn/zyszfxxgk/szfxxgknb/2024nnb/bmgknb_2024/"
    a = fetch(mirror, url)
    b = fetch(mirror, url, scheme="host")
    assert a[0] == b[0] == 200
    assert a[2] == b[2]
    assert a[1]["content-type"] == "text/html; charset=UTF-8"
    assert b"createPageHTML(countPage, currentPage" in a[2]


def test_query_ignored_for_static_files(mirror):
    status, _, body = fetch(mirror, "https://www.dingxi.gov.cn/col/col16760/index.html?uid=40001&pageNum=2")
    assert status == 200 and b"<datastore>" in body


def test_unknown_host_and_missing_file_are_404_and_logged(mirror):
    assert fetch(mirror, "https://www.example-unknown.gov.cn/index.html")[0] == 404
    status, headers, body = fetch(mirror, "https://www.zhangye.gov.cn/nope.html")
    assert status == 404 and headers["content-type"].startswith("text/html")
    assert mirror.log[-1]["host"] == "www.zhangye.gov.cn" and mirror.log[-1]["status"] == 404


def test_log_records_requests_and_is_served_as_json(mirror):
    fetch(mirror, "https://www.longnan.gov.cn/zfxxgk/zfxxgknb/index.html?x=1", {"User-Agent": "nianbao-test", "Referer": "https://www.longnan.gov.cn/"})
    entry = mirror.log[-1]
    assert entry == {
        "host": "www.longnan.gov.cn",
        "path": "/zfxxgk/zfxxgknb/index.html",
        "query": "x=1",
        "method": "GET",
        "user_agent": "nianbao-test",
        "referer": "https://www.longnan.gov.cn/",
        "status": 200,
    }
    conn = http.client.HTTPConnection("127.0.0.1", mirror.port, timeout=10)
    conn.request("GET", "/__mirror__/log")
    served = json.loads(conn.getresponse().read())
    assert entry in served


def test_tianshui_is_gbk(mirror):
    status, headers, body = fetch(mirror, "https://www.tianshui.gov.cn/zfxxgk/zfxxgknb.htm")
    assert status == 200 and headers["content-type"] == "text/html; charset=GBK"
    text = body.decode("gbk")
    assert '<meta charset="gbk">' in text and "政府信息公开年报" in text
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert "_simple_list_gotopage_fun(3,'u8_goto',2)" in text and "共3页" in text


def test_robots(mirror):
    status, _, body = fetch(mirror, "https://www.lxs.gov.cn/robots.txt")
    assert status == 200 and b"Disallow: /private/" in body
    assert fetch(mirror, "https://www.zhangye.gov.cn/robots.txt")[0] == 404
    assert fetch(mirror, "https://www.gansu.gov.cn/robots.txt")[0] == 404  # no challenge on robots.txt
    private = by_kind("robots_disallowed")
    assert len(private) == 1 and urlsplit(private[0]["url"]).path.startswith("/private/")


# ---- 瑞数 challenge ------------------------------------------------------------------------------------


def test_challenge_without_cookie(mirror):
    for url in ("https://www.gansu.gov.cn/gsszf/c100999/zfxxgknb.shtml", f"https://www.gansu.gov.cn{SEARCH}?page=2"):
        status, _, body = fetch(mirror, url)
        assert status == 412
        text = body.decode()
        assert "r='m'" in text and "$_ts" in text
        src = re.search(r'src="([^"]+)"', text).group(1)
        js_status, js_headers, js = fetch(mirror, f"https://www.gansu.gov.cn{src}")
        assert js_status == 200 and js_headers["content-type"].startswith("application/javascript")
        assert b"4hP44ZykCTt5P=" in js and b"location.reload()" in js


def test_challenge_with_cookie_either_scheme(mirror):
    url = "https://www.gansu.gov.cn/gsszf/c100999/zfxxgknb.shtml"
    for scheme in ("prefix", "host"):
        status, _, body = fetch(mirror, url, COOKIE, scheme=scheme)
        assert status == 200 and b'<ul id="list">' in body and b'class="jzgd"' in body
    assert fetch(mirror, url, {"Cookie": "4hP44ZykCTt5P="})[0] == 412


# ---- dynamic endpoints ---------------------------------------------------------------------------------


def gansu_page(mirror, page: int, as_json: bool):
    q = f"sort=&_isAgg=false&_isJson={'true' if as_json else 'false'}&_pageSize=8&_template=index&_channelName=&page={page}"
    return fetch(mirror, f"https://www.gansu.gov.cn{SEARCH}?{q}", COOKIE)


def test_gansu_load_more(mirror):
    status, _, body = gansu_page(mirror, 2, False)
    text = body.decode()
    assert status == 200 and text.count('<div class="title"><a') == 8 and 'class="next"' in text and "page=3" in text
    _, _, last = gansu_page(mirror, 3, False)
    assert 'class="next"' not in last.decode() and last.decode().count("<li>") >= 1
    status, headers, body = gansu_page(mirror, 2, True)
    doc = json.loads(body)
    assert headers["content-type"].startswith("application/json")
    assert doc["data"]["rows"] == 8 and doc["data"]["channelName"] == "政府信息公开年报"
    assert len(doc["data"]["results"]) == 8 and {"title", "url", "publishedTimeStr"} <= set(doc["data"]["results"][0])
    total = doc["data"]["total"]
    assert 17 <= total <= 24


def test_jpaas_unit_api(mirror):
    status, _, body = fetch(mirror, "https://www.linxia.gov.cn/lxz/zwgk/zfxxgknb/2023/zzfgbm/index.html")
    text = body.decode()
    params = json.loads(re.search(r"var jpaasParams = (\{.*?\});", text).group(1))
    count = int(re.search(r"count=.(\d+)", text).group(1))
    assert count >= 11 and text.count("<li class='cf'>") == 5
    seen = []
    for page in (1, 2, 3):
        q = (
            f"parseType=bulidstatic&webId={params['webId']}&tplSetId={params['tplSetId']}&pageType=column"
            f"&tagId={quote(params['tagId'])}&editType=null&pageId={params['pageId']}&paramJson={quote(json.dumps({'pageNo': page, 'pageSize': 5}))}"
        )
        _, _, body = fetch(mirror, f"https://www.linxia.gov.cn/api-gateway/jpaas-publish-server/front/page/build/unit?{q}")
        doc = json.loads(body)
        assert doc["success"] is True and doc["message"] == "生成成功"
        seen += re.findall(r"href='([^']+)'", doc["data"]["html"])
    assert len(seen) == count == len(set(seen))


def test_jpaas_download(mirror):
    att = [e for e in by_kind("attachment") if e["site"] == "linxia"][0]
    status, headers, body = fetch(mirror, att["url"])
    assert status == 200 and body[:2] == b"PK" and "spreadsheetml" in headers["content-type"]


def test_dingxi_dataproxy(mirror):
    _, _, page = fetch(mirror, "https://www.dingxi.gov.cn/col/col16760/index.html")
    total = int(re.search(rb"totalRecord: (\d+)", page).group(1))
    assert page.count(b"<record>") == 5
    form = "col=1&appid=1&webid=110&path=/&columnid=16760&sourceContentType=1&unitid=40001&webname=%E5%AE%9A%E8%A5%BF&permissiontype=0"
    records = []
    for start in range(1, total + 1, 5):
        url = f"https://www.dingxi.gov.cn/module/web/jpage/dataproxy.jsp?startrecord={start}&endrecord={start + 4}&perpage=5"
        status, headers, body = fetch(mirror, url, method="POST", body=form)
        assert status == 200 and body.startswith(b'<?xml version="1.0" encoding="UTF-8"?><datastore>')
        assert f"<totalrecord>{total}</totalrecord>".encode() in body
        records += re.findall(rb"<record><!\[CDATA\[(.*?)\]\]></record>", body, re.S)
    assert len(records) == total >= 12
    assert any(b"http://zwgk.dingxi.gov.cn/art/" in r for r in records)


def test_vsb_download_needs_referer(mirror):
    att = [e for e in by_kind("attachment") if e["site"] == "tianshui"][0]
    status, _, body = fetch(mirror, att["url"])
    assert status == 200 and body.lstrip().startswith(b"<!DOCTYPE html>") and "错误".encode() in body
    parent = urlsplit(att["parent"])
    for referer in (att["parent"], f"{mirror.base_url}/{parent.hostname}{parent.path}", f"http://{parent.hostname}.localhost:{mirror.port}{parent.path}"):
        status, headers, body = fetch(mirror, att["url"], {"Referer": referer})
        assert status == 200 and body[:2] == b"PK" and "wordprocessingml" in headers["content-type"]


def test_off_registry_redirect(mirror):
    (item,) = by_kind("off_registry_redirect")
    status, headers, _ = fetch(mirror, item["url"])
    assert status == 302 and headers["location"] == "https://www.88bet-casino.example/"
    assert "年度报告" in item["title"]


def test_longnan_list_is_built_by_script(mirror):
    _, _, page = fetch(mirror, "https://www.longnan.gov.cn/zfxxgk/zfxxgknb/index.html")
    assert b'<ul class="doc_list list-4640170"></ul>' in page and b"list.json" in page
    _, headers, data = fetch(mirror, "https://www.longnan.gov.cn/zfxxgk/zfxxgknb/list.json")
    rows = json.loads(data)
    assert headers["content-type"].startswith("application/json") and len(rows) == 4


# ---- manifest against the tree -------------------------------------------------------------------------


def test_every_manifest_url_is_served(mirror):
    for e in MANIFEST:
        headers = dict(COOKIE) if e["site"] == "gansu" else {}
        if e["kind"] == "attachment":
            headers["Referer"] = e["parent"]
        method, body = ("POST", "col=1&columnid=16760") if e.get("method") == "POST" else ("GET", None)
        status = fetch(mirror, e["url"], headers, method, body)[0]
        assert status == (302 if e["kind"] == "off_registry_redirect" else 200), e["url"]


def test_every_html_page_is_in_the_manifest():
    urls = {urlsplit(e["url"]).hostname + urlsplit(e["url"]).path for e in MANIFEST}
    for path in SITES.rglob("*"):
        if path.suffix in (".html", ".htm", ".shtml"):
            rel = path.relative_to(SITES).as_posix()
            folder_index = rel.removesuffix("index.html")
            assert rel in urls or folder_index in urls, rel


def test_content_counts_and_fields():
    reports = by_kind("report")
    assert len(reports) >= 45
    assert sum(1 for r in reports if r.get("spam")) >= 3
    assert all(r["spam_evidence"] for r in reports if r.get("spam"))
    assert len(by_kind("not_report")) >= 3
    schema_keys = {k for k in tables.zero_values()}
    with_fields = [e for e in MANIFEST if e.get("fields")]
    assert len(with_fields) >= 30
    for e in with_fields:
        assert set(e["fields"]) <= schema_keys, e["url"]
    dongxiang = [r for r in reports if r["agency"] == "东乡族自治县人民政府"][0]
    assert dongxiang["fields"]["active.licensing.decisions"] == 302
    assert dongxiang["fields"]["active.admin_fees.amount_wan_yuan"] == 84.67
    assert dongxiang["fields"]["requests.outcome.partial.total"] == 3


@pytest.mark.parametrize("seed", range(40))
def test_generated_values_satisfy_identities(seed):
    v = tables.generate_values(seed, busy=seed % 2 == 0)
    rows = tables.schema()["requests"]["rows"]
    cols = tables.request_columns()
    outcome_leaves = [r["path"] for r in rows if r["path"].startswith("requests.outcome.") and r["path"] != "requests.outcome.total"]
    for c in cols:
        assert v[f"requests.new.{c}"] + v[f"requests.carried_over.{c}"] == v[f"requests.outcome.total.{c}"] + v[f"requests.carry_forward.{c}"]
        assert v[f"requests.outcome.total.{c}"] == sum(v[f"{p}.{c}"] for p in outcome_leaves)
    for r in rows:
        assert v[f"{r['path']}.total"] == sum(v[f"{r['path']}.{c}"] for c in cols if c != "total")
    for b in ("review", "litigation_direct", "litigation_after_review"):
        assert v[f"review_litigation.{b}.total"] == sum(v[f"review_litigation.{b}.{c}"] for c in ("upheld", "corrected", "other", "pending"))
    assert all(x >= 0 for x in v.values())


def test_generator_output_up_to_date(tmp_path):
    if not (SHARED / "seeds").is_dir():
        pytest.skip("../shared (seeds/devset) not present")
    build.write(build.build(), tmp_path)
    fresh = {p.relative_to(tmp_path / "sites").as_posix(): p.read_bytes() for p in (tmp_path / "sites").rglob("*") if p.is_file()}
    stored = {p.relative_to(SITES).as_posix(): p.read_bytes() for p in SITES.rglob("*") if p.is_file()}
    assert sorted(fresh) == sorted(stored), "run: python -m tests.mirror.build"
    assert all(fresh[k] == stored[k] for k in fresh), "run: python -m tests.mirror.build"
    for name in ("manifest.json", "endpoints.json"):
        assert (tmp_path / name).read_bytes() == (HERE / name).read_bytes(), f"{name} stale: run python -m tests.mirror.build"


def test_spam_evidence_is_on_the_page(mirror):
    import html as htmllib

    for e in by_kind("report"):
        if e.get("spam"):
            # A cloaked page shows its spam to search engines only (tests/mirror/test_injections.py).
            headers = SPIDER if e.get("spam_served_to") == "search_engine" else {}
            text = htmllib.unescape(fetch(mirror, e["url"], headers)[2].decode("utf-8"))
            for s in e["spam_evidence"]:
                assert s in text, (e["url"], s)


def test_relative_list_links_resolve_to_manifest_pages(mirror):
    from urllib.parse import urljoin

    urls = {e["url"] for e in MANIFEST}
    pages = [e for e in by_kind("index") if e["site"] in ("tianshui", "zhangye")]
    assert len(pages) >= 6
    for e in pages:
        body = fetch(mirror, e["url"])[2].decode("gbk" if e["site"] == "tianshui" else "utf-8")
        block = re.search(r'<ul class="(?:txtList|list|year-list)">(.*?)</ul>', body, re.S).group(1)
        for href in re.findall(r'href="([^"]+)"', block):
            target = urljoin(e["url"], href)
            assert target in urls or target + "index.html" in urls, (e["url"], href)


def test_pdf_attachments_are_well_formed(mirror):
    import pdfplumber

    pdfs = [e for e in by_kind("attachment") if e["file_type"] == "pdf"]
    assert len(pdfs) == 2  # ruled tables with a text layer, and a scan (pictures only)
    for att in pdfs:
        status, headers, body = fetch(mirror, att["url"], COOKIE)
        assert status == 200 and headers["content-type"] == "application/pdf" and body.startswith(b"%PDF-")
        xref = int(re.search(rb"startxref\s+(\d+)", body).group(1))
        assert body[xref:].startswith(b"xref")
        with pdfplumber.open(io.BytesIO(body)) as pdf:
            text = "".join(page.extract_text() for page in pdf.pages)
            pictures = sum(len(page.images) for page in pdf.pages)
        assert (text, pictures) == ("", 3) if "审计厅" in att["title"] else "第二十条" in text
        assert len(att["fields"]) == 200
        # The report page itself carries no tables, only 详见附件.
        page = fetch(mirror, att["parent"], COOKIE)[2].decode()
        assert "详见附件" in page and "<table border" not in page and "insertfileTag" in page


def test_table_pictures_beside_their_report(mirror):
    (report,) = [e for e in by_kind("report") if e.get("image_fields")]
    images = [e for e in by_kind("image") if e["parent"] == report["url"]]
    page = fetch(mirror, report["url"])[2].decode()
    assert len(images) == 3 and "<table border" not in page
    for image in images:
        assert f'<img src="{image["url"].rsplit("/", 1)[1]}"' in page
        status, headers, body = fetch(mirror, image["url"])
        assert status == 200 and headers["content-type"] == "image/png" and body.startswith(b"\x89PNG")