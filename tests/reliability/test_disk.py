"""Disk full and read-only storage, end to end through `summary-archive crawl`: one clear line, and the
archive as it was (nothing committed before is lost; the file passes integrity_check)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

from tests.fixtures.site import Site, SiteServer
from tests.reliability.support import FAST, archive_problems, committed_versions, crawl, query

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


@contextlib.contextmanager
def small_disk(where: Path, size_kb: int) -> Iterator[Path]:
    """A tmpfs of `size_kb` mounted at `where` (root only), unmounted afterwards."""
    where.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _one_error_line(proc: subprocess.CompletedProcess) -> str:
    errors = [line for line in proc.stderr.splitlines() if line.startswith("Error:")]
    assert proc.returncode != 0 and len(errors) == 1, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    return errors[0]


@pytest.fixture(scope="module")
def site_and_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SiteServer, Path]]:
    """An archive of epoch 1 of a small site (checkpointed: a single file), and its server, which the
    tests switch to epoch 2 (same host and port, so the crawls update the archived articles)."""
    db = tmp_path_factory.mktemp("disk") / "archive.db"
    with SiteServer(Site(pages=30, seed=23), epoch=1) as server:
        proc = crawl(server.url, "--db", str(db), *FAST)
        assert proc.returncode == 0, proc.stderr
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        server.set_epoch(2)
        yield server, db


@pytest.mark.skipif(not _can_mount(), reason="needs root to mount a small tmpfs (the disk that fills)")
@pytest.mark.parametrize("room_kb", [0, 160], ids=["full-from-start", "fills-mid-crawl"])
def test_disk_full_stops_with_one_line_and_loses_nothing(site_and_archive: tuple[SiteServer, Path], tmp_path: Path,
                                                         room_kb: int) -> None:
    server, original = site_and_archive
    size_kb = original.stat().st_size // 1024 * 4 + 4096  # room to recover once the filler goes
    with small_disk(tmp_path / "disk", size_kb) as disk:
        db = disk / "archive.db"
        shutil.copy(original, db)
        before, digest = committed_versions(db), _sha(db)
        filler = disk / "filler"
        with open(filler, "wb") as out:  # take all the room but room_kb
            free = shutil.disk_usage(disk).free - room_kb * 1024
            out.write(b"\0" * max(0, free))
        proc = crawl(server.url, "--db", str(db), *FAST)
        line = _one_error_line(proc)
        assert "full" in line.lower(), line
        if room_kb == 0:
            assert _sha(db) == digest, "the archive file changed although nothing could be written"
        else:  # some pages were archived before the disk filled
            assert query(db, "SELECT fetched FROM crawls WHERE id = 2")[0][0] > 0
        filler.unlink()
        assert not archive_problems(db)
        assert before <= committed_versions(db), "a version committed before the disk filled was lost"
        again = crawl(server.url, "--db", str(db), *FAST)  # with room again, the crawl completes
        assert again.returncode == 0, again.stderr
        assert not archive_problems(db)


def test_read_only_archive_fails_with_one_line_and_is_untouched(site_and_archive: tuple[SiteServer, Path],
                                                               tmp_path: Path) -> None:
    server, original = site_and_archive
    db = tmp_path / "archive.db"
    shutil.copy(original, db)
    digest, before = _sha(db), committed_versions(db)
    root = os.geteuid() == 0
    # root writes through file modes: make the file immutable instead (chattr), else a plain chmod.
    lock = ["chattr", "+i", str(db)] if root else ["chmod", "0444", str(db)]
    unlock = ["chattr", "-i", str(db)] if root else ["chmod", "0644", str(db)]
    subprocess.run(lock, check=True)
    try:
        server.clear_log()
        proc = crawl(server.url, "--db", str(db), *FAST)
        requests = server.requests
    finally:
        subprocess.run(unlock, check=True)
    line = _one_error_line(proc)
    assert "read-only" in line, line
    assert requests == [], "the crawl fetched pages it could not archive"
    assert _sha(db) == digest and committed_versions(db) == before
    assert not archive_problems(db)


@pytest.mark.skipif(not _can_mount(), reason="needs root to mount a read-only tmpfs")
def test_read_only_file_system_fails_with_one_line(site_and_archive: tuple[SiteServer, Path], tmp_path: Path) -> None:
    server, original = site_and_archive
    with small_disk(tmp_path / "disk", 8192) as disk:
        db = disk / "archive.db"
        shutil.copy(original, db)
        digest = _sha(db)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        proc = crawl(server.url, "--db", str(db), *FAST)
        line = _one_error_line(proc)
        assert "read-only" in line, line
        assert _sha(db) == digest
