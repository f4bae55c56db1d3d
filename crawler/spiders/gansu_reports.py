"""The spider: 年报 index pages -> every list page -> report pages -> attachments.

    scrapy crawl gansu_reports [-a site=linxia,dingxi] [-a years=2021-2024]

It reads lists through the platform's adapter (crawler/listing), takes the entries
whose titles name an annual report, and yields every fetched page as a PageItem with
its raw bytes; it never parses report content (that is the pipelines' work).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator, Iterator
from urllib.parse import quote, urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.items import PageItem
from crawler.links import attachment_type, is_report_title, title_year
from crawler.listing import ADAPTERS, Entry, FollowUp
from crawler.registry import FIRST_REPORT_YEAR, Site, registry_from_settings

logger = logging.getLogger(__name__)


def parse_years(spec: str | None, today: dt.date | None = None) -> range:
    """Years from '2021-2024', '2023', '2019-' or None (2008 to this year)."""
    last = (today or dt.date.today()).year
    if not spec:
        return range(FIRST_REPORT_YEAR, last + 1)
    start, sep, end = spec.partition("-")
    try:
        first = int(start) if start else FIRST_REPORT_YEAR
        final = int(end) if end else (last if sep else first)
    except ValueError as err:
        raise ValueError(f"years must look like 2021-2024, 2023 or 2019-, got {spec!r}") from err
    if first > final:
        raise ValueError(f"years range is empty: {spec!r}")
    return range(first, final + 1)


class GansuReportsSpider(scrapy.Spider):
    """Crawl the 政府信息公开年报 of the sites in the registry."""

    name = "gansu_reports"

    def __init__(self, site: str | None = None, years: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.site_arg = site
        self.years = parse_years(years)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        registry = registry_from_settings(crawler.settings)
        spider.sites = registry.select(spider.site_arg)
        spider.registry_hosts = registry.hosts
        spider.allowed_domains = sorted(registry.hosts)
        spider.max_list_pages = crawler.settings.getint("NIANBAO_MAX_LIST_PAGES")
        spider.list_pages: dict[str, int] = {}
        spider.cloaking_check = crawler.settings.getbool("CLOAKING_CHECK_ENABLED")
        spider.probe_user_agent = crawler.settings.get("CLOAKING_USER_AGENT")
        spider.probe_referer = crawler.settings.get("CLOAKING_REFERER")
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for site in self.sites:
            for index in site.index:
                for url, year in index.expand(self.years):
                    request = self._list_request(site, FollowUp(url=url, kind="column"), url)
                    request.meta["year_folder"] = year
                    yield request

    def _list_request(self, site: Site, follow: FollowUp, index_url: str) -> scrapy.Request:
        return scrapy.Request(
            follow.url,
            method=follow.method,
            body=follow.body,
            headers=follow.headers or None,
            callback=self.parse_list,
            errback=self.on_error,
            meta={
                "site": site,
                "list_kind": follow.kind,
                "index_url": index_url,
                "playwright": site.render and follow.kind == "column",
            },
        )

    def parse_list(self, response: Response) -> Iterator[scrapy.Request | PageItem]:
        site: Site = response.meta["site"]
        index_url = response.meta["index_url"]
        self._count(site, "index_pages")
        yield self._item(response, site, "index")
        page = ADAPTERS[site.platform](response.url, _text(response), response.meta["list_kind"])
        for entry in page.entries:
            request = self._report_request(site, entry, response.url)
            if request is not None:
                yield request
        for follow in page.follow:
            walked = self.list_pages.get(index_url, 1)
            if walked >= self.max_list_pages:
                self._count(site, "list_pages_capped")
                logger.warning("Stopped paging %s after %d pages", index_url, walked)
                break
            self.list_pages[index_url] = walked + 1
            yield self._list_request(site, follow, index_url)

    def _report_request(self, site: Site, entry: Entry, list_url: str) -> scrapy.Request | None:
        if not is_report_title(entry.title):
            self._count(site, "skipped_titles")
            return None
        year = title_year(entry.title)
        if year is not None and year not in self.years:
            self._count(site, "skipped_years")
            return None
        if (urlsplit(entry.url).hostname or "") not in self.registry_hosts:
            self._count(site, "offsite_links")
            logger.debug("Not following off-registry link %s from %s", entry.url, list_url)
            return None
        return scrapy.Request(
            entry.url,
            callback=self.parse_report,
            errback=self.on_error,
            meta={"site": site, "list_title": entry.title, "list_date": entry.date,
                  "index_url": list_url},
        )

    def parse_report(self, response: Response) -> Iterator[scrapy.Request | PageItem]:
        site: Site = response.meta["site"]
        self._count(site, "reports")
        item = self._item(response, site, "report")
        if not isinstance(response, TextResponse) or response.status >= 300:
            yield item
            return
        yield from self._attachment_requests(response, site)
        if self.cloaking_check and not response.meta.get("dont_probe"):
            yield self._probe_request(response, item)
        else:
            yield item

    def _attachment_requests(self, response: TextResponse, site: Site) -> Iterator[scrapy.Request]:
        seen = set()
        for link in response.css("a[href]"):
            url = response.urljoin(link.attrib["href"])
            text = " ".join(link.css("::text").getall())
            kind = attachment_type(url, text)
            if kind and url not in seen and (urlsplit(url).hostname or "") in self.registry_hosts:
                seen.add(url)
                yield scrapy.Request(
                    url,
                    callback=self.parse_attachment,
                    errback=self.on_error,
                    headers={"Referer": response.url},
                    meta={"site": site, "list_title": text.strip() or None,
                          "report_url": response.url},
                )

    def _probe_request(self, response: TextResponse, item: PageItem) -> scrapy.Request:
        """The cloaking check: the same page fetched again as a search engine would.

        The only request that does not carry the project's own User-Agent; it is off
        with CLOAKING_CHECK_ENABLED=False. The report item waits for the answer.
        """
        title = item.get("list_title") or ""
        return scrapy.Request(
            response.url,
            headers={"User-Agent": self.probe_user_agent,
                     "Referer": self.probe_referer.format(query=quote(title))},
            dont_filter=True,
            callback=self.parse_probe,
            errback=self.on_probe_error,
            meta={"site": response.meta["site"], "report_item": item},
        )

    def parse_probe(self, response: Response) -> Iterator[PageItem]:
        """The search-engine fetch came back: the report item goes on with it."""
        item = response.meta["report_item"]
        item["probe"] = {
            "body": response.body,
            "status": response.status,
            "content_type": _header(response, "Content-Type"),
            "user_agent": self.probe_user_agent,
        }
        self._count(response.meta["site"], "probes")
        yield item

    def on_probe_error(self, failure: Failure) -> Iterator[PageItem]:
        """No search-engine view: the report goes on without the cloaking check."""
        item = failure.request.meta["report_item"]
        self._count(failure.request.meta["site"], "probe_errors")
        item["findings"] = [*item.get("findings", []),
                            {"kind": "probe_failed", "reason": failure.getErrorMessage()[:500]}]
        yield item

    def parse_attachment(self, response: Response) -> Iterator[PageItem]:
        site: Site = response.meta["site"]
        self._count(site, "attachments")
        yield self._item(response, site, "attachment")

    def on_error(self, failure: Failure) -> Iterator[PageItem]:
        """A failed fetch: counted, logged, and stored as a page with its outcome."""
        request = failure.request
        site: Site = request.meta["site"]
        reason = failure.getErrorMessage() or failure.type.__name__
        response = getattr(failure.value, "response", None)
        if failure.type.__name__ == "IgnoreRequest" and "robots" in reason.lower():
            self._count(site, "robots_disallowed")
            return
        if request.meta.get("year_folder") and response is not None and response.status == 404:
            # A year folder that does not exist (yet): expected, not an error.
            self._count(site, "missing_years")
            logger.debug("No %s column at %s", request.meta["year_folder"], request.url)
            return
        self._count(site, "errors")
        logger.warning("Fetch failed for %s: %s", request.url, reason)
        kind = "index" if request.callback == self.parse_list else (
            "attachment" if request.callback == self.parse_attachment else "report"
        )
        finding = {"kind": "fetch_error", "reason": reason[:500]}
        if response is not None:
            item = self._item(response, site, kind)
        else:
            item = self._bare_item(request.url, request.meta, site, kind)
        item["findings"] = [*item.get("findings", []), finding]
        yield item

    def _item(self, response: Response, site: Site, kind: str) -> PageItem:
        item = self._bare_item(response.url, response.meta, site, kind)
        item.update(
            body=response.body,
            headers={
                k.decode("latin-1"): [v.decode("latin-1") for v in vs]
                for k, vs in response.headers.items()
            },
            status=response.status,
            content_type=_header(response, "Content-Type"),
        )
        return item

    def _bare_item(self, url: str, meta: dict, site: Site, kind: str) -> PageItem:
        return PageItem(
            url=url,
            site=site.id,
            kind=kind,
            list_title=meta.get("list_title"),
            list_date=meta.get("list_date"),
            body=b"",
            headers={},
            status=0,
            fetched_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            content_type=None,
            referer=meta.get("index_url"),
            report_url=meta.get("report_url"),
            findings=list(meta.get("nianbao_findings", [])),
        )

    def _count(self, site: Site, event: str) -> None:
        self.crawler.stats.inc_value(f"nianbao/site/{site.id}/{event}")


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _text(response: Response) -> str:
    if isinstance(response, TextResponse):
        return response.text
    return response.body.decode("utf-8", "replace")
