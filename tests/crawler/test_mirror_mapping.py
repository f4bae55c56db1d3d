"""The mirror handler's URL mapping, both ways."""

from __future__ import annotations

from crawler.mirror import from_mirror, to_mirror

MIRROR = "http://127.0.0.1:8710"


def test_plain_requests_use_a_path_prefix():
    url = "https://www.gansu.gov.cn/common/search/abc?page=2&_isJson=false"
    mirrored = to_mirror(url, MIRROR)
    assert mirrored == "http://127.0.0.1:8710/www.gansu.gov.cn/common/search/abc?page=2&_isJson=false"
    assert from_mirror(mirrored, MIRROR, url) == url


def test_browser_requests_use_localhost_hosts():
    url = "http://www.longnan.gov.cn/zfxxgk/zfxxgknb/index.html"
    mirrored = to_mirror(url, MIRROR, browser=True)
    assert mirrored == "http://www.longnan.gov.cn.localhost:8710/zfxxgk/zfxxgknb/index.html"
    assert from_mirror(mirrored, MIRROR, url) == url


def test_redirect_targets_map_back_with_the_original_scheme():
    back = from_mirror("http://127.0.0.1:8710/zwgk.dingxi.gov.cn/art/1.html", MIRROR,
                       "https://www.dingxi.gov.cn/col/col1/index.html")
    assert back == "https://zwgk.dingxi.gov.cn/art/1.html"
