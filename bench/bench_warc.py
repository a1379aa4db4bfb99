"""WARC benchmark: what `crawl --warc` costs over the same crawl without it, and import-warc's speed.

    .venv/bin/python bench/bench_warc.py [--pages 500] [--concurrency 8]

All in one run, against the generated test site served by its own process on 127.0.0.1:
1. crawl into an empty archive (the baseline);
2. the same crawl with --warc DIR into another empty archive (request/response records, gzip,
   CDXJ index at the end);
3. import-warc of the WARC from (2) into an empty archive, against the crawl's own time (1).
CPU time includes the crawler's parser pool (getrusage(RUSAGE_CHILDREN) around each subprocess).
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_crawl import ROOT, children_cpu, run_crawl, serve  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=8)
    opts = parser.parse_args()
    args = ["--delay", "0", "--concurrency", str(opts.concurrency), "--quiet"]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        proc, url = serve(opts.pages, work / "site.log")
        try:
            base = run_crawl(url, work / "base.db", args)
            warc = run_crawl(url, work / "warc.db", args, ["--warc", str(work / "warc")])
        finally:
            proc.terminate()
            proc.wait()
        files = sorted((work / "warc").glob("*.warc.gz"))
        size = sum(f.stat().st_size for f in files)
        before, start = children_cpu(), time.perf_counter()
        # The command object itself, so this runs whether or not cli.py lists it yet.
        command = "from summary_archive.warc_cmds import import_warc_cmd; import_warc_cmd()"
        done = subprocess.run([sys.executable, "-c", command, *map(str, files),
                               "--db", str(work / "import.db")], cwd=ROOT, capture_output=True, text=True)
        imp_wall, imp_cpu = time.perf_counter() - start, children_cpu() - before
        if done.returncode != 0:
            raise SystemExit(f"import-warc failed: {done.stderr.strip()[-2000:]}")
        with sqlite3.connect(work / "warc.db") as conn:
            pages = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        with sqlite3.connect(work / "import.db") as conn:
            imported = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    print(f"site: {opts.pages} summaries; {pages} archived by the crawl, {imported} by import-warc")
    print(f"crawl           wall {base['wall']:7.2f} s  cpu {base['cpu']:7.2f} s   (baseline)")
    print(f"crawl --warc    wall {warc['wall']:7.2f} s  cpu {warc['cpu']:7.2f} s   "
          f"x{warc['wall'] / base['wall']:.2f} wall, x{warc['cpu'] / base['cpu']:.2f} cpu; "
          f"{len(files)} file(s), {size / 1e6:.1f} MB")
    print(f"import-warc     wall {imp_wall:7.2f} s  cpu {imp_cpu:7.2f} s   "
          f"x{imp_wall / base['wall']:.2f} wall, x{imp_cpu / base['cpu']:.2f} cpu of the crawl")


if __name__ == "__main__":
    main()
