"""Tests for pipelines.boilerplate: rules on single pages, learned chrome, report text kept."""

import re
from pathlib import Path

import pytest

from pipelines.boilerplate import Chrome, Cleaned, learn_chrome, strip_boilerplate

SEEDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds"
HEADING = re.compile(r"^\s*[一二三四五六七八九十]+、")
CHROME_MARKERS = ("责任编辑", "分享到", "打印本页", "关闭窗口", "温馨提示", "统一身份认证",
                  "网站地图", "返回列表", "|||", "备案号")


def _seed_texts() -> dict[str, str]:
    if not SEEDS.exists():
        pytest.skip("shared/seeds not present")
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


@pytest.mark.parametrize("name", ["000", "001", "002", "003", "004"])
def test_seed_chrome_removed_report_kept(name):
    text = _seed_texts()[name]
    cleaned = strip_boilerplate(text)
    for marker in CHROME_MARKERS:
        assert marker not in cleaned.text, marker
    original = [ln.strip().rstrip("|").strip() for ln in text.splitlines()]
    kept = cleaned.text
    for line in original:
        if HEADING.match(line) or "年度报告" in line:
            assert line in kept, line
    # every removed line is chrome-sized, and no report sentence went
    assert all(len(r) <= 200 or set(r) <= {"|"} for r in cleaned.removed)
    own = [ln for ln in original if len(ln) > 60 and not any(m in ln for m in CHROME_MARKERS)]
    assert all(ln in kept for ln in own)


def test_seed_003_spam_footer_left_for_spam_stage():
    cleaned = strip_boilerplate(_seed_texts()["003"])
    assert "Copyright © PG电子" in cleaned.text  # spam terms are the spam stage's to remove
    assert "网站地图" in cleaned.removed


def test_table_rows_and_cells_survive():
    text = ("一、总体情况\n| 信息内容 | 本年制发件数 | 本年废止件数 |\n| 规章 | 0 | 0 |\n"
            "| 打印 | 关闭 |\n|  |  |  |\n|\n0\n|\n责任编辑:张三\n")
    cleaned = strip_boilerplate(text)
    assert "| 信息内容 | 本年制发件数 | 本年废止件数 |" in cleaned.text
    assert "| 规章 | 0 | 0 |" in cleaned.text
    assert "|  |  |  |" in cleaned.text
    assert cleaned.text.splitlines().count("|") == 2  # one-cell-per-line separators kept
    assert "| 打印 | 关闭 |" in cleaned.removed and "责任编辑:张三" in cleaned.removed


def test_breadcrumb_removed_even_when_it_names_the_column():
    text = "首页\n>政府信息公开>政府信息公开年报>2022>报告汇总\n一、总体情况\n"
    assert strip_boilerplate(text).text == "一、总体情况\n"


def test_learned_chrome_removes_site_template():
    template = "甘肃省某某县人民政府\n主办:某某县人民政府办公室\n微信公众号:某某发布\n"
    pages = [f"{template}某某局{year}年政府信息公开工作年度报告\n一、总体情况\n"
             f"本年主动公开信息{year}条。\n| 规章 | 0 | 0 |\n" for year in range(2018, 2024)]
    chrome = learn_chrome(pages)
    assert "微信公众号:某某发布" in chrome.lines and chrome.pages == 6
    assert "一、总体情况" not in chrome.lines and "| 规章 | 0 | 0 |" not in chrome.lines
    cleaned = strip_boilerplate(pages[0], chrome)
    assert "微信公众号" not in cleaned.text and "甘肃省某某县人民政府" not in cleaned.text
    assert "本年主动公开信息2018条。" in cleaned.text and "| 规章 | 0 | 0 |" in cleaned.text
    assert "微信公众号:某某发布" in strip_boilerplate(pages[0]).text  # rules alone keep it


def test_learned_chrome_never_hides_site_wide_spam():
    pages = [f"报告{i}\n一、总体情况\n内容{i}\n澳门新葡京娱乐城官网\n" for i in range(5)]
    chrome = learn_chrome(pages)
    assert not any("新葡京" in line for line in chrome.lines)
    assert "澳门新葡京娱乐城官网" in strip_boilerplate(pages[0], chrome).text


def test_learn_chrome_needs_enough_pages():
    assert learn_chrome(["a\nb", "a\nb"]).lines == frozenset()
    assert learn_chrome([]) == Chrome(frozenset(), 0)


@pytest.mark.parametrize("bad", [None, 5, b"bytes", "", "\r\n\r\n", "|" * 5000])
def test_never_raises(bad):
    assert isinstance(strip_boilerplate(bad), Cleaned)
    assert isinstance(learn_chrome([bad, "x"]), Chrome)


def test_learner_window_matches_learn_chrome():
    """The learner's chrome, kept up to date page by page as its window slides, is what
    learn_chrome gives over the same last pages."""
    from types import SimpleNamespace

    from pipelines.boilerplate import ChromeLearner

    template = ["首页 | 政务公开", "网站地图", "主办单位：某县人民政府"]
    texts = []
    for n in range(12):
        own = [f"第{n}页正文", f"浏览次数：{n % 3}", "分享到" if n % 4 else "打印本页"]
        extra = [f"临时栏目{n // 5}"] if n % 2 else []
        texts.append("\n".join(template[: 1 + n % 3] + own + extra))
    learner = ChromeLearner(window=4)
    for i, text in enumerate(texts):
        page = {"site": "s", "decoded": SimpleNamespace(kind="html", text=text)}
        chrome = learner.observe(page)
        assert chrome == learn_chrome(texts[max(0, i - 3): i + 1])
