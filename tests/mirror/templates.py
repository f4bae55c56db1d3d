"""Page templates of the platform families (P1–P5, P7): site chrome, detail pages, list pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape


@dataclass(frozen=True)
class Site:
    """One portal's identity, printed in its chrome."""

    id: str
    host: str
    name: str
    platform: str
    icp: str
    bsm: str  # 网站标识码
    charset: str = "utf-8"
    nav: tuple[str, ...] = ("首页", "要闻动态", "政府信息公开", "政务服务", "互动交流", "走进")


@dataclass(frozen=True)
class Detail:
    """What a detail page shows besides its site chrome."""

    title: str
    agency: str
    published: str  # "YYYY-MM-DD HH:MM"
    body: str
    index_no: str
    crumbs: tuple[tuple[str, str], ...] = ()
    attachments: str = ""
    footer: str = ""  # replaces the site footer (spam pages)
    block: str = ""  # injected block after the article (spam pages)
    head_extra: str = ""  # injected markup at the end of <head> (spam pages)
    page_title: str = ""  # replaces the whole <title> (title hijack)
    meta: dict[str, str] = field(default_factory=dict)  # injected <meta name=…> (title hijack)


@dataclass(frozen=True)
class ListItem:
    """One entry of a list page: href as printed, full title, date."""

    href: str
    title: str
    date: str
    extra: dict = field(default_factory=dict)


def trunc(title: str, n: int = 22) -> str:
    """List text cut like the CMS does, full title left in @title."""
    return title if len(title) <= n else title[:n] + "..."


def head(site: Site, title: str, meta: dict[str, str] | None = None, extra: str = "", full_title: str = "") -> str:
    full_title = full_title or f"{title}_{site.name}"
    metas = "".join(f'\n<meta name="{k}" content="{escape(v)}">' for k, v in (meta or {}).items())
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="{site.charset}">\n'
        f'<meta http-equiv="X-UA-Compatible" content="IE=edge">\n<title>{escape(full_title)}</title>'
        f"{metas}\n<meta name=\"SiteName\" content=\"{escape(site.name)}\">\n"
        f'<link rel="stylesheet" href="/css/common.css">{extra}\n</head>\n'
    )


def header(site: Site) -> str:
    nav = "".join(f'<li><a href="/index.html">{escape(n if n != "走进" else "走进" + site.name[:2])}</a></li>' for n in site.nav)
    return (
        '<div class="top-bar"><div class="w1200"><span class="fl">欢迎访问' + escape(site.name) + "！</span>"
        '<span class="fr"><a href="javascript:;">无障碍浏览</a> | <a href="javascript:;">长者模式</a> | <a href="javascript:;">繁体版</a></span></div></div>\n'
        f'<div class="header"><div class="w1200"><a class="logo" href="/index.html"><img src="/images/logo.png" alt="{escape(site.name)}"></a>'
        '<div class="search"><input type="text" placeholder="请输入关键字"><button>搜索</button></div></div></div>\n'
        f'<div class="nav"><ul class="w1200">{nav}</ul></div>\n'
    )


def footer(site: Site) -> str:
    return (
        '<div class="footer"><div class="w1200">'
        '<p><a href="javascript:;">网站地图</a> | <a href="javascript:;">联系我们</a> | <a href="javascript:;">隐私声明</a></p>'
        f"<p>主办：{escape(site.name)}办公室　承办：{escape(site.name[:-4] if site.name.endswith('人民政府') else site.name)}大数据中心</p>"
        f'<p><a href="https://beian.miit.gov.cn/" target="_blank">{escape(site.icp)}</a>　网站标识码：{site.bsm}　'
        f'<img src="/images/ga.png">甘公网安备 {site.bsm[:6]}02000{site.bsm[-3:]}号</p>'
        '<p><span id="_ideConac"><img src="/images/dzjg.png" alt="党政机关"></span>　<img src="/images/jiucuo.png" alt="政府网站找错"></p>'
        "</div></div>\n"
    )


def tools_bar() -> str:
    return (
        '<div class="article-tools"><span class="fontsize">【字号：<a href="javascript:doZoom(18)">大</a> '
        '<a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>】</span>'
        '<span class="share">分享到：<a class="wx" href="javascript:;">微信</a><a class="wb" href="javascript:;">微博</a></span>'
        '<span class="print"><a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></span></div>\n'
    )


def detail_head(site: Site, d: Detail, meta: dict[str, str]) -> str:
    """<head> of a detail page, with whatever a spam injection put there."""
    return head(site, d.title, {**meta, **d.meta}, d.head_extra, d.page_title)


def crumbs_html(crumbs: tuple[tuple[str, str], ...], sep: str = " &gt; ") -> str:
    return sep.join(f'<a href="{escape(h)}">{escape(t)}</a>' if h else escape(t) for t, h in crumbs)


def _meta(d: Detail) -> dict[str, str]:
    return {"ArticleTitle": d.title, "PubDate": d.published, "ContentSource": d.agency}


def detail_p1(site: Site, d: Detail, article_id: str) -> str:
    """gansu.gov.cn detail: UCAP-CONTENT body, <publishtime>, <li><strong>label：</strong><span>…</span></li> info."""
    meta = {**_meta(d), "Author": d.agency, "ColumnName": "政府信息公开年报"}
    info = "".join(
        f"<li><strong>{k}：</strong><span>{escape(v)}</span></li>"
        for k, v in (("索引号", d.index_no), ("发布机构", d.agency), ("生成日期", d.published[:10]), ("主题分类", "政务公开"))
    )
    return (
        detail_head(site, d, meta)
        + "<body>\n"
        + header(site)
        + f'<div class="w1200"><div class="position">当前位置：{crumbs_html(d.crumbs)}</div>\n'
        + f'<div class="xxgk-info"><ul>{info}</ul></div>\n'
        + f'<div class="article"><h1 class="title">{escape(d.title)}</h1>\n'
        + f'<div class="info"><span>信息来源：{escape(d.agency)}</span> <span>发布时间：<publishtime>{d.published}:00</publishtime></span> '
        + '<span>浏览次数：<span id="hits"></span></span></div>\n'
        + tools_bar()
        + f'<div class="main mt8"><div class="pages_content" id="UCAP-CONTENT">\n{d.body}\n{d.attachments}\n</div></div>\n'
        + f'<div class="editor">责任编辑：{escape(d.agency[:2])}网信</div></div>{d.block}</div>\n'
        + (d.footer or footer(site))
        + f'<script>var articleId="{article_id}";</script>\n</body>\n</html>\n'
    )


def detail_p2(site: Site, d: Detail) -> str:
    """Hanweb JPaaS detail: div.dqwz breadcrumb, xxgk table, h3 title, div.neirong body."""
    rows = (
        ("索 引 号:", d.index_no, "生成日期:", d.published[:10]),
        ("文 号:", "", "关键字:", "政府信息公开,年报"),
        ("所属机构:", d.agency, "发布机构:", d.agency),
    )
    table = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return (
        detail_head(site, d, _meta(d))
        + "<body>\n"
        + header(site)
        + f'<div class="w1200 main-box"><div class="dqwz">当前位置：{crumbs_html(d.crumbs)}</div>\n'
        + f'<table class="xxgk-info" width="100%">{table}</table>\n'
        + f'<div class="article"><h3>{escape(d.title)}</h3>\n'
        + f'<div class="info">信息来源：{escape(d.agency)}　发布时间：{d.published}　浏览次数：<span id="views">{len(d.title) * 17}</span></div>\n'
        + tools_bar()
        + f'<div class="neirong">\n{d.body}\n{d.attachments}\n</div>\n'
        + f'<div class="zrbj">【责任编辑：{escape(d.agency[-3:])}】</div></div>{d.block}</div>\n'
        + (d.footer or footer(site))
        + "</body>\n</html>\n"
    )


def detail_p3(site: Site, d: Detail) -> str:
    """Hanweb JCMS detail: table chrome, 索引号/组配分类 header, div#zoom body."""
    meta = {**_meta(d), "ColumnName": "政府信息公开年报"}
    hdr = (
        f"<tr><td>索引号：</td><td>{escape(d.index_no)}</td><td>公开方式：</td><td>主动公开</td></tr>"
        f"<tr><td>发布机构：</td><td>{escape(d.agency)}</td><td>组配分类：</td><td>政府信息公开年报</td></tr>"
        f"<tr><td>文件编号：</td><td></td><td>发文日期：</td><td>{d.published[:10]}</td></tr>"
    )
    return (
        detail_head(site, d, meta)
        + "<body>\n"
        + header(site)
        + f'<table width="1200" align="center"><tr><td class="bt_link">当前位置：{crumbs_html(d.crumbs, " &gt;&gt; ")}</td></tr></table>\n'
        + f'<table class="xxgk_table" width="1000" align="center">{hdr}</table>\n'
        + f'<table width="1000" align="center"><tr><td class="title" align="center">{escape(d.title)}</td></tr>\n'
        + f'<tr><td align="center">信息来源：{escape(d.agency)}　发布日期：{d.published[:10]}　浏览次数：<script>document.write("1024")</script>　字号：〖<a href="javascript:doZoom(16)">大</a> <a href="javascript:doZoom(14)">中</a> <a href="javascript:doZoom(12)">小</a>〗</td></tr>\n'
        + f'<tr><td><div id="zoom">\n{d.body}\n{d.attachments}\n</div></td></tr>\n'
        + '<tr><td align="right"><a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></td></tr></table>\n'
        + d.block
        + (d.footer or footer(site))
        + "</body>\n</html>\n"
    )


def detail_p4(site: Site, d: Detail) -> str:
    """VSB detail: div.dtl-list ul li em info list, form[name=_newscontent_fromname] > div#vsb_content."""
    items = (("索引号", d.index_no), ("组配分类", "信息公开年报"), ("发文机关", d.agency), ("成文日期", d.published[:10]), ("发文字号", ""))
    lis = "".join(f"<li><span>{k}：</span><em>{escape(v)}</em></li>" for k, v in items)
    return (
        detail_head(site, d, _meta(d))
        + "<body>\n"
        + header(site)
        + f'<div class="w1200"><div class="position">当前位置：{crumbs_html(d.crumbs, " >> ")}</div>\n'
        + f'<div class="dtl-list"><ul>{lis}</ul></div>\n'
        + f'<form name="_newscontent_fromname"><div class="dtl-title"><h1>{escape(d.title)}</h1>'
        + f'<p>发布日期：{d.published[:10]}　信息来源：{escape(d.agency)}　浏览次数：<script>_showDynClicks("wbnews", 1234567, 41001)</script></p></div>\n'
        + tools_bar()
        + f'<div id="vsb_content"><div class="v_news_content">\n{d.body}\n</div></div>\n{d.attachments}\n</form>{d.block}</div>\n'
        + (d.footer or footer(site))
        + "</body>\n</html>\n"
    )


def detail_p5(site: Site, d: Detail) -> str:
    """TRS WCM detail: div.TRS_Editor body, standard TRS meta."""
    meta = {**_meta(d), "ColumnName": "部门公开年报", "ColumnType": "政府信息公开年报"}
    return (
        detail_head(site, d, meta)
        + "<body>\n"
        + header(site)
        + f'<div class="w1200"><div class="position">当前位置：{crumbs_html(d.crumbs)}</div>\n'
        + f'<div class="xxgk-head"><p>索引号：{escape(d.index_no)}　发布机构：{escape(d.agency)}　生成日期：{d.published[:10]}</p></div>\n'
        + f'<div class="detail"><h2>{escape(d.title)}</h2><div class="info">来源：{escape(d.agency)}　发布时间：{d.published}　</div>\n'
        + tools_bar()
        + f'<div class="view TRS_UEDITOR trs_paper_default"><div class="TRS_Editor">\n{d.body}\n</div></div>\n{d.attachments}\n</div>{d.block}</div>\n'
        + (d.footer or footer(site))
        + "</body>\n</html>\n"
    )


def detail_p7(site: Site, d: Detail) -> str:
    """Longnan detail: .wzcon.j-fontContent body."""
    return (
        detail_head(site, d, _meta(d))
        + "<body>\n"
        + header(site)
        + f'<div class="w1200"><div class="location">您当前的位置：{crumbs_html(d.crumbs, " > ")}</div>\n'
        + f'<div class="wz-box"><h1 class="wztit">{escape(d.title)}</h1><div class="wzxx"><span>来源：{escape(d.agency)}</span><span>发布时间：{d.published}</span><span>浏览次数：<i class="j-hits"></i></span></div>\n'
        + tools_bar()
        + f'<div class="wzcon j-fontContent">\n{d.body}\n{d.attachments}\n</div></div>{d.block}</div>\n'
        + (d.footer or footer(site))
        + "</body>\n</html>\n"
    )


def list_shell(site: Site, title: str, crumbs: tuple[tuple[str, str], ...], inner: str, extra_head: str = "") -> str:
    """A list page: chrome, left column menu, and the platform's list markup in the right column."""
    return (
        head(site, title, {"ColumnName": title}, extra_head)
        + "<body>\n"
        + header(site)
        + f'<div class="w1200"><div class="position">当前位置：{crumbs_html(crumbs)}</div>\n'
        + '<div class="left-menu"><h2>政府信息公开</h2><ul><li><a href="javascript:;">信息公开指南</a></li>'
        + '<li><a href="javascript:;">信息公开制度</a></li><li class="on"><a href="javascript:;">信息公开年报</a></li></ul></div>\n'
        + f'<div class="right-list"><h2 class="list-title">{escape(title)}</h2>\n{inner}\n</div></div>\n'
        + footer(site)
        + "</body>\n</html>\n"
    )


def home_page(site: Site) -> str:
    """The plain portal home page every host has."""
    return list_shell(site, "首页", (("首页", ""),), '<div class="home-news"><p>欢迎访问' + escape(site.name) + "门户网站。</p></div>")
