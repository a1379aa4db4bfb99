"""Set-up of the parser worker processes: ignore Ctrl-C, and exit when the crawler that started them dies."""

from __future__ import annotations

import os
import signal
import threading
import time

PARENT_POLL_S = 1.0


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
