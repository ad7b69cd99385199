"""Files that jobs produce for download (large exports): where they live and when they go.

A job writes its file with `write_job_file(job, suffix, writer)`: to a temporary name first, then
renamed, so a download never sees half a file. The file is downloaded from `jobs:file`, which
only the user who started the job may open, within the same regency scope, and only until it
expires: **files are kept `RETENTION_DAYS` days after the job finished**, then removed (on the
next download attempt, by every new file job, and by `lindungi purge_job_files`).
"""

import os
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils import timezone

RETENTION_DAYS = 7
RETENTION = timedelta(days=RETENTION_DAYS)


def files_dir() -> Path:
    directory = Path(settings.VAR_DIR) / "job-files"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def job_file_path(job_id: int, suffix: str) -> Path:
    if not suffix.isalnum():
        raise ValueError(f"Invalid file suffix {suffix!r}.")
    return files_dir() / f"job-{int(job_id)}.{suffix}"


def write_job_file(
    job_id: int, suffix: str, writer: Callable[[IO[bytes]], int]
) -> tuple[Path, int]:
    """Run `writer` on a new file for the job; returns the path and what the writer returned."""
    path = job_file_path(job_id, suffix)
    partial = path.with_name(path.name + ".part")
    try:
        with partial.open("wb") as target:
            count = writer(target)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path, count


def expires_at(finished_at: datetime) -> datetime:
    return finished_at + RETENTION


def is_expired(finished_at: datetime | None, *, now: datetime | None = None) -> bool:
    return finished_at is not None and expires_at(finished_at) <= (now or timezone.now())


def purge_expired_files(*, now: datetime | None = None) -> int:
    """Remove every job file older than the retention period; returns how many went."""
    cutoff = (now or timezone.now()) - RETENTION
    removed = 0
    for path in files_dir().glob("job-*"):
        modified = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.get_current_timezone())
        if modified <= cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def file_result(
    job_id: int, path: Path, rows: int, *, download_name: str, action: str = ""
) -> dict:
    """What a file job returns: the job page links the download (`jobs:file`), which checks
    `action` (a `core.permissions.Action` value) again at download time."""
    from django.urls import reverse

    return {
        "rows": rows,
        "file": path.name,
        "download_name": download_name,
        "action": action,
        "result_url": reverse("jobs:file", args=[job_id]),
        "expires_at": expires_at(timezone.now()),
        "retention_days": RETENTION_DAYS,
    }
