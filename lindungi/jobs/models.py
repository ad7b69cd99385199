"""One row per background job: what was asked, by whom, how far it got and how it ended."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindungi.jobs.choices import FINISHED_STATUSES, JobStatus


class Job(models.Model):
    # Scoping: a regency officer sees the jobs of their own regency only.
    REGENCY_SCOPE_FIELD = "regency_id"

    kind = models.CharField(_("kind"), max_length=80, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    label = models.CharField(_("label"), max_length=200, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    # What the user reads (already in Indonesian) and what an administrator needs (traceback).
    error_message = models.TextField(_("error"), blank=True)
    error_detail = models.TextField(_("technical detail"), blank=True)
    done = models.BigIntegerField(_("done"), default=0)
    total = models.BigIntegerField(_("total"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs"
    )
    regency = models.ForeignKey(
        "regions.Regency", null=True, blank=True, on_delete=models.PROTECT, related_name="jobs"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The id django-tasks gave the queued task (a UUID with the database backend).
    task_result_id = models.CharField(max_length=64, blank=True)
    # The worker that claimed it (WorkerHeartbeat.worker_id): a job whose worker stopped
    # beating is marked failed instead of staying "running" forever.
    worker_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [models.Index(fields=["status", "created_at"], name="jobs_status_created_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=JobStatus.values), name="jobs_job_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(done__gte=0)
                & (models.Q(total__isnull=True) | models.Q(total__gte=0)),
                name="jobs_job_progress_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.label or self.kind}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES


class WorkerHeartbeat(models.Model):
    """One row per running `db_worker`, refreshed every few seconds: the jobs page and the
    health endpoint show whether a worker is alive, and stale jobs are found through it."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    # The job it is running now, if any (no foreign key: a heartbeat never blocks a job).
    current_job_id = models.BigIntegerField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid} ({self.worker_id})"


class DailyRun(models.Model):
    """One row per daily duty and day the worker enqueued it (`jobs.periodic`): the unique
    (duty, day) pair is the claim, so several workers sweeping at once enqueue a duty once."""

    duty = models.CharField(max_length=80)
    day = models.DateField()
    enqueued_at = models.DateTimeField(default=timezone.now)
    task_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-day", "duty"]
        constraints = [
            models.UniqueConstraint(fields=["duty", "day"], name="jobs_daily_run_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.duty} {self.day.isoformat()}"
