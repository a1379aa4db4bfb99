"""Scrapy project `summary-archive`: the `summaries` spider and its components that archive a site."""
