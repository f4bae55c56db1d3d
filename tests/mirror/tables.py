"""The three 2021-format statistics tables: deterministic values and real-looking HTML."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from functools import cache
from html import escape
from pathlib import Path

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "pipelines" / "data" / "annual-report-format.json"

Values = dict[str, int | float]


@dataclass(frozen=True)
class TableStyle:
    """How one page prints its tables (the oddities real pages show)."""

    blank_zeros: bool = False  # zero cells printed as &nbsp; (recorded as null)
    split_headers: bool = True  # "商业<br>企业" as on most real pages
    fee_unit_in_cell: bool = False  # "12.5万元" typed into the fee cell
    border: str = "1"


@dataclass(frozen=True)
class RenderedTables:
    """HTML of the three tables and every cell value the page carries."""

    active: str
    requests: str
    review: str
    fields: dict[str, int | float | None] = field(default_factory=dict)


@cache
def schema() -> dict:
    """The gov2021 table definitions from the repo's format schema."""
    data = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return data["versions"]["gov2021"]["tables"]


def request_columns() -> list[str]:
    """Column ids of the requests table, in printed order."""
    return [c["id"] for c in schema()["requests"]["columns"]]


def _outcome_leaves() -> list[str]:
    rows = schema()["requests"]["rows"]
    return [r["path"] for r in rows if r["path"].startswith("requests.outcome.") and r["path"] != "requests.outcome.total"]


def generate_values(seed: int, busy: bool = False) -> Values:
    """Cell values that satisfy the hard identities (§7), drawn from `seed`."""
    rnd = random.Random(seed)
    v: Values = {}
    v["active.regulations.issued"] = 0
    v["active.regulations.repealed"] = 0
    v["active.regulations.in_force"] = rnd.choice([0, 0, 0, 2, 5])
    issued = rnd.randint(0, 9)
    v["active.normative_docs.issued"] = issued
    v["active.normative_docs.repealed"] = rnd.randint(0, 3)
    v["active.normative_docs.in_force"] = issued + rnd.randint(0, 40)
    v["active.licensing.decisions"] = rnd.choice([0, 0, rnd.randint(1, 900)])
    v["active.penalty.decisions"] = rnd.choice([0, rnd.randint(1, 300)])
    v["active.coercion.decisions"] = rnd.choice([0, 0, rnd.randint(1, 30)])
    v["active.admin_fees.amount_wan_yuan"] = rnd.choice([0, 0, round(rnd.uniform(0.5, 120), 2)])
    columns = [c for c in request_columns() if c != "total"]
    leaves = _outcome_leaves()
    for c in columns:
        scale = (30 if busy else 8) if c == "natural_person" else (3 if c in ("org_commercial", "org_other") else 1)
        new = rnd.randint(0, scale)
        carried = rnd.choice([0, 0, 0, 1]) if new else 0
        forward = rnd.choice([0, 0, 0, 1]) if new + carried else 0
        closed = new + carried - forward
        v[f"requests.new.{c}"], v[f"requests.carried_over.{c}"] = new, carried
        v[f"requests.carry_forward.{c}"], v[f"requests.outcome.total.{c}"] = forward, closed
        for leaf in leaves:
            v[f"{leaf}.{c}"] = 0
        for _ in range(closed):  # each closed request lands in exactly one outcome row
            leaf = rnd.choice(leaves[:2] * 6 + leaves)
            v[f"{leaf}.{c}"] += 1
    for r in schema()["requests"]["rows"]:
        v[f"{r['path']}.total"] = sum(int(v[f"{r['path']}.{c}"]) for c in columns)
    for block in schema()["review_litigation"]["blocks"]:
        parts = [rnd.choice([0, 0, 0, 1]) for _ in range(4)]
        for col, n in zip(("upheld", "corrected", "other", "pending"), parts):
            v[f"review_litigation.{block['id']}.{col}"] = n
        v[f"review_litigation.{block['id']}.total"] = sum(parts)
    return v


def zero_values() -> Values:
    """Every 2021-format cell set to 0 (base for hand-entered tables)."""
    keys = [c["key"] for c in schema()["active"]["cells"]]
    keys += [f"{r['path']}.{c}" for r in schema()["requests"]["rows"] for c in request_columns()]
    keys += list(schema()["review_litigation"]["flattened_order"])
    return {k: 0 for k in keys}


def _cell(v: int | float, key: str, style: TableStyle, fields: dict, attrs: str = "") -> str:
    if style.blank_zeros and v == 0:
        fields[key] = None
        return f"<td{attrs}>&nbsp;</td>"
    fields[key] = v
    text = f"{v:g}" if isinstance(v, float) else str(v)
    if style.fee_unit_in_cell and key == "active.admin_fees.amount_wan_yuan":
        text += "万元"
    return f"<td{attrs}>{text}</td>"


def _label(text: str, style: TableStyle) -> str:
    """Header text, split over two lines like real pages do for the narrow columns."""
    if style.split_headers and len(text) == 4 and text not in ("信息内容",):
        return f"{text[:2]}<br>{text[2:]}"
    return escape(text)


def render_active(v: Values, style: TableStyle, fields: dict) -> str:
    """Table 2 (第二部分): one table, a caption row and a header row per group."""
    out = [f'<table border="{style.border}" cellspacing="0" cellpadding="0" width="600">', "<tbody>"]
    for group in schema()["active"]["groups"]:
        cols = group["columns"]
        span = 3 // len(cols)
        out.append(f'<tr><td colspan="4" style="text-align:center">{escape(group["label"])}</td></tr>')
        heads = "".join(f'<td{_span(span)}>{escape(c["label"])}</td>' for c in cols)
        out.append(f"<tr><td>信息内容</td>{heads}</tr>")
        for row in group["rows"]:
            cells = "".join(
                _cell(v[f"active.{row['id']}.{c['id']}"], f"active.{row['id']}.{c['id']}", style, fields, _span(span))
                for c in cols
            )
            out.append(f"<tr><td>{escape(row['label'])}</td>{cells}</tr>")
    out += ["</tbody>", "</table>"]
    return "\n".join(out)


def _span(n: int, attr: str = "colspan") -> str:
    return f' {attr}="{n}"' if n > 1 else ""


def render_requests(v: Values, style: TableStyle, fields: dict) -> str:
    """Table 3 (第三部分) with the real rowspan/colspan header and row-group cells."""
    t = schema()["requests"]
    cols = request_columns()
    org = [c for c in t["columns"] if c["group"]]
    out = [f'<table border="{style.border}" cellspacing="0" cellpadding="0" width="600">', "<tbody>"]
    out.append(f'<tr><td rowspan="3" colspan="3">{escape(t["header_note"])}</td><td colspan="7">{t["column_header_label"]}</td></tr>')
    out.append(f'<tr><td rowspan="2">自然人</td><td colspan="{len(org)}">法人或其他组织</td><td rowspan="2">总计</td></tr>')
    out.append("<tr>" + "".join(f"<td>{_label(c['label'], style)}</td>" for c in org) + "</tr>")
    rows = t["rows"]
    outcome_rows = [r for r in rows if r["group_label"] and r["path"].startswith("requests.outcome.")]
    seen_groups: set[str] = set()
    for r in rows:
        head = ""
        if r["level"] == 0:
            head = f'<td colspan="3">{escape(r["label"])}</td>'
        else:
            if r is outcome_rows[0]:
                head += f'<td rowspan="{len(outcome_rows)}">三、本年度办理结果</td>'
            if r["level"] == 1:
                head += f'<td colspan="2">{escape(r["label"])}</td>'
            else:
                group = r["group_label"]
                if group not in seen_groups:
                    seen_groups.add(group)
                    size = sum(1 for x in rows if x["group_label"] == group)
                    head += f'<td rowspan="{size}">{escape(group)}</td>'
                head += f"<td>{escape(r['label'])}</td>"
        cells = "".join(_cell(v[f"{r['path']}.{c}"], f"{r['path']}.{c}", style, fields) for c in cols)
        out.append(f"<tr>{head}{cells}</tr>")
    out += ["</tbody>", "</table>"]
    return "\n".join(out)


def render_review(v: Values, style: TableStyle, fields: dict) -> str:
    """Table 4 (第四部分): two header levels over one row of 15 cells."""
    t = schema()["review_litigation"]
    leaves = [c["label"] for c in t["columns"]]
    out = [f'<table border="{style.border}" cellspacing="0" cellpadding="0" width="600">', "<tbody>"]
    out.append('<tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>')
    first = "".join(f'<td rowspan="2">{_label(x, style)}</td>' for x in leaves)
    out.append(f'<tr>{first}<td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>')
    out.append("<tr>" + "".join(f"<td>{_label(x, style)}</td>" for x in leaves * 2) + "</tr>")
    out.append("<tr>" + "".join(_cell(v[k], k, style, fields) for k in t["flattened_order"]) + "</tr>")
    out += ["</tbody>", "</table>"]
    return "\n".join(out)


def render_tables(v: Values, style: TableStyle = TableStyle()) -> RenderedTables:
    """All three tables for one page, with the fields they carry."""
    fields: dict[str, int | float | None] = {}
    return RenderedTables(
        active=render_active(v, style, fields),
        requests=render_requests(v, style, fields),
        review=render_review(v, style, fields),
        fields=fields,
    )


def text_lines(v: Values) -> list[str]:
    """The tables flattened to text lines, as a PDF attachment prints them."""
    lines = ["二、主动公开政府信息情况"]
    for group in schema()["active"]["groups"]:
        lines.append(group["label"] + "  信息内容  " + "  ".join(c["label"] for c in group["columns"]))
        for row in group["rows"]:
            vals = "  ".join(f"{v['active.' + row['id'] + '.' + c['id']]:g}" for c in group["columns"])
            lines.append(f"{row['label']}  {vals}")
    lines.append("三、收到和处理政府信息公开申请情况")
    lines.append("申请人情况  " + "  ".join(c["label"] for c in schema()["requests"]["columns"]))
    for r in schema()["requests"]["rows"]:
        lines.append(r["label"] + "  " + "  ".join(str(v[f"{r['path']}.{c}"]) for c in request_columns()))
    lines.append("四、政府信息公开行政复议、行政诉讼情况")
    lines.append("  ".join(str(v[k]) for k in schema()["review_litigation"]["flattened_order"]))
    return lines
