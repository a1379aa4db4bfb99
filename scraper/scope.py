"""Which URLs a crawl may fetch: http(s) on the start URLs' hosts (port included) or the profile's."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

HTTP_SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def host_key(url: str) -> tuple[str, int | None] | None:
    """(lower-case host, port or None for the scheme's default port); None for non-HTTP or bad URLs."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in HTTP_SCHEMES or not parts.hostname:
        return None
    if port == _DEFAULT_PORTS[parts.scheme.lower()]:
        port = None
    return parts.hostname.lower().rstrip("."), port


@dataclass(frozen=True)
class Scope:
    """Hosts a crawl stays on. Start hosts match host and port exactly (127.0.0.1:8000 is not
    127.0.0.1:8001, unlike Scrapy's OffsiteMiddleware which ignores ports); profile entries are
    `host`, `host:port` or `*.domain` (any subdomain), matching any port unless one is given."""

    exact: frozenset[tuple[str, int | None]]
    any_port: frozenset[str]
    suffixes: tuple[str, ...]

    @classmethod
    def build(cls, start_urls: Iterable[str], allowed_hosts: Iterable[str] = ()) -> Scope:
        """Scope of the start URLs plus the profile's allowed_hosts."""
        exact = {key for key in map(host_key, start_urls) if key}
        any_port: set[str] = set()
        suffixes: list[str] = []
        for entry in allowed_hosts:
            entry = entry.strip().lower()
            if entry.startswith("*."):
                suffixes.append(entry[1:])
            elif ":" in entry:
                key = host_key(f"http://{entry}/")
                if key:
                    exact.add(key)
            elif entry:
                any_port.add(entry)
        return cls(frozenset(exact), frozenset(any_port), tuple(suffixes))

    @property
    def hosts(self) -> list[str]:
        """The start sites, 'host' or 'host:port', the form Archive.finish_crawl's complete_hosts takes
        (a complete crawl of 127.0.0.1:8001 says nothing of 127.0.0.1:8000)."""
        named = {(f"[{host}]" if ":" in host else host, port) for host, port in self.exact}  # (IPv6 bracketed)
        return sorted({host if port is None else f"{host}:{port}" for host, port in named})

    def allows(self, url: str) -> bool:
        """True when `url` is http(s) on an in-scope host."""
        # Every link of every page passes here: decide once per scheme and authority.
        scheme, sep, rest = url.partition("://")
        if not sep:
            return False
        authority = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
        return self._allows_authority(scheme.lower(), authority)

    @functools.lru_cache(maxsize=1024)
    def _allows_authority(self, scheme: str, authority: str) -> bool:
        key = host_key(f"{scheme}://{authority}/")
        if key is None:
            return False
        host, _port = key
        return (key in self.exact or host in self.any_port
                or any(host.endswith(suffix) for suffix in self.suffixes))
