"""The demo: serve the generated sample site, crawl it twice (with changes between), serve the archive.

Run from the repository root with the project's virtualenv (`make demo` does both).
Ctrl-C stops every process this script started.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DB = Path(os.environ.get("DEMO_DB", ROOT / "demo.db"))
PAGES = int(os.environ.get("DEMO_PAGES", "150"))
SITE_PORT = int(os.environ.get("DEMO_SITE_PORT", "0"))
SERVE_PORT = int(os.environ.get("DEMO_PORT", "8001"))

children: list[subprocess.Popen] = []


def say(message: str) -> None:
    """Print a demo step so it stands out from the tools' own output."""
    print(f"\n==> {message}", flush=True)


def start_site() -> str:
    """Start the generated sample site on 127.0.0.1 and return its base URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fixtures.site", "serve", "--port", str(SITE_PORT),
         "--pages", str(PAGES), "--epoch", "1"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )
    children.append(proc)
    line = proc.stdout.readline() if proc.stdout else ""
    url = next((word for word in line.split() if word.startswith("http://")), None)
    if url is None:
        raise SystemExit(f"demo: the sample site did not start (it printed {line!r})")
    return url


def run(args: list[str]) -> None:
    """Run one summary-archive command, stopping the demo if it fails."""
    print("$ summary-archive " + " ".join(args), flush=True)
    result = subprocess.run([str(BIN / "summary-archive"), *args], cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"demo: 'summary-archive {args[0]}' failed with exit code {result.returncode}")


def example_article() -> tuple[int, str] | None:
    """An article with more than one version, to show its history."""
    with sqlite3.connect(DB) as conn:
        row = conn.execute(
            "select id, url from articles where version_count > 1 order by id limit 1"
        ).fetchone()
    return (row[0], row[1]) if row else None


def wait_for(url: str, seconds: float = 30.0) -> None:
    """Wait until an HTTP server answers at url."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"demo: nothing answered at {url} within {seconds:.0f} s")


def main() -> None:
    """Run the whole demo, then serve until interrupted."""
    DB.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    say(f"Serving a generated site of {PAGES} summaries (epoch 1)")
    site = start_site()
    print(site, flush=True)
    say("Crawling it into the archive")
    run(["crawl", site, "--db", str(DB), "--delay", "0", "--concurrency", "8"])
    say("The site changes (epoch 2: edits, removals, new pages); crawling again")
    with urllib.request.urlopen(site + "__site/epoch/2", timeout=5) as response:
        response.read()
    run(["crawl", site, "--db", str(DB), "--delay", "0", "--concurrency", "8"])
    run(["stats", "--db", str(DB)])
    say("Serving the archive in Datasette")
    serve = subprocess.Popen(
        [str(BIN / "summary-archive"), "serve", "--db", str(DB), "--port", str(SERVE_PORT)], cwd=ROOT
    )
    children.append(serve)
    base = f"http://127.0.0.1:{SERVE_PORT}"
    wait_for(base + "/-/versions.json")
    example = example_article()
    print(f"\nOpen the archive: {base}/", flush=True)
    print(f"  full-text search: {base}/-/search?q=immune", flush=True)
    if example:
        print(f"  an article's history: {base}/-/article/{example[0]}", flush=True)
    print("Press Ctrl-C to stop.", flush=True)
    serve.wait()


def stop_children() -> None:
    """Stop every process the demo started."""
    for proc in children:
        if proc.poll() is None:
            proc.terminate()
    for proc in children:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def interrupt(*_: object) -> None:
    """Treat SIGTERM like Ctrl-C, so the same clean-up runs."""
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, interrupt)
    try:
        main()
    except KeyboardInterrupt:
        print("\ndemo: stopped", file=sys.stderr)
    finally:
        stop_children()
