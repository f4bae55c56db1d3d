"""Boilerplate removal on the devset and seeds, compared with trafilatura on the same pages."""

import html as html_lib
import re
from pathlib import Path

import pytest

from pipelines.boilerplate import strip_boilerplate

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
HEADING = re.compile(r"^[一二三四五六七八九十]+、\S{2,30}$|^[(（][一二三四五六七八九十]+[)）]\S{2,30}$")
# Lines a person would call chrome, independent of the rules file.
CHROME = re.compile(r"责任编辑|分享到|打印本页|关闭窗口|温馨提示|统一身份认证|网站地图|返回列表"
                    r"|^\|{2,}$|^首页$|^浏览次数|^字号|^收藏$|^打印$|^分享$|备案号")


def _pages() -> list[str]:
    if not SHARED.exists():
        pytest.skip("shared/ not present")
    paths = sorted((SHARED / "devset" / "pages").glob("*.txt")) + sorted((SHARED / "seeds").glob("*.txt"))
    return [p.read_text(encoding="utf-8") for p in paths]


def _as_html(text: str) -> str:
    # The pages are stored as text; give trafilatura the same lines as markup, with pipe
    # rows as a real table, so both tools see the same content.
    body, rows = [], []
    for line in text.splitlines():
        if line.strip().startswith("|") and line.strip().count("|") >= 3:
            cells = line.strip().strip("|").split("|")
            rows.append("<tr>" + "".join(f"<td>{html_lib.escape(c.strip())}</td>" for c in cells) + "</tr>")
            continue
        if rows:
            body.append("<table>" + "".join(rows) + "</table>")
            rows = []
        if line.strip():
            body.append(f"<p>{html_lib.escape(line.strip())}</p>")
    if rows:
        body.append("<table>" + "".join(rows) + "</table>")
    return "<html><body><article>" + "".join(body) + "</article></body></html>"


def _targets(text: str) -> tuple[list[str], list[str], list[str]]:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    headings = [ln for ln in lines if HEADING.match(ln)]
    chrome = [ln for ln in lines if CHROME.search(ln.strip("| []"))]
    cells = [c.strip() for ln in lines if ln.startswith("|") and ln.count("|") >= 3
             and ln not in chrome for c in ln.strip("|").split("|") if len(c.strip()) >= 2]
    return headings, cells, chrome


def _score(pages: list[str], extract) -> dict[str, float]:
    kept_h = total_h = kept_c = total_c = gone = total_chrome = 0
    for text in pages:
        headings, cells, chrome = _targets(text)
        out = extract(text) or ""
        out_lines = {ln.strip() for ln in out.splitlines()}
        flat = re.sub(r"\s+", "", out)
        kept_h += sum(re.sub(r"\s+", "", h) in flat for h in headings)
        kept_c += sum(re.sub(r"\s+", "", c) in flat for c in cells)
        gone += sum(c not in out_lines and c.strip("| ") not in out_lines for c in chrome)
        total_h, total_c, total_chrome = total_h + len(headings), total_c + len(cells), total_chrome + len(chrome)
    return {"headings_kept": kept_h / max(total_h, 1), "cells_kept": kept_c / max(total_c, 1),
            "chrome_removed": gone / max(total_chrome, 1), "n_headings": total_h,
            "n_cells": total_c, "n_chrome": total_chrome}


def test_boilerplate_against_trafilatura():
    trafilatura = pytest.importorskip("trafilatura")
    pages = _pages()
    ours = _score(pages, lambda t: strip_boilerplate(t).text)
    theirs = _score(pages, lambda t: trafilatura.extract(_as_html(t), include_tables=True,
                                                         include_comments=False))
    print(f"\nboilerplate on {len(pages)} pages (devset text pages + seeds)")
    for name, s in (("nianbao", ours), ("trafilatura", theirs)):
        print(f"  {name:12s} headings kept {s['headings_kept']:.3f} of {s['n_headings']}, "
              f"cells kept {s['cells_kept']:.3f} of {s['n_cells']}, "
              f"chrome removed {s['chrome_removed']:.3f} of {s['n_chrome']}")
    assert ours["headings_kept"] == 1.0
    assert ours["cells_kept"] == 1.0
    assert ours["chrome_removed"] >= 0.9


def test_html_page_keeps_its_tables():
    path = SHARED / "devset" / "pages" / "065.html"
    if not path.exists():
        pytest.skip("devset 065.html not present")
    try:
        from pipelines.htmltext import html_to_text
    except ImportError:
        pytest.skip("pipelines.htmltext (stage 1) not available yet")
    text = html_to_text(path.read_text(encoding="utf-8"))
    cleaned = strip_boilerplate(text)
    rows = [ln for ln in text.splitlines() if ln.startswith("|")]
    assert rows and all(r in cleaned.text.splitlines() for r in rows)
