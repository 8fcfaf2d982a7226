"""The database side of a load in a thread of its own, a block behind the validator.

The validator's work runs in Polars (outside Python's lock), and the database's in
SQLite or libpq (outside it too), so the next block is validated while the last one is
written. The queue holds at most ``DEPTH`` blocks, so memory stays that of a few
blocks. Every database call of the load runs in this one thread, in order; the first
error stops it and is raised again in the caller's thread, and ``close`` waits for the
thread, so the transaction is never ended while a write is under way.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

DEPTH = 1

Job = Callable[[], Any]


class Pipeline:
    def __init__(self) -> None:
        self.jobs: queue.Queue[Job | None] = queue.Queue(maxsize=DEPTH)
        self.error: BaseException | None = None
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="caseguard-load", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (job := self.jobs.get()) is not None:
            if self.stopped.is_set():
                continue  # after an error: drain the queue, run nothing more
            try:
                job()
            except BaseException as exc:  # raised again in the caller's thread
                self.error = exc
                self.stopped.set()

    def submit(self, job: Job) -> None:
        self._raise()
        self.jobs.put(job)

    def finish(self) -> None:
        """Waits for every job to be done; raises the first error."""
        self.close()
        self._raise()

    def close(self, cancel: bool = False) -> None:
        if cancel:
            self.stopped.set()
        if self.thread.is_alive():
            self.jobs.put(None)
            self.thread.join()

    def _raise(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        self.close(cancel=kind is not None)
