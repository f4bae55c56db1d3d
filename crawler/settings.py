"""Scrapy settings for nianbao. Every project setting is documented in README.md."""

import os

from crawler.browser import find_browser, launch_options

BOT_NAME = "nianbao"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Politeness: an honest name with a contact URL, robots.txt, few requests per site,
# AutoThrottle, retries with backoff, bounded bodies.
USER_AGENT = "nianbao/0.1 (+https://github.com/nianbao/nianbao; annual-report research crawler)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = 2.0  # seconds before the first retry, doubled for each further one
RETRY_BACKOFF_MAX = 120.0  # no retry waits longer, whatever Retry-After asks
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
# Outputs of one callback handled at once. Scrapy starts this many asyncio tasks for every
# response: its default, 100, cost about a fifth of the reactor's time on the benchmark
# mirror, and a callback here yields one item and a few requests.
CONCURRENT_ITEMS = 8
COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
LOG_FORMATTER = "crawler.logformatter.PageLogFormatter"
FEED_EXPORT_ENCODING = "utf-8"

# scrapy-playwright renders what needs a browser (challenge pages, JS-built lists);
# plain requests go through Scrapy's own HTTP client. The mirror handler wraps it.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
DOWNLOAD_HANDLERS = {
    "http": "crawler.mirror.MirrorDownloadHandler",
    "https": "crawler.mirror.MirrorDownloadHandler",
}
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = launch_options(find_browser())
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 2
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.retry.BackoffRetryMiddleware": 550,
    "crawler.middlewares.incremental.IncrementalMiddleware": 580,
    "crawler.middlewares.redirectloop.RedirectLoopMiddleware": 605,
    "crawler.middlewares.offregistry.OffRegistryRedirectMiddleware": 610,
    "crawler.middlewares.challenge.ChallengeMiddleware": 650,
}
# REDIS_URL switches the crawl to a queue shared by several workers (crawler/scaleout.py).
ADDONS = {"crawler.scaleout.ScaleOut": 0}
EXTENSIONS = {
    "crawler.summary.CrawlSummary": 500,
}
ITEM_PIPELINES = {
    "pipelines.itempipelines.AnalysisPipeline": 100,  # the stages of pipelines/chain.py
    "pipelines.itempipelines.StorePipeline": 900,
}

# Project settings.
# The cloaking check fetches each report page a second time as Baiduspider, coming
# from a Baidu search, and compares: hacked pages often show their spam only to search
# engines. It is the only place the crawl does not use its own User-Agent.
CLOAKING_CHECK_ENABLED = True
CLOAKING_USER_AGENT = "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"
CLOAKING_REFERER = "https://www.baidu.com/s?wd={query}"
CHALLENGE_ENABLED = True  # pass 412/JS challenges with the browser, reuse the cookie
CHALLENGE_WAIT = 15.0  # seconds the browser may take to pass one challenge
INCREMENTAL_ENABLED = True  # revalidate stored pages; unchanged ones are not re-analysed
# OCR of table pictures and scanned PDFs takes seconds per table: off, they are stored
# with an ocr_pending flag for `rebuild` to read later.
OCR_ENABLED = True
# Worker processes for the analysis stages (off the reactor); 0: in the crawl process.
# One core is left to the crawl process and the warehouse writer's process: on 2 cores,
# one worker crawled the large mirror in 102-103 s, two in 113-125 s.
ANALYSIS_WORKERS = max(1, (os.cpu_count() or 2) - 1)
MIRROR = ""  # e.g. http://127.0.0.1:8000: fetch every URL from the offline mirror
NIANBAO_MAX_LIST_PAGES = 200  # list pages per index URL: bounds pagination traps
NIANBAO_REGISTRY = ""  # a registry YAML; empty: crawler/sites/gansu.yaml
WAREHOUSE_DB = "data/reports.db"
WAREHOUSE_RAW_DIR = ""  # raw page archive; empty: a raw/ folder beside WAREHOUSE_DB
REDIS_URL = ""  # e.g. redis://127.0.0.1:6379: share the queue and dupefilter (scrapy-redis)
SCALEOUT_IDLE_CLOSE = 10.0  # seconds a worker waits on an empty shared queue before closing
