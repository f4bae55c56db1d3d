"""Spider helpers, the politeness defaults and the challenge detector."""

from __future__ import annotations

import datetime as dt

import pytest
from scrapy.utils.test import get_crawler

from crawler.middlewares.challenge import is_challenge
from crawler.spiders.gansu_reports import GansuReportsSpider
from crawler.years import parse_years

TODAY = dt.date(2026, 11, 22)


@pytest.mark.parametrize(
    ("spec", "years"),
    [(None, (2008, 2026)), ("2021-2024", (2021, 2024)), ("2023", (2023, 2023)),
     ("2019-", (2019, 2026)), ("2019,2021-2022", (2019, 2022))],
)
def test_parse_years(spec, years):
    result = parse_years(spec, TODAY)
    assert (result[0], result[-1]) == years and result == sorted(set(result))


def test_comma_years_skip_the_gap():
    assert parse_years("2019,2021-2022", TODAY) == [2019, 2021, 2022]


@pytest.mark.parametrize("spec", ["20x1", "2024-2021"])
def test_bad_years_are_refused(spec):
    with pytest.raises(ValueError, match="years"):
        parse_years(spec, TODAY)


def test_politeness_defaults():
    from scrapy.settings import Settings

    from crawler import settings as project

    settings = Settings()
    settings.setmodule(project)
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2
    assert "nianbao" in settings.get("USER_AGENT") and "http" in settings.get("USER_AGENT")
    assert "bot" not in settings.get("USER_AGENT").lower().replace("annual-report", "")
    assert 0 < settings.getint("DOWNLOAD_MAXSIZE") <= 256 * 1024 * 1024
    assert settings.getint("RETRY_TIMES") >= 1


def test_spider_selects_sites_and_allowed_domains():
    crawler = get_crawler(GansuReportsSpider)
    spider = GansuReportsSpider.from_crawler(crawler, site="linxia,dingxi", years="2023")
    assert [s.id for s in spider.sites] == ["linxia", "dingxi"]
    assert "www.gansu.gov.cn" in spider.allowed_domains
    assert list(spider.years) == [2023]


def test_challenge_detection():
    shell = (b"<html><head><meta content=\"x\" r='m'><script r='m'>$_ts=window['$_ts'];"
             b"</script></head><body></body></html>")
    assert is_challenge(412, b"")
    assert is_challenge(200, shell)
    assert not is_challenge(200, "<html><body>政府信息公开工作年度报告 $_ts</body></html>".encode() * 2000)
    assert not is_challenge(200, b"<html><body>ok</body></html>")


def test_backoff_doubles_and_honours_retry_after():
    from crawler.middlewares.retry import backoff_delay

    assert [backoff_delay(n, 2.0, 120.0) for n in range(4)] == [2.0, 4.0, 8.0, 16.0]
    assert backoff_delay(10, 2.0, 120.0) == 120.0
    assert backoff_delay(0, 2.0, 120.0, "30") == 30.0
    assert backoff_delay(0, 2.0, 120.0, "86400") == 120.0
