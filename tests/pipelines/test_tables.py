"""Tables as fields from HTML grids (rowspan/colspan), pipe rows and one cell per line."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.decode import decode_page
from pipelines.htmltext import html_to_text
from pipelines.report import extract_report
from pipelines.tablegrid import parse_value
from pipelines.validate import validate_report

DEVSET = Path(__file__).resolve().parents[2] / ".." / "shared" / "devset"

# Table 3 of a 2021-format report as the CMSs print it: rowspan on 三、本年度办理结果 and
# the （三）–（六） groups, colspan on the first rows, split header cells. Values are those
# of devset page 091 (长春, 2023): 3 new requests from natural persons, granted 3.
REQ_ROWS_2021 = [
    ("requests.new", "一、本年新收政府信息公开申请数量", (3, 0, 0, 0, 0, 0, 3)),
    ("requests.carried_over", "二、上年结转政府信息公开申请数量", (0,) * 7),
]


def _html_2021(new_total: int = 3) -> str:
    leaves = [("（一）予以公开", None, 3), ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None, 0)]
    leaves += [(f"{i}.{t}", "（三）不予公开", 0) for i, t in enumerate(
        ["属于国家秘密", "其他法律行政法规禁止公开", "危及“三安全一稳定”", "保护第三方合法权益",
         "属于三类内部事务信息", "属于四类过程性信息", "属于行政执法案卷", "属于行政查询事项"], 1)]
    leaves += [(f"{i}.{t}", "（四）无法提供", 0) for i, t in enumerate(
        ["本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确"], 1)]
    leaves += [(f"{i}.{t}", "（五）不予处理", 0) for i, t in enumerate(
        ["信访举报投诉类申请", "重复申请", "要求提供公开出版物", "无正当理由大量反复申请",
         "要求行政机关确认或重新出具已获取信息"], 1)]
    leaves += [(f"{i}.{t}", "（六）其他处理", 0) for i, t in enumerate(
        ["申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
         "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "其他"], 1)]
    leaves += [("（七）总计", None, 3)]
    spans = {"（三）不予公开": 8, "（四）无法提供": 3, "（五）不予处理": 5, "（六）其他处理": 3}
    rows = [
        '<tr><td colspan="3" rowspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>'
        '<td colspan="7">申请人情况</td></tr>',
        '<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>',
        "<tr><td>商业<br>企业</td><td>科研<br>机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>",
        f'<tr><td colspan="3">一、本年新收政府信息公开申请数量</td><td>{new_total}</td>'
        + "<td>0</td>" * 5 + f"<td>{new_total}</td></tr>",
        '<tr><td colspan="3">二、上年结转政府信息公开申请数量</td>' + "<td>0</td>" * 7 + "</tr>",
    ]
    seen: set[str] = set()
    for i, (label, group, value) in enumerate(leaves):
        cells = f'<td rowspan="{len(leaves)}">三、本年度办理结果</td>' if i == 0 else ""
        if group is None:
            cells += f'<td colspan="2">{label}</td>'
        else:
            if group not in seen:
                seen.add(group)
                cells += f'<td rowspan="{spans[group]}">{group}</td>'
            cells += f"<td>{label}</td>"
        cells += f"<td>{value}</td>" + "<td>0</td>" * 5 + f"<td>{value}</td>"
        rows.append(f"<tr>{cells}</tr>")
    rows.append('<tr><td colspan="3">四、结转下年度继续办理</td>' + "<td>&nbsp;</td>" * 7 + "</tr>")
    return (
        "<html><body><h1>某某局2023年政府信息公开工作年度报告</h1>"
        "<p>三、收到和处理政府信息公开申请情况</p><table border=1>" + "".join(rows)
        + "</table><p>四、政府信息公开行政复议、行政诉讼情况</p></body></html>"
    )


def test_parse_value_blank_versus_zero():
    assert parse_value("0") == (True, 0)
    assert parse_value("") == (True, None)
    assert parse_value("-") == (True, None)
    assert parse_value("／") == (True, None)
    assert parse_value("-8") == (True, -8)
    assert parse_value("251000元") == (True, 251000)
    assert parse_value("84.67") == (True, 84.67)
    assert parse_value("规章")[0] is False


def test_html_2021_rowspan_colspan():
    report = extract_report(html_to_text(_html_2021()))
    fields = report.fields
    assert len([n for n in fields if n.startswith("requests.")]) == 175
    assert fields["requests.new.natural_person"] == 3
    assert fields["requests.outcome.granted.total"] == 3
    assert fields["requests.outcome.other.misc.total"] == 0
    assert fields["requests.carry_forward.total"] is None  # &nbsp; cell: not reported
    cell = next(c for c in report.cells if c.field == "requests.outcome.denied.admin_query.total")
    assert cell.row_label == "8.属于行政查询事项" and cell.method == "pipe"
    assert next(c for c in report.cells if c.field == "requests.new.org_commercial").col_label == "商业 企业"
    assert not [f for f in validate_report(report) if f.code != "REQ_COLUMN_BALANCE"]


def test_identity_failure_names_the_cells():
    report = extract_report(html_to_text(_html_2021(new_total=4)))
    flags = [f for f in validate_report(report) if f.details.get("scope") == "column natural_person"]
    balance = next(f for f in flags if f.code == "REQ_COLUMN_BALANCE")
    assert balance.details["cells"]["requests.new.natural_person"] == 4
    assert balance.details["expected"] == 4 and balance.details["found"] == 3


def test_html_2019_devset_065():
    path = DEVSET / "pages" / "065.html"
    if not path.exists():
        pytest.skip("shared/devset not available")
    report = extract_report(html_to_text(path.read_text("utf-8")))
    fields = report.fields
    assert report.format_version == "gov2019"
    # 本年新公开数量 spans two columns: 对外公开总数量 is the fourth grid cell, not the third.
    assert fields["active.regulations.total_published"] == 524
    assert fields["active.central_procurement.amount"] == 251000
    assert fields["requests.new.natural_person"] == 821
    assert fields["requests.new.org_research"] is None
    assert fields["requests.outcome.total.total"] == 805
    assert fields["review_litigation.litigation_direct.total"] == 9
    assert validate_report(report) == ()


def test_gbk_page():
    html = _html_2021().replace("<html>", '<html><head><meta charset="gbk"></head>')
    page = decode_page(html.encode("gbk"), "text/html")
    report = extract_report(page.text)
    assert report.fields["requests.new.total"] == 3
    assert report.agency == "某某局" and report.report_year == 2023


def test_pipe_rows_and_collapsed_review_run():
    text = "\n".join([
        "二、主动公开政府信息情况", "| 第二十条第(一)项 | |||",
        "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |", "| 规章 | 0 | - | 3 |",
        "四、政府信息公开行政复议、行政诉讼情况", "结果维持 结果纠正 其他结果 尚未审结 总计",
        "1 0 0 0 1 0 0 0 0 0 0 0 0 2 2",
    ])  # fmt: skip
    fields = extract_report(text).fields
    assert fields["active.regulations.issued"] == 0
    assert fields["active.regulations.repealed"] is None
    assert fields["active.regulations.in_force"] == 3
    assert fields["review_litigation.review.total"] == 1
    assert fields["review_litigation.litigation_after_review.pending"] == 2
