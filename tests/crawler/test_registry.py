"""The site registry loads, covers what the design asks, and refuses bad files clearly."""

from __future__ import annotations

import pytest

from crawler.registry import SITES_DIR, RegistryError, load_registry


def test_every_registry_file_loads():
    for path in SITES_DIR.glob("*.yaml"):
        assert load_registry(path).sites


def test_gansu_registry_covers_province_cities_and_counties():
    registry = load_registry()
    levels = [s.level for s in registry.sites]
    assert levels.count("province") == 1
    cities = {s.name for s in registry.sites if s.level == "city"}
    for city in "兰州 嘉峪关 金昌 白银 天水 武威 张掖 平凉 酒泉 庆阳 定西 陇南 临夏 甘南".split():
        assert any(city in name for name in cities), city
    assert sum(level in ("county", "department") for level in levels) >= 20
    assert all(s.status in ("verified", "inferred") for s in registry.sites)


def test_index_urls_expand_over_years():
    zhangye = load_registry().get("zhangye")
    urls = zhangye.index[0].expand(range(2017, 2021))
    assert urls == [
        ("https://www.zhangye.gov.cn/zyszfxxgk/szfxxgknb/2019nnb/bmgknb_2019/", 2019),
        ("https://www.zhangye.gov.cn/zyszfxxgk/szfxxgknb/2020nnb/bmgknb_2020/", 2020),
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("sites: 3", "expected a mapping with a 'sites' list"),
        ("sites:\n  - {id: a}", "missing 'name'"),
        (
            "sites:\n  - {id: a, name: A, level: town, hosts: [a.gov.cn], platform: generic,"
            " index: [{url: 'https://a.gov.cn/'}], status: verified}",
            "level must be one of",
        ),
        (
            "sites:\n  - {id: a, name: A, level: city, hosts: [a.gov.cn], platform: generic,"
            " index: [{url: 'https://b.gov.cn/'}], status: verified}",
            "must be http(s) on one of",
        ),
        ("sites: [", "cannot load"),
    ],
)
def test_bad_registry_files_are_refused_with_the_reason(tmp_path, body, message):
    path = tmp_path / "bad.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(RegistryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_registry(path)


def test_unknown_site_names_the_known_ones():
    with pytest.raises(RegistryError, match="known sites: gansu, lanzhou"):
        load_registry().select("nowhere")
