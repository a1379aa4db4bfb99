"""A tiny hostile site on 127.0.0.1: a summary whose text holds scripts, event handlers, javascript:/data:
URLs and SQL, and links and redirects that try to leave the crawl's scope or slip past robots.txt."""

from __future__ import annotations

import threading
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator
import contextlib

from tests.fixtures.site import Site

HOSTILE = "/summaries/hostile"
# Redirects out of scope: another host (same server under another name), non-HTTP schemes, a private
# address, and a path robots.txt disallows.
REDIRECTS = {
    "/go/other-host": "http://localhost:{port}/redirected-other-host",
    "/go/file": "file:///etc/passwd",
    "/go/ftp": "ftp://127.0.0.1:{port}/redirected-ftp",
    "/go/private-address": "http://10.255.255.1/redirected-private",
    "/go/robots": "/private/redirected",
}
LINKS = ["http://localhost:{port}/linked-other-host", "ftp://127.0.0.1:{port}/linked-ftp", "file:///etc/hosts",
         "javascript:fetch('/linked-javascript')", "data:text/html,<a href='/linked-data'>x</a>",
         "mailto:x@example.org", "/private/linked", "//localhost:{port}/linked-scheme-relative"]


class HostileSite:
    """Serves the hostile site; `requests` logs (path, Host header) of every request."""

    def __init__(self) -> None:
        self.site = Site(pages=5, seed=1)
        self.requests: list[tuple[str, str]] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.port = self._httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        app = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                """Quiet."""

            def do_GET(self) -> None:  # noqa: N802 - stdlib name
                app.requests.append((self.path, self.headers.get("Host", "")))
                status, headers, body = app.answer(self.path)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def answer(self, path: str) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body for a path."""
        html = {"Content-Type": "text/html; charset=utf-8"}
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n"
        if path in REDIRECTS:
            return 302, {"Location": REDIRECTS[path].format(port=self.port)}, b""
        if path == HOSTILE:
            return 200, html, self.site.fault_page("hostile", self.url.rstrip("/")).replace(
                b"/faults/hostile", HOSTILE.encode())
        if path == "/":
            links = [HOSTILE, *REDIRECTS, *(link.format(port=self.port) for link in LINKS)]
            items = "".join(f'<li><a href="{escape(link)}">{escape(link)}</a></li>' for link in links)
            return 200, html, f"<!DOCTYPE html><html><head><title>Hostile</title></head><body><ul>{items}</ul></body></html>".encode()
        return 404, html, b"<html><body>not here</body></html>"

    def expected(self) -> dict:
        """The truth of the hostile summary (title, sections...)."""
        return self.site.expected("/faults/hostile", 1, self.url.rstrip("/"))


@contextlib.contextmanager
def hostile_site() -> Iterator[HostileSite]:
    """Run a HostileSite in a thread for the block."""
    site = HostileSite()
    thread = threading.Thread(target=site._httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site._httpd.shutdown()
        site._httpd.server_close()
