"""One report page's parts: body, table fields, spam injections, attachment file; no platform markup here."""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass, field
from html import escape

from tests.mirror import content, files, tables

DONGXIANG = "seeds/001_b92b6f1085681289.txt"
CASINO = "https://www.88bet-casino.example/"

# Injections in the style of seed 003 and the devset spam pages (007, 013, 028).
SPAM_PHRASE = "pg电子模拟器试玩在线"
SPAM_FOOTER = "Copyright © PG电子·模拟器·试玩平台(中国)官方网站 版权所有"
SPAM_LINKS = ("澳门新葡京娱乐场", "真人百家乐官网", "皇冠体育在线投注")
SPAM_HEADING = "三、收到和处理飞禽走兽老虎机申请情况"
SPAM_AGENCY_PREFIX = "澳门特区赌场,澳门博彩业网址"


@dataclass(frozen=True)
class ReportParts:
    """Everything a platform template needs to print one report."""

    body: str
    source: str
    fields: dict | None = None
    values: dict | None = None
    spam_evidence: tuple[str, ...] = ()
    footer: str = ""
    hidden: str = ""
    extra: dict = field(default_factory=dict)


def seed_of(text: str) -> int:
    """A stable integer seed for a URL or name."""
    return zlib.crc32(text.encode("utf-8"))


def hex32(text: str) -> str:
    """A stable 32-hex id (the JPaaS/P1 style)."""
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def dongxiang_values() -> tables.Values:
    """Seed 001's tables (东乡县 2021), every cell as printed there."""
    v = tables.zero_values()
    v.update(
        {
            "active.normative_docs.issued": 7,
            "active.normative_docs.in_force": 22,
            "active.licensing.decisions": 302,
            "active.penalty.decisions": 205,
            "active.coercion.decisions": 18,
            "active.admin_fees.amount_wan_yuan": 84.67,
        }
    )
    for row, n in (("new", 5), ("outcome.granted", 2), ("outcome.partial", 3), ("outcome.total", 5)):
        v[f"requests.{row}.natural_person"] = n
        v[f"requests.{row}.total"] = n
    return v


def _style(name: str | None) -> tables.TableStyle:
    return {
        "blank": tables.TableStyle(blank_zeros=True),
        "unit": tables.TableStyle(fee_unit_in_cell=True),
        "flat": tables.TableStyle(split_headers=False),
    }.get(name or "", tables.TableStyle())


def spam_footer() -> str:
    """The gambling copyright footer that replaces the site footer."""
    return (
        f'<div class="footer"><p>{escape(SPAM_FOOTER)}</p>'
        "<p>电话:020-88888888 地址:广东省广州市番禺经济开发区 备案号:</p><p>网站地图</p></div>\n"
    )


def hidden_links() -> str:
    """An invisible block of casino links, the classic injected SEO link farm."""
    links = "".join(f'<a href="{CASINO}?k={i}" target="_blank">{escape(t)}</a>' for i, t in enumerate(SPAM_LINKS))
    return f'\n<div style="display:none">{links}</div>\n'


def build_report(item: dict, url: str) -> ReportParts:
    """Body and fields for one plan item (see data/plan.yaml for the keys)."""
    agency, year, source = item["agency"], int(item["year"]), item.get("source")
    if source == DONGXIANG:
        values = dongxiang_values()
        rendered = tables.render_tables(values, _style(item.get("style")))
        body = content.dongxiang_body(rendered)
        return ReportParts(body.html, body.source, rendered.fields, values)
    if source:
        body = content.real_body(source, int(item.get("drop", 0)))
        if item.get("spam") == "seed":
            return ReportParts(body.html, source, spam_evidence=(SPAM_PHRASE, SPAM_FOOTER), footer=spam_footer())
        return ReportParts(body.html, source)
    seed = seed_of(url)
    values = tables.generate_values(seed, busy="人民政府" in agency and "办公" not in agency)
    sections = content.generated_sections(agency, year, values, seed)
    with_tables = item.get("tables", True)
    rendered = tables.render_tables(values, _style(item.get("style"))) if with_tables else None
    headings: dict[str, str] = {}
    evidence: tuple[str, ...] = ()
    footer = hidden = ""
    spam = item.get("spam")
    if spam == "phrase":
        sections["problems"][-1] += SPAM_PHRASE
        evidence, footer = (SPAM_PHRASE, SPAM_FOOTER), spam_footer()
    elif spam == "hidden":
        evidence, hidden = SPAM_LINKS, hidden_links()
    elif spam == "keyword":
        short = agency.removeprefix("临夏市")
        sections["preamble"][0] = sections["preamble"][0].replace(agency, SPAM_AGENCY_PREFIX + short, 1)
        headings["requests"] = SPAM_HEADING
        evidence = (SPAM_HEADING, SPAM_AGENCY_PREFIX + short)
    html = content.assemble(sections, rendered, headings)
    return ReportParts(
        html,
        "generated: data/narrative.yaml + tables.generate_values",
        rendered.fields if rendered else None,
        values,
        evidence,
        footer,
        hidden,
    )


def attachment_bytes(kind: str, title: str, values: tables.Values | None) -> bytes:
    """The attachment file for a report: its title and, when known, the tables as text."""
    lines = [title] + (tables.text_lines(values) if values else [])
    if kind == "pdf":
        return files.pdf_bytes(lines)
    if kind == "docx":
        return files.docx_bytes(lines)
    if kind == "xlsx":
        return files.xlsx_bytes([line.split("  ") for line in lines])
    return files.doc_bytes()
