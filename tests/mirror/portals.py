"""Per-portal builders: URL schemes, list pages and endpoint data of the seven mirrored sites."""

from __future__ import annotations

import json
from datetime import date, timedelta
from html import escape
from typing import Callable
from urllib.parse import quote

from tests.mirror import content, injections, reports, templates
from tests.mirror.templates import Detail, ListItem, Site

GANSU_KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
GANSU_SEARCH = f"/common/search/{GANSU_KEY}"
GANSU_QUERY = "sort=&_isAgg=false&_isJson={json}&_pageSize=8&_template=index&_channelName=&page={page}"
CHALLENGE_JS = "/4QbVtADbnLVI/c.FxYGf0Ml.b4c45da.js"
CHALLENGE_COOKIE = "4hP44ZykCTt5P"
JPAAS_UNIT = "/api-gateway/jpaas-publish-server/front/page/build/unit"
JPAAS_DOWNLOAD = "/api-gateway/jpaas-web-server/front/document/download"
DATAPROXY = "/module/web/jpage/dataproxy.jsp"
VSB_DOWNLOAD = "/system/_content/download.jsp"

Render = Callable[[Site, Detail], str]


def title_of(item: dict) -> str:
    """The list title of a plan item."""
    for key in ("not_report", "redirect", "private", "title"):
        if item.get(key):
            return item[key]
    return f"{item['agency']}{item['year']}年政府信息公开工作年度报告"


def kind_of(item: dict) -> str:
    """Manifest kind of a plan item."""
    if "not_report" in item:
        return "not_report"
    if "redirect" in item:
        return "off_registry_redirect"
    if "private" in item:
        return "robots_disallowed"
    return "report"


def pub_date(item: dict, i: int) -> date:
    """Publication date: late January of the year after the report year, newest first."""
    return date(int(item["year"]) + 1, 2, 10) - timedelta(days=2 * i + 1)


def emit(out, site: Site, item: dict, url: str, path: str, i: int, render: Render, crumbs, attach=None, host=None) -> ListItem:
    """Write one detail page (report or not) and its manifest entry; return it as a list item."""
    title, kind, day = title_of(item), kind_of(item), pub_date(item, i)
    published = f"{day.isoformat()} {9 + i % 8:02d}:{(i * 7) % 60:02d}"
    index_no = f"{site.bsm[:6]}00{int(site.bsm) % 97:02d}/{day.year}-{(reports.seed_of(url) % 90000) + 10000}"
    entry = dict(url=url, site=site.id, kind=kind, title=title, year=int(item["year"]), agency=item["agency"], list_date=day.isoformat())
    if kind == "off_registry_redirect":
        out.endpoints.setdefault("redirects", {})[f"{host or site.host}{path}"] = injections.CASINO
        out.entry(**entry, location=injections.CASINO)
        return ListItem(path, title, day.isoformat())
    if kind == "not_report":
        body, parts = content.not_report_body(title, item["agency"], reports.seed_of(url)), None
        entry["source"] = "generated: content.not_report_body"
    else:
        parts = reports.build_report(item, url)
        body, spam = parts.body, parts.injection
        entry.update(source=parts.source, fields=parts.fields, spam=bool(spam.evidence), spam_evidence=list(spam.evidence) or None)
        entry.update(spam_kinds=list(spam.kinds) or None, spam_served_to=spam.served_to)
        if parts.fields:
            entry["format"] = "gov2021"
        if spam.cloak:
            key = f"{host or site.host}{path}"
            out.endpoints.setdefault("cloaks", {})[key] = {"page": key, "inserts": [list(pair) for pair in spam.cloak]}
    links = attach(item, url, path, title, parts) if attach and item.get("attach") else ""
    if parts and parts.images:
        # Table pictures beside the page; their cells are the report's only through OCR.
        folder = path.rsplit("/", 1)[0]
        entry["image_fields"] = parts.image_fields
        for name, data in parts.images.items():
            out.put(site, f"{folder}/{name}", data, host)
            out.entry(url=f"https://{host or site.host}{folder}/{name}", site=site.id, kind="image", title=title, year=int(item["year"]), agency=item["agency"], parent=url)
    spam = parts.injection if parts else injections.NO_INJECTION
    detail = Detail(
        title, item["agency"], published, body, index_no, crumbs, links,
        footer=spam.footer, block=spam.block, head_extra=spam.head, page_title=spam.page_title, meta=spam.meta,
    )
    out.put(site, path, render(site, detail), host)
    out.entry(**entry)
    return ListItem(path, title, day.isoformat())


def _attachment(out, site: Site, item: dict, parent: str, url: str, blob_path: str, title: str, parts, host=None) -> None:
    kind = item["attach"]
    values = parts.values if parts else None
    out.put(site, blob_path, reports.attachment_bytes(kind, title, values, bool(item.get("scan"))), host)
    # The tables in an attachment count as the report's fields only where the page itself says 详见附件.
    fields = dict(values) if item.get("tables") is False and values else None
    out.entry(url=url, site=site.id, kind="attachment", title=title, year=int(item["year"]), agency=item["agency"], parent=parent, file_type=kind, fields=fields)


# ---- P1 gansu.gov.cn ------------------------------------------------------------------------------------


def _challenge_js() -> str:
    return (
        "(function(){var t=window.$_ts||{};var s=String(t.cd||'')+String(t.nsd||0);var h=5381;"
        "for(var i=0;i<s.length;i++){h=((h<<5)+h+s.charCodeAt(i))>>>0;}"
        f"document.cookie='{CHALLENGE_COOKIE}='+h.toString(36)+'.'+(t.nsd||0)+'; path=/';"
        "location.reload();})();\n"
    )


def build_gansu(out, site: Site, spec: dict) -> None:
    """P1: static list (8) + load-more endpoint pages 2..3, 瑞数 challenge data, PDF attachment."""
    base = "/gsszf/c100999"
    index = f"{base}/zfxxgknb.shtml"
    crumbs = (("首页", "/index.html"), ("政府信息公开", "/gsszf/c100054/zfxxgk_zdgk.shtml"), ("政府信息公开年报", index))

    def attach(item, url, path, title, parts):
        article_id = path.rsplit("/", 1)[1].split(".")[0]
        name = reports.hex32(url + "pdf")
        rel = f"{article_id}/files/{name}.pdf"
        folder = path.rsplit("/", 1)[0]
        _attachment(out, site, item, url, f"https://{site.host}{folder}/{rel}", f"{folder}/{rel}", title, parts)
        return f'<p class="insertfileTag"><img src="{article_id}/images/pdf.gif"><a href="{rel}">{escape(title)}.pdf</a></p>'

    items = []
    for i, item in enumerate(spec["items"]):
        day = pub_date(item, i)
        path = f"{base}/{day:%Y%m}/{174100001 + 1373 * i}.shtml"
        render = lambda s, d, p=path: templates.detail_p1(s, d, p.rsplit("/", 1)[1][:-6])  # noqa: E731
        items.append(emit(out, site, item, f"https://{site.host}{path}", path, i, render, crumbs, attach))
    lis = [f'<li><a href="{it.href}" target="_blank" title="{escape(it.title)}">{escape(it.title)}</a><span class="date">{it.date}</span></li>' for it in items[:8]]
    lis.insert(3, '<li><a href="https://mp.weixin.qq.com/s/Xq3kT9dLrW0aZp5mN7bVcA" target="_blank" title="图解：甘肃省政府信息公开工作年度报告">图解：甘肃省政府信息公开工作年度报告</a><span class="date">2025-02-06</span></li>')
    inner = (
        '<div class="main-list"><ul id="list">\n' + "\n".join(lis) + "\n</ul>\n"
        f'<a class="jzgd" href="javascript:;" data-url="{GANSU_SEARCH}" data-page="2">加载更多</a></div>'
    )
    out.put(site, index, templates.list_shell(site, "政府信息公开年报", crumbs, inner))
    out.entry(url=f"https://{site.host}{index}", site=site.id, kind="index", title="政府信息公开年报")
    out.endpoints["gansu_search"] = {
        "host": site.host,
        "path": GANSU_SEARCH,
        "page_size": 8,
        "channel": "政府信息公开年报",
        "items": [{"title": it.title, "url": it.href, "date": it.date} for it in items],
    }
    pages = (len(items) + 7) // 8
    for page in range(2, pages + 1):
        for as_json in ("false", "true"):
            q = GANSU_QUERY.format(json=as_json, page=page)
            out.entry(url=f"https://{site.host}{GANSU_SEARCH}?{q}", site=site.id, kind="endpoint", title=f"加载更多 第{page}页 ({'JSON' if as_json == 'true' else 'HTML'})")
    out.put(site, CHALLENGE_JS, _challenge_js())
    out.entry(url=f"https://{site.host}{CHALLENGE_JS}", site=site.id, kind="endpoint", title="瑞数 challenge script")
    out.endpoints["challenge"] = {"host": site.host, "cookie": CHALLENGE_COOKIE, "script": CHALLENGE_JS, "exempt": ["/robots.txt", CHALLENGE_JS]}


# ---- P2 Hanweb JPaaS (linxia.gov.cn, lxs.gov.cn) --------------------------------------------------------


def jpaas_lis(items: list[ListItem]) -> str:
    """li.cf > a.fl[title] + span.fr, text truncated like the platform does."""
    return "".join(
        f"<li class='cf'><a class='fl' href='{it.href}' target='_blank' title='{escape(it.title)}'>{escape(templates.trunc(it.title))}</a><span class='fr'>{it.date}</span></li>"
        for it in items
    )


def build_jpaas(out, site: Site, spec: dict, prefix: str, column_label: str) -> None:
    """P2: one static list page per year/category column; pages 2.. come from the unit API."""
    web_id, tpl = reports.hex32(site.host)[:16], reports.hex32(site.host + "tpl")[:16]
    cat_names = {"zzfgbm": "州政府各部门", "gxs": "各县市", "szfgbm": "市政府各部门"}
    n = 0
    for column, col_items in spec["columns"].items():
        year, cat = column.split("/")
        col_path = f"{prefix}/{column}"
        index = f"{col_path}/index.html"
        crumbs = (("首页", "/index.html"), ("政务公开", "javascript:;"), (column_label, "javascript:;"), (f"{year}年", "javascript:;"), (cat_names[cat], index))

        def attach(item, url, path, title, parts, col_path=col_path):
            name = f"{title}.{item['attach']}"
            file_url = reports.hex32(url)[:9]
            link = f"{JPAAS_DOWNLOAD}?fileUrl={file_url}&fileName={quote(name)}"
            blob = f"/_blobs/{file_url}.{item['attach']}"
            out.endpoints.setdefault("jpaas_files", {})[f"{site.host}|{file_url}"] = {"blob": f"{site.host}{blob}", "name": name}
            _attachment(out, site, item, url, f"https://{site.host}{link}", blob, title, parts)
            return f'<p>附件：<a href="{link}">{escape(name)}</a></p>'

        items = []
        for item in col_items:
            path = f"{col_path}/art/{int(item['year']) + 1}/art_{reports.hex32(site.host + col_path + title_of(item))}.html"
            if "private" in item:
                path = f"/private/{prefix.strip('/')}/art_{reports.hex32(title_of(item))}.html"
            items.append(emit(out, site, item, f"https://{site.host}{path}", path, n, templates.detail_p2, crumbs, attach))
            n += 1
        page_id = reports.hex32(site.host + index)
        params = {"webId": web_id, "tplSetId": tpl, "pageId": page_id, "tagId": "信息公开内容"}
        inner = (
            f"<div class='zfxxgknr-content' id='信息公开内容'><div class='page-content'><ul class='ajax-ul'>{jpaas_lis(items[:5])}</ul>"
            f"<div class='pagination' count='{len(items)}' pagesize='5'></div></div></div>\n"
            f"<script>var jpaasParams = {json.dumps(params, ensure_ascii=False)};</script>\n"
            '<script src="/static/jpaas/js/pagination.js"></script>'
        )
        out.put(site, index, templates.list_shell(site, f"{year}年{cat_names[cat]}", crumbs, inner))
        out.entry(url=f"https://{site.host}{index}", site=site.id, kind="index", title=f"{column_label} {year}年 {cat_names[cat]}", year=int(year))
        out.endpoints.setdefault("jpaas_units", {})[page_id] = {
            "host": site.host,
            "page_size": 5,
            "items": [{"href": it.href, "title": it.title, "date": it.date} for it in items],
        }
        for page in range(2, (len(items) + 4) // 5 + 1):
            pj = quote(json.dumps({"pageNo": page, "pageSize": 5}, separators=(",", ":")))
            q = f"parseType=bulidstatic&webId={web_id}&tplSetId={tpl}&pageType=column&tagId={quote('信息公开内容')}&editType=null&pageId={page_id}&paramJson={pj}"
            out.entry(url=f"https://{site.host}{JPAAS_UNIT}?{q}", site=site.id, kind="endpoint", title=f"{column} 第{page}页")


def build_linxia(out, site: Site, spec: dict) -> None:
    """临夏州: /lxz/zwgk/zfxxgknb/{YYYY}/{cat}/."""
    build_jpaas(out, site, spec, "/lxz/zwgk/zfxxgknb", "政府信息公开年报")


def build_lxs(out, site: Site, spec: dict) -> None:
    """临夏市: spam cases, the off-registry redirect and the robots-disallowed page."""
    build_jpaas(out, site, spec, "/lxs/zwgk/xxgkndbg", "政府信息公开年度报告")
    out.put(site, "/robots.txt", "User-agent: *\nDisallow: /private/\n")
    out.entry(url=f"https://{site.host}/robots.txt", site=site.id, kind="endpoint", title="robots.txt")


# ---- P3 Hanweb JCMS (dingxi.gov.cn) ---------------------------------------------------------------------


def build_dingxi(out, site: Site, spec: dict) -> None:
    """P3: datastore list (5 records) + dataproxy.jsp for the rest; some records on zwgk.dingxi.gov.cn."""
    index = "/col/col16760/index.html"
    crumbs = (("首页", "/index.html"), ("政府信息公开", "/col/col16750/index.html"), ("政府信息公开年报", index))
    records = []
    for i, item in enumerate(spec["items"]):
        day = pub_date(item, i)
        path = f"/art/{day.year}/{day.month}/{day.day}/art_16760_{1559436 + 311 * i}.html"
        if item.get("source") == "devset/pages/001.txt":
            path = "/art/2018/12/20/art_16512_1528357.html"  # its real URL (devset label)
        host = "zwgk.dingxi.gov.cn" if item.get("zwgk") else site.host
        scheme = "http" if item.get("zwgk") else "https"
        it = emit(out, site, item, f"{scheme}://{host}{path}", path, i, templates.detail_p3, crumbs, host=host)
        href = f"http://{host}{path}" if item.get("zwgk") else path
        records.append(
            f'<li class="clearfix"><a target="_blank" href="{href}" title="{escape(it.title)}">{escape(templates.trunc(it.title, 20))}</a><b>{it.date}</b></li>'
        )
    webname = "%25E5%25AE%259A%25E8%25A5%25BF%25E5%25B8%2582%25E4%25BA%25BA%25E6%25B0%2591%25E6%2594%25BF%25E5%25BA%259C"
    nextgroup = f'<a href="{DATAPROXY}?page=1&appid=1&webid=110&path=/&columnid=16760&unitid=40001&webname={webname}&permissiontype=0"></a>'
    recs = "\n".join(f"<record><![CDATA[\n{r}]]></record>" for r in records[:5])
    inner = (
        f'<div id="40001"><script type="text/xml"><datastore>\n<nextgroup><![CDATA[{nextgroup}]]></nextgroup>\n'
        f"<recordset>\n{recs}\n</recordset>\n</datastore></script></div>\n"
        '<script type="text/javascript" src="/module/web/jpage/jpage.js"></script>\n'
        f"<script type=\"text/javascript\">$(function(){{ $('#40001').jpage({{ proxyUrl: '{DATAPROXY}', perPage: 5, totalRecord: {len(records)}, groupSize: 3, "
        "barPosition: 'bottom', dataBefore: '<ul class=\"list\">', dataAfter: '</ul>', ajaxParam: { col: 1, appid: 1, webid: 110, path: '/', columnid: 16760, sourceContentType: 1, unitid: 40001, permissiontype: 0 } }); });</script>"
    )
    out.put(site, index, templates.list_shell(site, "政府信息公开年报", crumbs, inner))
    out.entry(url=f"https://{site.host}{index}", site=site.id, kind="index", title="政府信息公开年报")
    out.endpoints["dataproxy"] = {"host": site.host, "columns": {"16760": records}}
    for start in range(6, len(records) + 1, 5):
        out.entry(url=f"https://{site.host}{DATAPROXY}?startrecord={start}&endrecord={start + 4}&perpage=5", site=site.id, kind="endpoint", title=f"dataproxy {start}-{start + 4} (POST)", method="POST")
    for host in ("zwgk.dingxi.gov.cn",):
        out.put(site, "/index.html", templates.home_page(Site(site.id, host, "定西市政府信息公开平台", "P3", site.icp, site.bsm)), host)
        out.entry(url=f"http://{host}/index.html", site=site.id, kind="home", title="定西市政府信息公开平台首页")


# ---- P4 VSB (tianshui.gov.cn, GBK) ----------------------------------------------------------------------


def _vsb_pager(page: int, total: int) -> str:
    """§4.6 pager; page 1 is zfxxgknb.htm, page k>1 is zfxxgknb/{total-k+1}.htm."""
    def href(k: int) -> str:
        if page == 1:
            return "zfxxgknb.htm" if k == 1 else f"zfxxgknb/{total - k + 1}.htm"
        return "../zfxxgknb.htm" if k == 1 else f"{total - k + 1}.htm"

    parts = []
    if page == 1:
        parts.append('<span class="p_first_d p_fun_d">首页</span><span class="p_prev_d p_fun_d">上页</span>')
    else:
        parts.append(f'<span class="p_first p_fun"><a href="{href(1)}">首页</a></span><span class="p_prev p_fun"><a href="{href(page - 1)}">上页</a></span>')
    for k in range(1, total + 1):
        parts.append(f'<span class="p_no_d">{k}</span>' if k == page else f'<span class="p_no"><a href="{href(k)}">{k}</a></span>')
    if page < total:
        parts.append(f'<span class="p_next p_fun"><a href="{href(page + 1)}">下页</a></span><span class="p_last p_fun"><a href="{href(total)}">尾页</a></span>')
    else:
        parts.append('<span class="p_next_d p_fun_d">下页</span><span class="p_last_d p_fun_d">尾页</span>')
    return (
        '<div class="pagebar"><span class="p_pages">' + "".join(parts) + f'</span><span class="p_t">共{total}页</span>'
        f'<span class="p_goto"><a href="javascript:;" onclick="_simple_list_gotopage_fun({total},\'u8_goto\',2)">跳转</a></span></div>'
    )


def build_tianshui(out, site: Site, spec: dict) -> None:
    """P4: reverse-numbered static pages, relative hrefs, Referer-checked download.jsp."""
    crumbs = (("首页", "/index.htm"), ("政府信息公开", "/zfxxgk.htm"), ("政府信息公开年报", "/zfxxgk/zfxxgknb.htm"))

    def attach(item, url, path, title, parts):
        owner, fid = 1234567, 7654321
        link = f"{VSB_DOWNLOAD}?urltype=news.DownloadAttachUrl&owner={owner}&wbfileid={fid}"
        blob = f"/_blobs/{fid}.{item['attach']}"
        out.endpoints.setdefault("vsb_files", {})[f"{owner}/{fid}"] = {"host": site.host, "blob": f"{site.host}{blob}", "article": url}
        _attachment(out, site, item, url, f"https://{site.host}{link}", blob, title, parts)
        return f'<ul style="list-style-type:none;"><li>附件【<a href="{link}" target="_blank">{escape(title)}.{item["attach"]}</a>】已下载<span id="nattach{fid}"><script>getClickTimes({fid},{owner},"wbnews","wbnewsfile","attach")</script></span>次</li></ul>'

    items = []
    for i, item in enumerate(spec["items"]):
        path = f"/info/2081/{41001 + 17 * i}.htm"
        if item.get("source") == "devset/pages/022.txt":
            path = "/info/5511/928312.htm"  # its real URL (devset label)
        items.append(emit(out, site, item, f"https://{site.host}{path}", path, i, templates.detail_p4, crumbs, attach))
    total = (len(items) + 4) // 5
    for page in range(1, total + 1):
        path = "/zfxxgk/zfxxgknb.htm" if page == 1 else f"/zfxxgk/zfxxgknb/{total - page + 1}.htm"
        up = "../" if page == 1 else "../../"
        lis = "".join(
            f'<li><a href="{up}{it.href.lstrip("/")}" target="_blank" title="{escape(it.title)}">{escape(templates.trunc(it.title, 26))}</a><span>{it.date}</span></li>\n'
            for it in items[5 * (page - 1) : 5 * page]
        )
        inner = f'<ul class="txtList">\n{lis}</ul>\n{_vsb_pager(page, total)}'
        out.put(site, path, templates.list_shell(site, "政府信息公开年报", crumbs, inner))
        out.entry(url=f"https://{site.host}{path}", site=site.id, kind="index", title=f"政府信息公开年报 第{page}页")


# ---- P5 TRS (zhangye.gov.cn) ----------------------------------------------------------------------------


def build_zhangye(out, site: Site, spec: dict) -> None:
    """P5: year columns with createPageHTML pagination (index.html, index_1.html, …)."""
    root = "/zyszfxxgk/szfxxgknb/"
    n = 0
    years = []
    for year, col_items in spec["columns"].items():
        col = f"{root}{year}nnb/bmgknb_{year}/"
        years.append((year, col))
        crumbs = (("首页", "/"), ("政府信息公开", "/zyszfxxgk/"), ("政府信息公开年报", root), (f"{year}年年报", col))

        def attach(item, url, path, title, parts, col=col):
            folder = path.rsplit("/", 1)[0]
            stamp = path.rsplit("/t", 1)[1][:8]
            name = f"P0{stamp}{reports.seed_of(url) % 1000000:06d}.{item['attach']}"
            _attachment(out, site, item, url, f"https://{site.host}{folder}/{name}", f"{folder}/{name}", title, parts)
            return f'<div class="fj">附件：<a href="./{name}" OLDSRC="/protect/{name}">{escape(title)}.{item["attach"]}</a></div>'

        items = []
        for item in col_items:
            day = pub_date(item, n)
            path = f"{col}{day:%Y%m}/t{day:%Y%m%d}_{1400001 + 137 * n}.html"
            if item.get("source") == "devset/pages/031.txt":
                path = f"{col}202601/t20260126_1502575.html"  # the report URL named in gansu-sites.md
            it = emit(out, site, item, f"https://{site.host}{path}", path, n, templates.detail_p5, crumbs, attach)
            items.append(ListItem("./" + it.href[len(col):], it.title, it.date))
            n += 1
        count = (len(items) + 4) // 5
        for k in range(count):
            lis = "".join(
                f'<li><a href="{it.href}" target="_blank" title="{escape(it.title)}">{escape(templates.trunc(it.title, 28))}</a><span>{it.date}</span></li>\n'
                for it in items[5 * k : 5 * k + 5]
            )
            pager = f'<script type="text/javascript">\nvar countPage = {count}; var currentPage = {k};\ncreatePageHTML(countPage, currentPage, "index", "html");\n</script>'
            inner = f'<div class="list-box"><ul class="list">\n{lis}</ul>\n<div class="page">{pager}</div></div>'
            name = "index.html" if k == 0 else f"index_{k}.html"
            out.put(site, col + name, templates.list_shell(site, f"{year}年部门公开年报", crumbs, inner))
            out.entry(url=f"https://{site.host}{col}{name}", site=site.id, kind="index", title=f"{year}年部门公开年报 第{k + 1}页", year=int(year))
    lis = "".join(f'<li><a href="./{c[len(root):]}" title="{y}年年报">{y}年年报</a></li>' for y, c in years)
    crumbs = (("首页", "/"), ("政府信息公开", "/zyszfxxgk/"), ("政府信息公开年报", root))
    out.put(site, root + "index.html", templates.list_shell(site, "政府信息公开年报", crumbs, f'<ul class="year-list">{lis}</ul>'))
    out.entry(url=f"https://{site.host}{root}index.html", site=site.id, kind="index", title="政府信息公开年报（年度栏目）")


# ---- P7 longnan.gov.cn (list built in the browser) ------------------------------------------------------


def build_longnan(out, site: Site, spec: dict) -> None:
    """P7: an empty ul filled by a script from list.json."""
    col = "/zfxxgk/zfxxgknb/"
    crumbs = (("首页", "/index.html"), ("政府信息公开", "/zfxxgk/"), ("政府信息公开年报", col + "index.html"))
    items = [
        emit(out, site, item, f"https://{site.host}{col}{73357001 + 211 * i}.html", f"{col}{73357001 + 211 * i}.html", i, templates.detail_p7, crumbs)
        for i, item in enumerate(spec["items"])
    ]
    data = [{"title": it.title, "url": it.href, "date": it.date} for it in items]
    out.put(site, col + "list.json", json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    out.entry(url=f"https://{site.host}{col}list.json", site=site.id, kind="endpoint", title="list.json (fetched by the list page script)")
    script = (
        "<script>\n(function(){var ul=document.querySelector('ul.list-4640170');\n"
        f"fetch('{col}list.json').then(function(r){{return r.json();}}).then(function(rows){{\n"
        "rows.forEach(function(x){var li=document.createElement('li');var a=document.createElement('a');"
        "a.href=x.url;a.title=x.title;a.target='_blank';a.textContent=x.title;var s=document.createElement('span');"
        "s.className='date';s.textContent=x.date;li.appendChild(a);li.appendChild(s);ul.appendChild(li);});});})();\n</script>"
    )
    inner = f'<ul class="doc_list list-4640170"></ul>\n<div id="page_4640170" class="pagination"></div>\n{script}'
    out.put(site, col + "index.html", templates.list_shell(site, "政府信息公开年报", crumbs, inner))
    out.entry(url=f"https://{site.host}{col}index.html", site=site.id, kind="index", title="政府信息公开年报", render="browser")


def home(site: Site) -> str:
    """The plain home page of a host."""
    return templates.home_page(site)


BUILDERS: dict[str, Callable] = {
    "gansu": build_gansu,
    "linxia": build_linxia,
    "dingxi": build_dingxi,
    "tianshui": build_tianshui,
    "zhangye": build_zhangye,
    "longnan": build_longnan,
    "lxs": build_lxs,
}
