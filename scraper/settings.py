"""Scrapy settings of the summary-archive project: polite defaults for a public site.

Everything here can be overridden with `-s NAME=VALUE` (or the `crawl` command's options). The site
profile (ARCHIVE_PROFILE) sets delay, per-host concurrency, size limit and User-Agent at "spider"
priority (see SummariesSpider.update_settings), above these defaults and below the command line.
Project settings are prefixed ARCHIVE_:

- ARCHIVE_DB: the SQLite archive to write (required).
- ARCHIVE_PROFILE: site profile TOML file (default: the built-in profile).
- ARCHIVE_START_URLS: start URLs when the spider gets no `-a start_urls=` (else the profile's).
- ARCHIVE_CRAWL_ID: continue this crawls row instead of starting one (also kept in JOBDIR).
- ARCHIVE_MAX_PAGES: stop after this many summary pages (0: no limit).
- ARCHIVE_SINCE: only archive pages changed since this date (YYYY-MM-DD or ISO 8601, UTC).
- ARCHIVE_PARSE_WORKERS: processes that parse pages off the reactor (default: CPUs - 1, at least 1); a worker
  killed by the OS is replaced, and the pages it held are parsed again once.
- ARCHIVE_RETRY_BACKOFF: seconds before the first retry, doubling with each further retry.
- ARCHIVE_RETRY_AFTER_MAX: the longest pause a 429/503's Retry-After header may ask before a retry (60 s).
- ARCHIVE_PROGRESS_INTERVAL: seconds between progress lines on stderr (0: none).
- ARCHIVE_OBEY_CRAWL_DELAY: honour robots.txt Crawl-delay as a minimum delay per host (default True;
  it works through AutoThrottle, so AUTOTHROTTLE_ENABLED must stay on).
- ARCHIVE_PARSE: False for a crawl that fetches and follows links but neither parses nor stores
  (the benchmark's "null spider").
- ARCHIVE_REDIS_URL: make this crawl one worker of a distributed crawl (scraper.redis_worker): the
  frontier and seen-set in this Redis, pages to the writer (`summary-archive ingest`); no ARCHIVE_DB.
  With it: ARCHIVE_REDIS_WAIT (s to wait for an open crawl, 60), ARCHIVE_REDIS_WORKER_TIMEOUT (s
  without heartbeat before a worker counts as dead, 10), ARCHIVE_REDIS_HEARTBEAT (1),
  ARCHIVE_REDIS_POLL (s between looks for shared work when idle, 0.5), ARCHIVE_REDIS_MAX_BACKLOG
  (pause while the writer has more pages than this to store, 2000).
"""

from scrapy.settings import default_settings as _scrapy_defaults

BOT_NAME = "summary-archive"
SPIDER_MODULES = ["scraper.spiders"]
NEWSPIDER_MODULE = "scraper.spiders"

# Politeness: robots.txt, one request a second with 2 at a time per host, adapted by AutoThrottle.
ROBOTSTXT_OBEY = True
# Scrapy's default resolver is IPv4-only: a site on an IPv6 address (or a host with only AAAA
# records) failed as "DNS lookup failed". This one resolves both (it ignores DNS_TIMEOUT). Scrapy 2.16
# renamed the setting (the old name warns); older versions read only the old one.
if hasattr(_scrapy_defaults, "TWISTED_DNS_RESOLVER"):
    TWISTED_DNS_RESOLVER = "scrapy.resolver.CachingHostnameResolver"
else:  # pragma: no cover - Scrapy < 2.16
    DNS_RESOLVER = "scrapy.resolver.CachingHostnameResolver"
ROBOTSTXT_PARSER = "scraper.robots.SitemapAwareRobotParser"
DOWNLOAD_DELAY = 1.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
# A <meta> refresh in under two seconds sends readers on at once (a redirect, a move); a later one leaves a page
# to read first, archived as it is, its target followed as a link (Scrapy's default treated 99 s as at once).
METAREFRESH_MAXDELAY = 2
DOWNLOAD_WARNSIZE = 0
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_GIVE_UP_LOG_LEVEL = "INFO"
# Scrapy starts CONCURRENT_ITEMS asyncio tasks per response to work through its output. A response
# yields one item and some links, and storing an item never waits (the pipeline writes SQLite at
# once), so more than one task only costs CPU on every response (~6% of an unchanged recrawl).
CONCURRENT_ITEMS = 1
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19 starts, by default, an HTTP server on localhost that runs any Python code sent to it
# with a token it writes under ~/.local/state/scrapy (left behind when a crawl is killed): not for
# an unattended crawler. `-s REMOTE_CONTROL_ENABLED=true` turns it back on.
REMOTE_CONTROL_ENABLED = False

# Breadth-first, so --max-pages and --depth cut the crawl evenly.
DEPTH_PRIORITY = 1
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"

# Every status reaches the spider (304, 404/410 and 5xx are outcomes to record, not errors to drop);
# redirects are still followed because RedirectMiddleware only looks at request meta for this.
HTTPERROR_ALLOW_ALL = True

# One request per canonical URL (fragments, tracking parameters, trailing slashes don't count).
REQUEST_FINGERPRINTER_CLASS = "scraper.canonical.CanonicalFingerprinter"
DUPEFILTER_CLASS = "scraper.canonical.CanonicalDupeFilter"
REDIRECT_MAX_TIMES = 5

DOWNLOADER_MIDDLEWARES = {
    # ScopeMiddleware replaces Scrapy's OffsiteMiddleware (which has no allowed_domains here anyway).
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    # Before RobotsTxtMiddleware (100): an off-site URL must not even cost a robots.txt request.
    "scraper.middlewares.ScopeMiddleware": 50,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "scraper.robots.ServerErrorRobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scraper.middlewares.BackoffRetryMiddleware": 550,
    # Sees each response before RedirectMiddleware (600): a redirect loop becomes an error, not silence;
    # a redirect for good to a page already asked for goes to the spider (a move, not a dropped hop).
    "scraper.middlewares.RedirectLoopMiddleware": 650,
    "scraper.middlewares.SeenRedirectMiddleware": 640,
    "scraper.middlewares.ConditionalRequestMiddleware": 570,
    # Sees each response before HttpCompressionMiddleware (590) decompresses it: a cut stream is flagged.
    "scraper.truncated.TruncatedCodingMiddleware": 595,
    # Inactive unless ARCHIVE_WARC_DIR is set.
    "scraper.warc.WarcWriterMiddleware": 950,
}
# Per-request work on every link: drop what this spider cannot use (every status is allowed, and
# its meta is built fresh, never copied from a response).
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.httperror.HttpErrorMiddleware": None,
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}
ITEM_PIPELINES = {"scraper.pipelines.ArchivePipeline": 300}
EXTENSIONS = {
    "scrapy.extensions.throttle.AutoThrottle": None,
    "scraper.extensions.RobotsThrottle": 0,
    "scraper.extensions.CrawlRecorder": 10,
    "scraper.extensions.ProgressReporter": 20,
}

ARCHIVE_RETRY_BACKOFF = 1.0
ARCHIVE_RETRY_AFTER_MAX = 60.0
ARCHIVE_PROGRESS_INTERVAL = 5.0
ARCHIVE_PARSE = True

# Switches to scrapy-redis (Scheduler, seen-set) when ARCHIVE_REDIS_URL is set; inert otherwise.
ADDONS = {"scraper.redis_addon.RedisMode": 0}

LOG_LEVEL = "WARNING"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
