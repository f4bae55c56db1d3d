"""One report page's parts: body, table fields, spam injections, attachment file; no platform markup here."""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass

from tests.fixtures import documents
from tests.mirror import content, files, injections, tables
from tests.mirror.injections import NO_INJECTION, Injection

DONGXIANG = "seeds/001_b92b6f1085681289.txt"


@dataclass(frozen=True)
class ReportParts:
    """Everything a platform template needs to print one report."""

    body: str
    source: str
    fields: dict | None = None
    values: dict | None = None
    injection: Injection = NO_INJECTION
    images: dict[str, bytes] | None = None  # file name beside the page -> PNG of a table
    image_fields: dict | None = None  # the cells the pictures carry


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
            return ReportParts(body.html, source, injection=injections.seed_injection())
        return ReportParts(body.html, source)
    seed = seed_of(url)
    values = tables.generate_values(seed, busy="人民政府" in agency and "办公" not in agency)
    sections = content.generated_sections(agency, year, values, seed)
    if item.get("image"):
        return _pictured_report(item, url, values, sections)
    with_tables = item.get("tables", True)
    rendered = tables.render_tables(values, _style(item.get("style"))) if with_tables else None
    spam = item.get("spam")
    injection = injections.inject(spam, sections, agency) if spam else NO_INJECTION
    html = content.assemble(injection.sections or sections, rendered, injection.headings)
    return ReportParts(
        html,
        "generated: data/narrative.yaml + tables.generate_values",
        rendered.fields if rendered else None,
        values,
        injection,
    )


def _pictured_report(item: dict, url: str, values: tables.Values, sections) -> ReportParts:
    """A report whose three tables are pictures (<img>) in the body, as scanned-in pages show."""
    rendered = tables.render_tables(values, _style(item.get("style")))
    stem = url.rsplit("/", 1)[1].rsplit(".", 1)[0]
    images, html = {}, {}
    for key in ("active", "requests", "review"):
        name = f"{stem}_{key}.png"
        images[name] = documents.png_table(documents.spans_of(getattr(rendered, key)))
        html[key] = f'<p style="text-align:center;"><img src="{name}" width="600" alt="" /></p>'
    pictured = tables.RenderedTables(html["active"], html["requests"], html["review"])
    body = content.assemble(sections, pictured)
    source = "generated: data/narrative.yaml + tables.generate_values, tables as PNG pictures"
    return ReportParts(body, source, None, values, images=images, image_fields=rendered.fields)


def attachment_bytes(kind: str, title: str, values: tables.Values | None, scanned: bool = False) -> bytes:
    """The attachment file for a report: a real document carrying its tables when they are known.

    Documents come from tests/fixtures/documents.py (ruled PDF or scanned PDF, docx, xlsx,
    and .doc/.wps through LibreOffice); without the tables, a title-only file.
    """
    if values is None:
        lines = [title]
        if kind == "pdf":
            return files.pdf_bytes(lines)
        if kind == "docx":
            return files.docx_bytes(lines)
        if kind == "xlsx":
            return files.xlsx_bytes([lines])
        return files.doc_bytes()
    blocks = documents.report_blocks(values, title)
    if kind == "pdf":
        return documents.pdf_scanned(blocks) if scanned else documents.pdf_report(blocks)
    if kind == "docx":
        return documents.docx_report(blocks)
    if kind == "xlsx":
        return documents.xlsx_report(blocks)
    # .doc and .wps (WPS Writer saves the Word 97 format): LibreOffice converts the docx.
    legacy = documents.legacy_doc(documents.docx_report(blocks))
    return legacy if legacy is not None else files.doc_bytes()
