"""`lindungi db_worker`: django-tasks-db's worker, made to last.

On top of the library's worker (same options): a heartbeat thread (WorkerHeartbeat, shown on
the jobs page and at /health/), a sweep at start and every minute that fails the jobs that lost
their worker and enqueues the daily duties not yet enqueued today (`jobs.periodic`, e.g. the
signed audit checkpoint), and a loop that survives whatever one iteration raises: a locked
SQLite database while claiming a task or recording its result is waited out and retried, any
other error is logged and the worker goes on. Overrides the library's command of the same name
(lindungi.jobs comes before django_tasks_db in INSTALLED_APPS).
"""

import logging
import os
import time

from django.db import OperationalError, close_old_connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker as library

from lindungi.jobs.periodic import enqueue_due_duties
from lindungi.jobs.worker import HeartbeatThread, beat, fail_abandoned_jobs, set_current_worker

logger = logging.getLogger("lindungi.jobs.worker")

SWEEP_SECONDS = 60
# Waits between retries after an error in the loop: short first, never more than 30 s.
BACKOFF_SECONDS = (0.5, 1, 2, 5, 10, 30)


def _retry_locked(action, *, attempts: int = 20) -> None:
    """Run `action`, waiting out a locked database (SQLite under a long write)."""
    for attempt in range(attempts):
        try:
            action()
            return
        except OperationalError as error:
            if not library.is_locked_database_exception(error) or attempt == attempts - 1:
                raise
            time.sleep(BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS) - 1)])


class ResilientWorker(library.Worker):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._last_sweep = 0.0

    def sweep(self) -> None:
        try:
            failed = fail_abandoned_jobs()
        except Exception:
            logger.exception("Sweeping abandoned jobs failed; trying again later")
        else:
            if failed:
                logger.warning("Marked abandoned jobs failed: %s", failed)
        try:
            enqueue_due_duties()
        except Exception:
            logger.exception("Enqueuing the daily duties failed; trying again later")
        self._last_sweep = time.monotonic()

    def run(self) -> None:
        set_current_worker(self.worker_id)
        # A batch run (tests, cron) beats once on its own connection; a long-lived worker
        # beats from a thread, so that a long job does not make it look dead.
        heartbeat = None if self.batch else HeartbeatThread(self.worker_id)
        if heartbeat is None:
            beat(self.worker_id)
        else:
            heartbeat.start()
        failures = 0
        try:
            while self.running:
                if time.monotonic() - self._last_sweep >= SWEEP_SECONDS:
                    self.sweep()
                try:
                    # The library's loop; batch/max-tasks runs end it by returning.
                    super().run()
                    return
                except SystemExit:
                    raise
                except Exception:
                    failures += 1
                    wait = BACKOFF_SECONDS[min(failures - 1, len(BACKOFF_SECONDS) - 1)]
                    logger.exception("Worker loop error; going on in %s s", wait)
                    close_old_connections()
                    time.sleep(wait)
        finally:
            if heartbeat is not None:
                heartbeat.stop()
            beat(self.worker_id, stopping=True)

    def run_task(self, db_task_result) -> None:
        # The library records the outcome with one write each; on a locked database those
        # writes raise and would end the worker. Retry them instead.
        set_successful, set_failed = db_task_result.set_successful, db_task_result.set_failed
        db_task_result.set_successful = lambda value: _retry_locked(lambda: set_successful(value))
        db_task_result.set_failed = lambda error: _retry_locked(lambda: set_failed(error))
        super().run_task(db_task_result)


class Command(library.Command):
    help = (
        "Run the background worker: django-tasks-db's, with a heartbeat, a sweep of abandoned "
        "jobs and retries on a locked database."
    )

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        **options,
    ) -> None:
        self.configure_logging(verbosity)
        if reload and batch:
            reload = False
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise library.CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
