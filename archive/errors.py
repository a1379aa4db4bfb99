"""Named failures of the archive, each with a one-line message fit for a command line."""

from __future__ import annotations


class ArchiveError(Exception):
    """The archive could not do what was asked; the message is one line and names the cause."""


class ArchiveMissing(ArchiveError):
    """The archive file does not exist (and we were told not to create it)."""


class NotAnArchive(ArchiveError):
    """The file exists but is not SQLite, or is SQLite without our schema."""


class ArchiveReadOnly(ArchiveError):
    """The file or its directory cannot be written."""


class ArchiveFull(ArchiveError):
    """The disk (or the database's page limit) is full; the transaction was rolled back."""


class ArchiveMoved(ArchiveError):
    """The file was removed or replaced while open: writes would go to a file no longer at its path."""


class SchemaTooNew(ArchiveError):
    """The file was written by a newer version of this code."""


class ParserTooOld(ArchiveError):
    """The archive holds records a newer parser read: this one's would overwrite them, back and forth."""


class CrawlRunning(ArchiveError):
    """Another process is crawling the same site into this archive right now."""
