"""CDXJ indexes beside WARC files, so replay tools (pywb, ReplayWeb.page) can find captures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from cdxj_indexer import CDXJIndexer


def cdxj_path(warc_path: str | Path) -> Path:
    """The index file for a WARC: `name.warc.gz` -> `name.cdxj`, beside it."""
    path = Path(warc_path)
    name = path.name
    for suffix in (".warc.gz", ".warc", ".arc.gz", ".arc"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return path.with_name(name + ".cdxj")


def write_cdxj(warc_path: str | Path) -> Path:
    """Index a closed WARC file with cdxj-indexer (the pywb-compatible indexer), sorted; returns the index path."""
    out = cdxj_path(warc_path)
    tmp = out.with_name(out.name + ".tmp")
    CDXJIndexer(str(tmp), [str(warc_path)], sort=True).process_all()
    tmp.replace(out)
    return out


def read_cdxj(path: str | Path) -> Iterator[tuple[str, str, dict]]:
    """Yield (urlkey, 14-digit timestamp, fields) for each line of a CDXJ file; unparseable lines are skipped."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split(" ", 2)
            if len(parts) != 3 or not parts[2].startswith("{"):
                continue
            try:
                fields = json.loads(parts[2])
            except ValueError:
                continue
            yield parts[0], parts[1], fields

