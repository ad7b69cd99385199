"""Daily duties the worker enqueues itself: no cron entry is needed for them.

`db_worker` calls `enqueue_due_duties()` at start and on every sweep (once a minute). Each duty
named in `settings.WORKER_DAILY_DUTIES` that has not been enqueued for today (in the
programme's time zone, `core.dates.local_today()`) is enqueued once: a `DailyRun` row per duty
and day is the claim, written in the same transaction as the task, so two workers sweeping at
the same moment enqueue it once and a failed enqueue leaves no claim behind.

Duties are django-tasks tasks without arguments that write nothing to the database a user
would own, so they run without an acting user (the lapse rule, which writes as a billing
officer, stays a command or the arrears page's button).

Duties (name: task, what it does):
- `audit_checkpoint`: `write_audit_checkpoint`, a signed checkpoint of the audit chain's head
  appended to `AUDIT_CHECKPOINT_FILE` and logged (`audit.checkpoints`).
"""

import logging
from datetime import date

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django_tasks import task

from lindungi.audit.checkpoints import write_checkpoint
from lindungi.core.dates import local_today
from lindungi.jobs.models import DailyRun

logger = logging.getLogger(__name__)


@task()
def write_audit_checkpoint() -> int | None:
    """The daily signed checkpoint of the audit chain (issue 12.7); the head's id, or None
    while the trail is empty."""
    record = write_checkpoint()
    return None if record is None else record["event_id"]


DAILY_DUTIES = {"audit_checkpoint": write_audit_checkpoint}


def enqueue_due_duties(*, today: date | None = None) -> list[str]:
    """Enqueue each configured daily duty not yet enqueued for `today`; the names enqueued."""
    today = today or local_today()
    enqueued = []
    unknown = [name for name in settings.WORKER_DAILY_DUTIES if name not in DAILY_DUTIES]
    if unknown:
        raise ImproperlyConfigured(
            f"WORKER_DAILY_DUTIES names unknown duties {unknown}; known: {sorted(DAILY_DUTIES)}"
        )
    for name in settings.WORKER_DAILY_DUTIES:
        duty = DAILY_DUTIES[name]
        if DailyRun.objects.filter(duty=name, day=today).exists():
            continue
        try:
            with transaction.atomic():
                run = DailyRun.objects.create(duty=name, day=today)
                result = duty.enqueue()
                run.task_result_id = str(result.id)
                run.save(update_fields=["task_result_id"])
        except IntegrityError:
            continue  # another worker claimed it a moment ago
        logger.info("Daily duty %s enqueued for %s", name, today.isoformat())
        enqueued.append(name)
    return enqueued
