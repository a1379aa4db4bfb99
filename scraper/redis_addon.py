"""The Scrapy add-on that turns a crawl into a worker of a distributed crawl when ARCHIVE_REDIS_URL is
set. Kept apart from scraper.redis_worker so that a crawl without Redis imports neither redis nor
scrapy-redis (optional dependencies: the `distributed` extra)."""

from __future__ import annotations

from scrapy.settings import BaseSettings


class RedisMode:
    """Scrapy add-on: with ARCHIVE_REDIS_URL set, this crawl is one worker of a distributed crawl."""

    def update_settings(self, settings: BaseSettings) -> None:
        """scrapy-redis's Scheduler and Redis seen-set (persisted: the frontier outlives any worker)."""
        url = settings.get("ARCHIVE_REDIS_URL")
        if not url:
            return
        # "project": above scraper/settings.py's own DUPEFILTER_CLASS, below -s on the command line.
        for name, value in {
            "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
            "SCHEDULER_QUEUE_CLASS": "scraper.redis_frontier.ReliableQueue",
            "DUPEFILTER_CLASS": "scraper.redis_frontier.CanonicalRedisDupeFilter",
            "SCHEDULER_PERSIST": True,
            "SCHEDULER_IDLE_BEFORE_CLOSE": 0,
            "REDIS_URL": url,
        }.items():
            settings.set(name, value, priority="project")
        settings.set_in_component_priority_dict("EXTENSIONS", "scraper.redis_worker.RedisWorker", 5)
        settings.set_in_component_priority_dict("SPIDER_MIDDLEWARES", "scraper.redis_worker.StartMarker", 1000)
