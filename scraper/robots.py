"""robots.txt parsing that also keeps the file's `Sitemap:` lines, so the spider can follow them."""

from __future__ import annotations

from scrapy.robotstxt import ProtegoRobotParser
from scrapy.spiders import Spider


class SitemapAwareRobotParser(ProtegoRobotParser):
    """Scrapy's default (Protego) robots.txt parser, with `sitemaps`: the URLs of its Sitemap: lines.

    RobotsTxtMiddleware sends this parser with the `robots_parsed` signal; reading the sitemaps from
    it spares a second request for robots.txt."""

    def __init__(self, robotstxt_body: bytes, spider: Spider | None) -> None:
        super().__init__(robotstxt_body, spider)
        self.sitemaps: list[str] = list(self.rp.sitemaps)
