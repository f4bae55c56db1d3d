"""Report bodies: real texts from shared/seeds and shared/devset, and generated ones from the paragraph bank."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path

import yaml

from tests.mirror.tables import RenderedTables, Values, request_columns

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
NARRATIVE = Path(__file__).resolve().parent / "data" / "narrative.yaml"

_SECTION_SPLIT = re.compile(r"\s+(?=[一二三四五六七八九十]、|（[一二三四五六七八九十]）|\([一二三四五六七八九十]\))")


@dataclass(frozen=True)
class Body:
    """A report body as HTML plus where its text came from."""

    html: str
    source: str


@cache
def narrative() -> dict[str, list[str]]:
    """The paragraph bank (data/narrative.yaml)."""
    return yaml.safe_load(NARRATIVE.read_text(encoding="utf-8"))


def shared_text(relpath: str) -> str:
    """A text file under ../shared (seeds/ or devset/pages/)."""
    return (SHARED / relpath).read_text(encoding="utf-8")


def paragraphs_of(text: str) -> list[str]:
    """Split stored page text into paragraphs; drop the '|' table debris some captures carry."""
    out = []
    for line in text.splitlines():
        line = line.strip().strip("|").strip()
        if not line or set(line) <= {"|", " "}:
            continue
        out.extend(p.strip() for p in _SECTION_SPLIT.split(line) if p.strip())
    return out


def html_paragraphs(paragraphs: list[str], indent: bool = True) -> str:
    """<p> elements in the style of the CMS editors (text-indent 2em)."""
    style = ' style="text-indent:2em;"' if indent else ""
    return "\n".join(f"<p{style}>{escape(p)}</p>" for p in paragraphs)


def real_body(relpath: str, drop_first: int = 0) -> Body:
    """A seed/devset text turned into paragraphs (title lines dropped, text otherwise as captured)."""
    paras = paragraphs_of(shared_text(relpath))[drop_first:]
    return Body(html_paragraphs(paras), relpath)


def dongxiang_body(tables: RenderedTables) -> Body:
    """Seed 001 (东乡县 2021) with its flattened tables rebuilt as HTML tables."""
    relpath = "seeds/001_b92b6f1085681289.txt"
    text = shared_text(relpath)
    text = text.split("X\n\n温馨提示")[0]
    head, rest = text.split("二、主动公开政府信息情况", 1)
    tail = "五、" + rest.split("五、", 1)[1]
    head_paras = [p for p in paragraphs_of(head) if not p.startswith(("东乡县2021年", "来源:", "字号", "收藏"))]
    html = "\n".join(
        [
            html_paragraphs(head_paras),
            "<p><strong>二、主动公开政府信息情况</strong></p>",
            tables.active,
            "<p><strong>三、收到和处理政府信息公开申请情况</strong></p>",
            tables.requests,
            "<p><strong>四、政府信息公开行政复议、行政诉讼情况</strong></p>",
            tables.review,
            html_paragraphs(paragraphs_of(tail)),
        ]
    )
    return Body(html, relpath)


def _figures(v: Values, rnd: random.Random) -> dict[str, int]:
    cols = request_columns()
    total = "total" if "total" in cols else cols[-1]
    return {
        "n_active": rnd.randint(60, 900),
        "n_news": rnd.randint(20, 300),
        "n_notice": rnd.randint(5, 80),
        "n_interp": rnd.randint(1, 20),
        "n_training": rnd.randint(1, 6),
        "new_total": int(v[f"requests.new.{total}"]),
        "carried_total": int(v[f"requests.carried_over.{total}"]),
        "closed_total": int(v[f"requests.outcome.total.{total}"]),
        "forward_total": int(v[f"requests.carry_forward.{total}"]),
        "granted_total": int(v[f"requests.outcome.granted.{total}"]),
    }


def generated_sections(agency: str, year: int, v: Values, seed: int) -> dict[str, list[str]]:
    """Paragraphs per section for a generated report, drawn from the bank by `seed`."""
    rnd = random.Random(seed)
    bank = narrative()
    fill = {"agency": agency, "year": year, **_figures(v, rnd)}

    def pick(key: str) -> str:
        return rnd.choice(bank[key]).format(**fill)

    return {
        "preamble": [pick("preamble")],
        "overview": [pick("overview"), pick("active_text"), pick("request_text"), pick("management"), pick("platform"), pick("oversight")],
        "problems": [pick("problems")],
        "other": [pick("other")],
    }


def assemble(sections: dict[str, list[str]], tables: RenderedTables | None, headings: dict[str, str] | None = None) -> str:
    """Body HTML in template order; without tables, sections 二–四 say 详见附件."""
    h = {
        "overview": "一、总体情况",
        "active": "二、主动公开政府信息情况",
        "requests": "三、收到和处理政府信息公开申请情况",
        "review": "四、政府信息公开行政复议、行政诉讼情况",
        "problems": "五、存在的主要问题及改进情况",
        "other": "六、其他需要报告的事项",
        **(headings or {}),
    }
    parts = [html_paragraphs(sections["preamble"]), f"<p><strong>{escape(h['overview'])}</strong></p>", html_paragraphs(sections["overview"])]
    for key in ("active", "requests", "review"):
        parts.append(f"<p><strong>{escape(h[key])}</strong></p>")
        parts.append(getattr(tables, key) if tables else '<p style="text-indent:2em;">详见附件。</p>')
    parts += [f"<p><strong>{escape(h['problems'])}</strong></p>", html_paragraphs(sections["problems"])]
    parts += [f"<p><strong>{escape(h['other'])}</strong></p>", html_paragraphs(sections["other"])]
    return "\n".join(parts)


def not_report_body(title: str, agency: str, seed: int) -> str:
    """A short news item or notice that mentions 年报 without being one."""
    rnd = random.Random(seed)
    if "指南" in title:
        paras = [
            f"为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。{agency}主动公开的政府信息，通过政府门户网站“政府信息公开”专栏公开。",
            "公民、法人或者其他组织申请获取政府信息的，可以通过网上申请、信函申请、当面申请等方式提出。政府信息公开工作年度报告于每年1月31日前在本专栏公布。",
        ]
    elif "通知" in title:
        paras = [
            "各县区人民政府，市政府各部门：",
            "根据《中华人民共和国政府信息公开条例》第四十九条、第五十条规定，现就做好政府信息公开工作年度报告编制发布工作通知如下：各部门应当于1月31日前向本级政府信息公开工作主管部门提交本行政机关上一年度政府信息公开工作年度报告并向社会公布。",
            f"联系人：{agency}政务公开科，联系电话：0931-{rnd.randint(8000000, 8999999)}。",
        ]
    else:
        paras = [
            f"近日，{agency}召开政府信息公开工作年度报告编制培训会，各科室、直属单位政务公开工作人员参加会议。",
            "会议解读了《中华人民共和国政府信息公开工作年度报告格式》，通报了上年度年报编制中存在的数据勾稽关系错误、栏目缺项等问题，并对本年度年报编制发布工作作出安排。",
        ]
    return html_paragraphs(paras)
