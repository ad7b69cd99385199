"""Keeping the worker visible and its jobs honest: heartbeats, and jobs that lost their worker.

`db_worker` (lindungi/jobs/management/commands/db_worker.py) beats every few seconds into
WorkerHeartbeat from a thread of its own, and sweeps at start and every minute: a job still
`running` whose worker stopped beating is marked failed (its writes were rolled back by the
database when the worker died), and a job still `queued` whose task has already ended or was
never queued is marked failed too. Nothing is left queued or running forever.
"""

import logging
import os
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lindungi.audit.context import audit_context
from lindungi.jobs.choices import JobStatus
from lindungi.jobs.models import Job, WorkerHeartbeat

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5
# A worker on another host silent for this long is taken for dead (one on this host is asked
# of the process table instead).
STALE_AFTER = timedelta(seconds=60)
# A queued job whose task was never queued (the queue's insert failed) is abandoned after this.
UNQUEUED_AFTER = timedelta(minutes=10)

_state = {"worker_id": "", "job_id": None}


def current_worker_id() -> str:
    return _state["worker_id"]


def set_current_worker(worker_id: str) -> None:
    _state["worker_id"] = worker_id


def set_current_job(job_id: int | None) -> None:
    _state["job_id"] = job_id


def beat(worker_id: str, *, stopping: bool = False) -> bool:
    """Record that the worker is alive; False if the database could not take it just now."""
    now = timezone.now()
    fields = {
        "hostname": socket.gethostname()[:255],
        "pid": os.getpid(),
        "last_seen": now,
        "current_job_id": None if stopping else _state["job_id"],
        "stopped_at": now if stopping else None,
    }
    try:
        with transaction.atomic():
            updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(**fields)
            if not updated:
                WorkerHeartbeat.objects.create(worker_id=worker_id, started_at=now, **fields)
    except OperationalError as error:
        # A locked SQLite database: the next beat will do.
        logger.warning("Heartbeat of worker %s skipped: %s", worker_id, error)
        return False
    return True


class HeartbeatThread(threading.Thread):
    """Beats every `interval` seconds until stopped, on its own database connection."""

    def __init__(self, worker_id: str, interval: float = HEARTBEAT_SECONDS) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.is_set():
                try:
                    beat(self.worker_id)
                except Exception:  # never let the heartbeat take the worker down
                    logger.exception("Heartbeat of worker %s failed", self.worker_id)
                self.stopped.wait(self.interval)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_alive(heartbeat: WorkerHeartbeat | None, *, now: datetime | None = None) -> bool:
    if heartbeat is None or heartbeat.stopped_at is not None:
        return False
    if heartbeat.hostname == socket.gethostname()[:255]:
        # On this host the process table knows: a killed worker is dead at once, and a live
        # one held up by another process's long SQLite write is not dead however silent.
        return _process_alive(heartbeat.pid)
    now = now or timezone.now()
    return now - heartbeat.last_seen <= STALE_AFTER


def fail_abandoned_jobs(*, now: datetime | None = None) -> list[int]:
    """Mark failed the jobs no worker will finish; returns their ids."""
    from django_tasks_db.models import DBTaskResult

    from lindungi.jobs.services import record_failure

    now = now or timezone.now()
    heartbeats = {beat.worker_id: beat for beat in WorkerHeartbeat.objects.all()}
    abandoned: list[tuple[int, str]] = []
    for job_id, worker_id in Job.objects.filter(status=JobStatus.RUNNING).values_list(
        "pk", "worker_id"
    ):
        if worker_id and not is_alive(heartbeats.get(worker_id), now=now):
            abandoned.append(
                (
                    job_id,
                    _(
                        "The worker running this job stopped before it finished; nothing the "
                        "job changed was kept. Please start it again."
                    ),
                )
            )
    queued = Job.objects.filter(status=JobStatus.QUEUED)
    ended_tasks = {
        str(task_id)
        for task_id in DBTaskResult.objects.filter(
            id__in=[
                task_id
                for task_id in queued.exclude(task_result_id="").values_list(
                    "task_result_id", flat=True
                )
            ],
            status__in=["SUCCESSFUL", "FAILED"],
        ).values_list("id", flat=True)
    }
    for job_id, task_id, created_at in queued.values_list("pk", "task_result_id", "created_at"):
        if (task_id and task_id in ended_tasks) or (
            not task_id and now - created_at > UNQUEUED_AFTER
        ):
            abandoned.append(
                (job_id, _("The job was never run by a worker. Please start it again."))
            )
    for job_id, message in abandoned:
        with (
            translation.override(settings.LANGUAGE_CODE),
            audit_context(source="system", reference=f"job:{job_id}"),
        ):
            record_failure(
                job_id=job_id,
                message=message,
                error=RuntimeError("job abandoned: " + message),
                progress=None,
                only_if_status=(JobStatus.RUNNING, JobStatus.QUEUED),
            )
    return [job_id for job_id, _message in abandoned]


@dataclass(frozen=True)
class WorkerStatus:
    alive: list[WorkerHeartbeat]
    queued: int
    oldest_queued_seconds: int | None
    running: int

    @property
    def healthy(self) -> bool:
        return bool(self.alive)


def worker_status(*, now: datetime | None = None) -> WorkerStatus:
    """The live workers and the queue, for the jobs page and the health endpoint."""
    now = now or timezone.now()
    alive = [
        heartbeat
        for heartbeat in WorkerHeartbeat.objects.filter(stopped_at__isnull=True)
        if is_alive(heartbeat, now=now)
    ]
    queued = Q(status=JobStatus.QUEUED)
    figures = Job.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).aggregate(
        queued=Count("pk", filter=queued),
        running=Count("pk", filter=Q(status=JobStatus.RUNNING)),
        oldest=Min("created_at", filter=queued),
    )
    oldest = figures["oldest"]
    return WorkerStatus(
        alive=alive,
        queued=figures["queued"],
        oldest_queued_seconds=int((now - oldest).total_seconds()) if oldest else None,
        running=figures["running"],
    )
