"""Progress of a job: live figures for its page (terminal bars: core.progress.TerminalProgress).

Both follow `lindungi.core.progress.Progress`, so one service reports the same way whether it
runs as a background job or from the `lindungi` command.
"""

import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

# Live figures outlive a slow page by far; a finished job's figures live on its row.
CACHE_TIMEOUT_SECONDS = 24 * 60 * 60
# "At most ~4 times per second": often enough for a 1-second poll, rare enough to be free.
WRITE_INTERVAL_SECONDS = 0.25


def progress_cache_key(job_id: int) -> str:
    return f"lindungi:jobs:progress:{job_id}"


def read_live_progress(job_id: int) -> dict[str, Any] | None:
    """The figures a running job last reported ({"done", "total", "label"}), if any."""
    return cache.get(progress_cache_key(job_id))


def forget_live_progress(job_id: int) -> None:
    cache.delete(progress_cache_key(job_id))


class JobProgress:
    """Reports a job's progress through the cache, never through its row.

    The handler's transaction holds the database (on SQLite, the whole database) until it ends,
    so live figures cannot go through the Job row; `services` writes the final figures there.
    """

    def __init__(
        self,
        job_id: int,
        *,
        interval: float = WRITE_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.job_id = job_id
        self.interval = interval
        self.clock = clock
        self.done = 0
        self.total: int | None = None
        self.label = ""
        self._last_write: float | None = None
        # The last phase that counted something: a closing phase that counts nothing (a single
        # SQL statement) must not leave the finished job reading "0 of 0".
        self._counted: tuple[int, int | None, str] | None = None

    def start(self, total: int | None, label: str = "") -> None:
        if self.done:
            self._counted = (self.done, self.total, self.label)
        self.done = 0
        self.total = total
        self.label = str(label)
        self._write()

    def advance(self, step: int = 1) -> None:
        self.done += step
        now = self.clock()
        if self._last_write is None or now - self._last_write >= self.interval:
            self._write(now)

    def finish(self) -> None:
        if not self.done and self._counted is not None:
            self.done, self.total, self.label = self._counted
        if self.total is None:
            self.total = self.done
        self._write()

    def figures(self) -> dict[str, Any]:
        return {"done": self.done, "total": self.total, "label": self.label}

    def _write(self, now: float | None = None) -> None:
        self._last_write = self.clock() if now is None else now
        cache.set(progress_cache_key(self.job_id), self.figures(), CACHE_TIMEOUT_SECONDS)
