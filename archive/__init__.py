"""The archive: every version of every record in one SQLite file (sqlite-utils), with history and export."""

from archive.errors import (
    ArchiveError, ArchiveFull, ArchiveMissing, ArchiveMoved, ArchiveReadOnly, CrawlRunning, NotAnArchive, SchemaTooNew,
)
from archive.export import export_rows, export_to_file
from archive.history import history
from archive.reparse import reparse
from archive.stats import stats
from archive.store import Archive

__all__ = [
    "Archive", "ArchiveError", "ArchiveFull", "ArchiveMissing", "ArchiveMoved", "ArchiveReadOnly", "CrawlRunning", "NotAnArchive",
    "SchemaTooNew", "export_rows", "export_to_file", "history", "reparse", "stats",
]
