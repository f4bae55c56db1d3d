"""REDIS_URL alone switches the crawl to scrapy-redis's shared queue; empty, nothing changes."""

from __future__ import annotations

from scrapy.settings import Settings

from crawler import settings as project
from crawler.scaleout import DUPEFILTER, IDLE_EXTENSION, SCHEDULER, ScaleOut


def _applied(**overrides) -> Settings:
    settings = Settings()
    settings.setmodule(project, priority="project")
    settings.setdict(overrides, priority="cmdline")
    ScaleOut().update_settings(settings)
    return settings


def test_the_addon_is_on_in_the_project_settings():
    assert "crawler.scaleout.ScaleOut" in project.ADDONS


def test_redis_url_puts_queue_and_dupefilter_on_redis():
    settings = _applied(REDIS_URL="redis://127.0.0.1:6379")
    assert settings["SCHEDULER"] == SCHEDULER
    assert settings["DUPEFILTER_CLASS"] == DUPEFILTER
    assert settings.getbool("SCHEDULER_PERSIST")
    assert IDLE_EXTENSION in settings.getdict("EXTENSIONS")


def test_without_redis_url_nothing_changes():
    settings = _applied()
    assert settings["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"
    assert settings["DUPEFILTER_CLASS"] == "scrapy.dupefilters.RFPDupeFilter"
    assert IDLE_EXTENSION not in settings.getdict("EXTENSIONS")
