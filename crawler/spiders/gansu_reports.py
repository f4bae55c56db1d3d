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
from scrapy_playwright.page import PageMethod
from twisted.python.failure import Failure

from crawler.items import PageItem
from crawler.links import attachment_type, is_report_title, is_table_image, title_year
from crawler.listing import ADAPTERS, Entry, FollowUp
from crawler.registry import Site, registry_from_settings
from crawler.years import parse_years

logger = logging.getLogger(__name__)


class GansuReportsSpider(scrapy.Spider):
    """Crawl the 政府信息公开年报 of the sites in the registry."""

    name = "gansu_reports"

    def __init__(self, site: str | None = None, years: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.site_arg = site
        self.years_arg = years
        self.years = parse_years(years)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        registry = registry_from_settings(crawler.settings)
        spider.sites = registry.select(spider.site_arg)
        spider.registry_sites = {s.id: s for s in registry.sites}
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
        render = site.render and follow.kind == "column"
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
                "playwright": render,
                # A JS-built list is complete once the page's own requests have settled.
                "playwright_page_methods": [PageMethod("wait_for_load_state", "networkidle")]
                if render else [],
            },
        )

    def parse_list(self, response: Response) -> Iterator[scrapy.Request | PageItem]:
        site: Site = response.meta["site"]
        index_url = response.meta["index_url"]
        self._count(site, "index_pages")
        item = self._item(response, site, "index")
        page = ADAPTERS[site.platform](response.url, _text(response), response.meta["list_kind"])
        for entry in page.entries:
            request = self._report_request(site, entry, response.url)
            if request is not None:
                yield request
        for follow in page.follow:
            walked = self.list_pages.get(index_url, 1)
            if walked >= self.max_list_pages:
                # A pager that never ends (or a calendar's URL space): the list page
                # whose next page was not fetched is stored with the reason.
                self._count(site, "list_pages_capped")
                logger.warning("Stopped paging %s after %d pages", index_url, walked)
                item["findings"] = [*item["findings"], {
                    "kind": "pagination_capped", "reason": f"{walked} list pages walked",
                    "next": follow.url}]  # fmt: skip
                break
            self.list_pages[index_url] = walked + 1
            yield self._list_request(site, follow, index_url)
        yield item

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
                  "index_url": list_url, "revalidate": True},
        )

    def parse_report(self, response: Response) -> Iterator[scrapy.Request | PageItem]:
        """A report page: fetch its attachments, then the cloaking probe, then yield it.

        The report item waits for its attachments and probe (fetched one after the
        other), so the pipelines see the page and everything that belongs to it at once.
        """
        site: Site = response.meta["site"]
        self._count(site, "reports")
        item = self._item(response, site, "report")
        item["attachments"] = []
        if not isinstance(response, TextResponse) or response.status >= 300:
            yield item
            return
        queue = [(url, text) for url, text in self._attachment_links(response)]
        yield self._next(item, queue)

    def _attachment_links(self, response: TextResponse) -> Iterator[tuple[str, str]]:
        # lxml on the tree parsel parsed, not a parsel Selector and CSS query per link:
        # the same links and texts (a link's text nodes, joined by spaces) in half the
        # time, on pages whose chrome has dozens of links.
        seen = set()
        root = response.selector.root
        for link in root.iter("a"):
            if (href := link.get("href")) is None:
                continue
            url = response.urljoin(href)
            if url in seen or (urlsplit(url).hostname or "") not in self.registry_hosts:
                continue
            text = " ".join(" ".join(link.itertext()).split())
            if attachment_type(url, text):
                seen.add(url)
                yield url, text
        for img in root.iter("img"):
            # Tables pasted as pictures: read later by OCR (crawler/data/links.yaml says
            # which pictures can be tables, so logos and badges are left alone).
            if (src := img.get("src")) is None:
                continue
            url = response.urljoin(src)
            if url in seen or (urlsplit(url).hostname or "") not in self.registry_hosts:
                continue
            if is_table_image(url, img.get("width"), img.get("height")):
                seen.add(url)
                yield url, img.get("alt", "")

    def _next(self, item: PageItem, queue: list[tuple[str, str]]) -> scrapy.Request | PageItem:
        """The next request the report item waits for, or the item when it is complete."""
        site = self.registry_sites[item["site"]]
        if queue:
            (url, text), rest = queue[0], queue[1:]
            return scrapy.Request(
                url,
                headers={"Referer": item["url"]},  # VSB download.jsp insists on it
                dont_filter=True,  # shared files: a filtered request would strand the item
                callback=self.parse_attachment,
                errback=self.on_attachment_error,
                meta={"site": site, "report_item": item, "queue": rest, "link_text": text,
                      "revalidate": True},
            )
        if item.get("unchanged") and not all(a.get("unchanged") for a in item["attachments"]):
            item["unchanged"] = False  # a new or changed attachment: analyse the report again
        if (self.cloaking_check and "probe" not in item and item.get("status") == 200
                and not item.get("unchanged")):
            return self._probe_request(site, item)
        return item

    def parse_attachment(self, response: Response) -> Iterator[scrapy.Request | PageItem]:
        """An attachment of a report: kept with the report item."""
        item, site = response.meta["report_item"], response.meta["site"]
        self._count(site, "attachments")
        attachment = self._item(response, site, "attachment")
        attachment.update(list_title=response.meta["link_text"] or None, report_url=item["url"],
                          referer=item["url"])
        item["attachments"].append(attachment)
        yield self._next(item, response.meta["queue"])

    def on_attachment_error(self, failure: Failure) -> Iterator[scrapy.Request | PageItem]:
        """An attachment that could not be fetched: recorded with the report, which goes on."""
        request = failure.request
        item, site = request.meta["report_item"], request.meta["site"]
        self._count(site, "errors")
        reason = failure.getErrorMessage() or failure.type.__name__
        logger.warning("Attachment fetch failed for %s: %s", request.url, reason)
        response = getattr(failure.value, "response", None)
        attachment = (self._item(response, site, "attachment") if response is not None
                      else self._bare_item(request.url, request.meta, site, "attachment"))
        attachment.update(report_url=item["url"], referer=item["url"],
                          list_title=request.meta["link_text"] or None,
                          findings=[{"kind": "fetch_error", "reason": reason[:500]}])
        item["attachments"].append(attachment)
        yield self._next(item, request.meta["queue"])

    def _probe_request(self, site: Site, item: PageItem) -> scrapy.Request:
        """The cloaking check: the same page fetched again as a search engine would.

        The only request that does not carry the project's own User-Agent; it is off
        with CLOAKING_CHECK_ENABLED=False.
        """
        title = item.get("list_title") or ""
        return scrapy.Request(
            item["url"],
            headers={"User-Agent": self.probe_user_agent,
                     "Referer": self.probe_referer.format(query=quote(title))},
            dont_filter=True,
            callback=self.parse_probe,
            errback=self.on_probe_error,
            meta={"site": site, "report_item": item},
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
        kind = "index" if request.callback == self.parse_list else "report"
        finding = {"kind": "fetch_error", "reason": reason[:500]}
        if request.meta.get("redirect_urls"):
            # Stored under the URL the chain ended at; the chain names the link it left.
            chain = [*request.meta["redirect_urls"], request.url]
            finding["redirects"] = " -> ".join(chain)
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
            unchanged=bool(response.meta.get("nianbao_unchanged")),
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
