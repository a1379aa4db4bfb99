"""Set-up of the parser worker processes: ignore Ctrl-C, and exit when the crawler that started them dies."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator

PARENT_POLL_S = 1.0


@contextlib.contextmanager
def main_script_hidden() -> Iterator[None]:
    """Around ProcessPoolExecutor.submit (which spawns the workers): the workers do not re-run the
    parent's __main__ script, which for `summary-archive` imports the whole CLI, Scrapy and Twisted
    (about as much CPU again as the parsing of a recrawl's pages). They need only `parsers`.

    Hand-written: multiprocessing's spawn re-imports the parent's main script by its __file__ and has
    no option to skip it; without __file__ it skips it (as it does for `python -m` mains)."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if path is None or getattr(main, "__spec__", None) is not None:
        yield
        return
    del main.__file__  # type: ignore[union-attr]
    try:
        yield
    finally:
        main.__file__ = path  # type: ignore[union-attr]


def init_parser_worker(parent: int) -> None:
    """Ignore SIGINT (sent to the whole process group: the crawler shuts down gracefully, then stops
    the pool) and watch the parent, so a SIGKILLed or OOM-killed crawler leaves no worker behind."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(parent,), name="parent-watch", daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    # Hand-written: multiprocessing has no parent-death option, and a worker whose crawler was killed
    # blocks on its call queue forever. Polling getppid() is portable (prctl is Linux-only).
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_S)
    os._exit(1)
