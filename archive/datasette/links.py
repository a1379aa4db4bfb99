"""Which scraped URLs may become links: only absolute http(s) URLs, never javascript: or data:."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Browsers ignore ASCII tabs/newlines and leading control characters/spaces inside a URL
# ("java\tscript:" runs as javascript:), so those are rejected outright rather than stripped.
_CONTROL = re.compile(r"[\x00-\x20\x7f]")
SAFE_SCHEMES = ("http", "https")


def safe_href(url: object) -> str | None:
    """The URL if it is an absolute http(s) URL a browser will read the same way, else None."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or _CONTROL.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.netloc:
        return None
    return url
