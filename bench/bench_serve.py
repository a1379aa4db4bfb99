"""Benchmark serving: Datasette on an archive of 100,000 generated articles, from a client on loopback.

    .venv/bin/python bench/bench_serve.py [--articles 100000] [--requests 60] [--keep DIR]

Generates the archive (the real schema, created by `archive.Archive`; rows inserted with
sqlite-utils `insert_all`, full-text indexes filled by the schema's triggers; every article has
version 1, 1,000 have 5 versions, 10,000 show 6 related cards), starts `summary-archive serve` on
127.0.0.1 and times, with a plain urllib client:

- a full-text search page (`/archive/articles?_search=WORD`: a search skips the default facets
  unless asked, archive/datasette/search.py), for specific and for common words, and with the
  facets asked for (`&_withfacets=1`, specific words),
- the faceted articles table page (`/archive/articles`: 5 column facets + a month facet + count),
  as served (facet counts kept until the file changes, archive/datasette/facet_cache.py) and
  recounted on every request (each request a different `_facet_size`, so nothing is reused),
- the article page of an article with 5 versions (`/-/article/ID`: 4 word diffs),
- streaming the whole articles table as CSV (`/archive/articles.csv?_stream=on`).

Baselines measured in the same run: Datasette's smallest page (`/-/versions.json`) for the
latencies, and sqlite3 + csv writing the same rows in-process for the CSV stream. The facet page
is measured with the schema as shipped and again after adding indexes on the faceted columns,
when the schema lacks them (the report says which).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlite_utils import Database  # noqa: E402

from archive import Archive  # noqa: E402

HEADINGS = [("Key Takeaway", "key_takeaway"), ("What They Found", "what_they_found"),
            ("Who Should Care and Why", "who_should_care"),
            ("Important Considerations", "important_considerations")]
FACET_COLUMNS = ["credibility", "interest", "journal", "status", "page_type", "last_changed"]
MONTH_FACETS = ["first_seen"]
SITE = "https://summaries.example.org"
VERSIONED = 1000     # articles with 5 versions
WITH_CARDS = 10_000  # articles showing 6 related cards
BATCH = 5000


def vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    """Pseudo-words; drawn with a Zipf-like weight so some are common and most are rare, as in text."""
    syllables = ["ba", "ce", "di", "fo", "gu", "ha", "ke", "li", "mo", "nu", "pa", "re", "si", "to",
                 "vu", "wa", "xe", "yo", "za", "lor", "mun", "tis", "gan", "bel", "rok", "sen"]
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choices(syllables, k=rng.randint(2, 4))))
    return sorted(words)


class TextMaker:
    """Random sentences over a fixed vocabulary (fast: one choices() call per text)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words = vocabulary(rng)
        self.weights = [1.0 / (rank + 1) for rank in range(len(self.words))]
        self.cum = list(_accumulate(self.weights))

    def text(self, count: int) -> str:
        """`count` words as sentences."""
        chosen = self.rng.choices(self.words, cum_weights=self.cum, k=count)
        return " ".join(chosen).capitalize() + "."


def _accumulate(values: list[float]):
    total = 0.0
    for value in values:
        total += value
        yield total


def iso(day: int, second: int = 0) -> str:
    """A UTC timestamp `day` days after 2024-01-01."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1704067200 + day * 86400 + second))


def record_of(article: dict, sections: list[dict]) -> dict:
    """The RECORD.md record behind an article row."""
    ratings = json.loads(article["ratings"])
    return {"url": article["url"], "page_type": "summary", "title": article["title"], "ratings": ratings,
            "sections": [{"heading": s["heading"], "text": s["text"]} for s in sections],
            "source": {"journal": article["journal"], "url": article["source_url"], "doi": article["doi"],
                       "published": article["source_published"]},
            "related": [], "published": article["published"], "warnings": [], "parser_version": "1"}


def generate(path: Path, count: int, seed: int = 7) -> list[int]:
    """Write an archive of `count` articles at `path`; return the ids of the 5-version articles."""
    Archive(path).close()  # the real schema, FTS triggers included
    db = Database(path)
    db.execute("PRAGMA synchronous = OFF")
    rng = random.Random(seed)
    maker = TextMaker(rng)
    journals = [f"Journal of {maker.text(2)[:-1]}" for _ in range(60)]
    versioned = set(rng.sample(range(1, count + 1), min(VERSIONED, count)))
    carded = rng.sample(range(1, count + 1), min(WITH_CARDS, count))
    started = time.perf_counter()
    for start in range(1, count + 1, BATCH):
        articles, sections, versions = [], [], []
        for aid in range(start, min(start + BATCH, count + 1)):
            first = rng.randint(0, 700)
            n_versions = 5 if aid in versioned else 1
            cred, interest = rng.randint(1, 5), rng.randint(1, 5)
            ratings = {"credibility": {"value": cred, "max": 5, "label": None, "raw": f"{cred}/5"},
                       "interest": {"value": interest, "max": 5, "label": None, "raw": f"{interest}/5"}}
            texts = [maker.text(rng.randint(20, 45)) for _ in HEADINGS]
            article = {
                "id": aid, "url": f"{SITE}/summaries/{aid}", "page_type": "summary",
                "title": maker.text(rng.randint(5, 10))[:-1], "credibility": cred, "credibility_max": 5,
                "interest": interest, "interest_max": 5, "ratings": json.dumps(ratings),
                **{column: texts[i] for i, (_, column) in enumerate(HEADINGS)},
                "journal": rng.choice(journals), "source_url": f"https://doi.org/10.1000/{aid}",
                "doi": f"10.1000/{aid}", "source_published": iso(first - 200)[:10],
                "published": iso(first)[:10], "status": "gone" if rng.random() < 0.03 else "live",
                "first_seen": iso(first), "last_seen": iso(first + 30), "last_changed": iso(first + n_versions),
                "version_count": n_versions, "current_version": n_versions, "host": "summaries.example.org",
                "parser_version": "1",
            }
            secs = [{"article_id": aid, "position": i, "heading": h, "text": texts[i]}
                    for i, (h, _) in enumerate(HEADINGS)]
            articles.append(article)
            sections.extend(secs)
            record = record_of(article, secs)
            for number in range(1, n_versions + 1):
                if number < n_versions:  # older versions: some words differ
                    old = json.loads(json.dumps(record))
                    for s in old["sections"]:
                        words = s["text"].split()
                        for _ in range(3):
                            words[rng.randrange(len(words))] = rng.choice(maker.words)
                        s["text"] = " ".join(words)
                    body = old
                    changed = ["sections." + h for h, _ in HEADINGS]
                else:
                    body = record
                    changed = ["created"] if number == 1 else ["sections." + h for h, _ in HEADINGS]
                versions.append({
                    "article_id": aid, "version": number, "crawl_id": number, "fetched_at": iso(first + number - 1),
                    "cause": "created" if number == 1 else "source", "content_hash": f"{aid:x}-{number}",
                    "changed": json.dumps(changed), "record": json.dumps(body), "parser_version": "1",
                })
        with db.conn:
            db["articles"].insert_all(articles, batch_size=1000)
            db["sections"].insert_all(sections, batch_size=1000)
            db["versions"].insert_all(versions, batch_size=1000)
        done = min(start + BATCH - 1, count)
        print(f"  generated {done:,}/{count:,} articles ({time.perf_counter() - started:.0f} s)",
              file=sys.stderr, flush=True)
    cards = []
    for aid in carded:
        for position in range(6):
            target = rng.randint(1, count)
            cards.append({"article_id": aid, "position": position, "title": f"Card {target}",
                          "url": f"{SITE}/summaries/{target}", "date": iso(0)[:10],
                          "excerpt": maker.text(15), "excerpt_truncated": 1, "target_id": target,
                          "first_seen": iso(0), "last_seen": iso(30), "current": 1})
    with db.conn:
        db["related"].insert_all(cards, batch_size=1000, ignore=True)
        db["crawls"].insert_all([{"id": n, "started_at": iso(n), "finished_at": iso(n, 600),
                                  "start_urls": json.dumps([SITE + "/"]), "status": "finished"}
                                 for n in range(1, 6)])
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return sorted(versioned)


def missing_facet_indexes(path: Path) -> list[str]:
    """Indexes the faceted articles page needs that the schema lacks: a column name (a plain
    index on it) or `month:COLUMN` (an index on substr(COLUMN, 1, 7), read by the month facet)."""
    conn = sqlite3.connect(path)
    try:
        leading = set()
        for (name,) in conn.execute("select name from pragma_index_list('articles')"):
            cols = [r[2] for r in conn.execute(f"pragma index_info([{name}])")]
            if cols and cols[0]:
                leading.add(cols[0])
        sql = " ".join(s or "" for (s,) in conn.execute(
            "select sql from sqlite_master where type = 'index' and tbl_name = 'articles'"))
        months = {m.group(1) for m in re.finditer(r"substr\(\s*\[?\"?(\w+)\"?\]?\s*,\s*1\s*,\s*7\s*\)", sql)}
        missing = [c for c in FACET_COLUMNS if c not in leading]
        missing += [f"month:{c}" for c in MONTH_FACETS if c not in months]
        return missing
    finally:
        conn.close()


def add_indexes(path: Path, wanted: list[str]) -> None:
    """Create the indexes `missing_facet_indexes` named (what the archive's schema should carry)."""
    conn = sqlite3.connect(path)
    try:
        for item in wanted:
            if item.startswith("month:"):
                column = item.split(":", 1)[1]
                conn.execute(f"create index if not exists bench_articles_{column}_month "
                             f"on articles(substr({column}, 1, 7))")
            else:
                conn.execute(f"create index if not exists bench_articles_{item} on articles({item})")
        conn.commit()
    finally:
        conn.close()


class Server:
    """`summary-archive serve --port 0` in a subprocess; its base URL once it listens."""

    def __init__(self, db: Path) -> None:
        cli = Path(sys.executable).parent / "summary-archive"
        self.proc = subprocess.Popen([str(cli), "serve", "--db", str(db), "--port", "0"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            match = re.search(r"(http://[\d.]+:\d+)/", line)
            if match:
                self.url = match.group(1)
                break
        else:
            raise SystemExit(f"bench: serve exited with {self.proc.wait()}")
        threading.Thread(target=self.proc.stderr.read, daemon=True).start()

    def stop(self) -> None:
        """Stop the server process."""
        self.proc.terminate()
        self.proc.wait(timeout=20)


def fetch(url: str) -> tuple[float, int]:
    """Seconds to fetch the whole response, and its size."""
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        if response.status != 200:
            raise SystemExit(f"bench: {url} answered {response.status}")
        size = len(response.read())
    return time.perf_counter() - started, size


def latencies(base: str, paths: list[str], requests: int, warmup: int = 3) -> dict[str, float]:
    """p50/p95 in milliseconds over `requests` sequential requests cycling through `paths`."""
    for path in paths[:warmup]:
        fetch(base + path)
    times = [fetch(base + paths[i % len(paths)])[0] * 1000 for i in range(requests)]
    times.sort()
    return {"p50": statistics.median(times), "p95": times[max(0, int(len(times) * 0.95) - 1)],
            "max": times[-1]}


def search_words(path: Path, rng: random.Random) -> dict[str, list[tuple[str, int]]]:
    """Search words with how many articles match each: 'specific' ones (under 2% of the articles,
    what a researcher looks for) and 'common' ones (the most frequent words of the text)."""
    conn = sqlite3.connect(path)
    try:
        total = conn.execute("select count(*) from articles").fetchone()[0]
        vocab = vocabulary(random.Random(7))  # the generator's vocabulary, by Zipf rank
        bands: dict[str, list[tuple[str, int]]] = {"specific": [], "common": []}
        for word in rng.sample(vocab[150:], 200):
            hits = conn.execute("select count(*) from articles_fts where articles_fts match ?", (word,)).fetchone()[0]
            if 0 < hits < total * 0.02 and len(bands["specific"]) < 30:
                bands["specific"].append((word, hits))
        for word in vocab[:10]:
            hits = conn.execute("select count(*) from articles_fts where articles_fts match ?", (word,)).fetchone()[0]
            bands["common"].append((word, hits))
        return bands
    finally:
        conn.close()


def csv_baseline(path: Path) -> tuple[float, int]:
    """Seconds for sqlite3 + csv to write every articles row in-process (no HTTP, no Datasette)."""
    started = time.perf_counter()
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    out = io.StringIO()
    writer = csv.writer(out)
    cursor = conn.execute("select * from articles order by id")
    writer.writerow([d[0] for d in cursor.description])
    rows = 0
    for row in cursor:
        writer.writerow(row)
        rows += 1
    conn.close()
    return time.perf_counter() - started, rows


def line(name: str, figures: dict[str, float], baseline: float, note: str = "") -> str:
    """One report line: p50/p95 and the ratio of p95 to the baseline's p50."""
    target = "ok" if figures["p95"] < 100 else "OVER 100 ms"
    return (f"{name:<34} p50 {figures['p50']:7.1f} ms  p95 {figures['p95']:7.1f} ms  "
            f"(p95 = {figures['p95'] / baseline:5.1f}x baseline; target p95 < 100 ms: {target}){note}")


def main() -> None:
    """Generate, serve, measure, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page kind")
    parser.add_argument("--keep", type=Path, help="keep the generated archive in this directory")
    args = parser.parse_args()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="bench-serve-"))
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "bench.db"
    rng = random.Random(11)
    try:
        if db.exists() and args.keep:
            print(f"Reusing {db}", file=sys.stderr)
            conn = sqlite3.connect(db)
            versioned = [r[0] for r in conn.execute("select article_id from versions where version = 5")]
            conn.close()
        else:
            print(f"Generating {args.articles:,} articles in {db} ...", file=sys.stderr, flush=True)
            started = time.perf_counter()
            versioned = generate(db, args.articles)
            print(f"  done in {time.perf_counter() - started:.0f} s, {db.stat().st_size / 1e6:.0f} MB",
                  file=sys.stderr)
        words = search_words(db, rng)
        article_paths = [f"/-/article/{aid}" for aid in rng.sample(versioned, min(40, len(versioned)))]
        search_paths = {band: [f"/archive/articles?_search={urllib.parse.quote(w)}" for w, _ in found]
                        for band, found in words.items()}
        missing = missing_facet_indexes(db)
        results: dict[str, dict[str, float]] = {}

        server = Server(db)
        try:
            print(f"Serving at {server.url}; timing {args.requests} requests per page ...", file=sys.stderr)
            base = latencies(server.url, ["/-/versions.json"], args.requests)
            results["search"] = latencies(server.url, search_paths["specific"], args.requests)
            results["search-common"] = latencies(server.url, search_paths["common"], args.requests)
            results["search-facets"] = latencies(
                server.url, [p + "&_withfacets=1" for p in search_paths["specific"]], args.requests)
            results["facets"] = latencies(server.url, ["/archive/articles"], args.requests)
            results["facets-cold"] = latencies(
                server.url, [f"/archive/articles?_facet_size={31 + n}" for n in range(args.requests + 3)],
                args.requests)
            results["article"] = latencies(server.url, article_paths, args.requests)
            print("Streaming the articles CSV ...", file=sys.stderr)
            csv_seconds, csv_bytes = fetch(server.url + "/archive/articles.csv?_stream=on&_size=max")
        finally:
            server.stop()
        if missing:
            add_indexes(db, missing)
            server = Server(db)
            try:
                results["facets+idx"] = latencies(server.url, ["/archive/articles"], args.requests)
                results["search+idx"] = latencies(server.url, search_paths["specific"], args.requests)
                results["search-common+idx"] = latencies(server.url, search_paths["common"], args.requests)
            finally:
                server.stop()
        base_csv_seconds, rows = csv_baseline(db)

        def hits(band: str) -> str:
            counts = sorted(n for _, n in words[band])
            return (f"{len(counts)} words matching {counts[0]:,}..{counts[-1]:,} articles, "
                    f"median {counts[len(counts) // 2]:,}")

        print()
        print(f"Serving benchmark: {args.articles:,} articles, {len(versioned):,} with 5 versions, "
              f"{args.requests} sequential requests per page from a loopback client")
        print(f"baseline: /-/versions.json                p50 {base['p50']:7.1f} ms  p95 {base['p95']:7.1f} ms")
        print(line("full-text search page", results["search"], base["p50"], f"\n{'':36}({hits('specific')})"))
        print(line("  search for a common word", results["search-common"], base["p50"],
                   f"\n{'':36}({hits('common')})"))
        print(line("  search + facets asked", results["search-facets"], base["p50"],
                   f"\n{'':36}(the specific words, &_withfacets=1)"))
        print(line("faceted articles page", results["facets"], base["p50"]))
        print(line("  facets recounted every request", results["facets-cold"], base["p50"],
                   f"\n{'':36}(the first view after a crawl commits)"))
        print(line("article page, 5 versions", results["article"], base["p50"]))
        if missing:
            print(f"schema lacks indexes on articles({', '.join(missing)}); after adding them:")
            print(line("  faceted articles page + indexes", results["facets+idx"], base["p50"]))
            print(line("  full-text search page + indexes", results["search+idx"], base["p50"]))
            print(line("  common-word search + indexes", results["search-common+idx"], base["p50"]))
        else:
            print("schema already indexes every faceted column")
        print(f"articles CSV, streamed (_stream=on)      {csv_seconds:7.1f} s for {rows:,} rows, "
              f"{csv_bytes / 1e6:.0f} MB ({rows / csv_seconds:,.0f} rows/s; "
              f"{csv_seconds / base_csv_seconds:.1f}x sqlite3+csv in-process: {base_csv_seconds:.1f} s)")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
