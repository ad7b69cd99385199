"""The real worker command against the database backend, as `make run` starts it."""

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from lindungi.audit.models import AuditEvent
from lindungi.jobs.choices import JobStatus
from lindungi.jobs.services import start_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker_inside_test_transaction(monkeypatch):
    # The worker closes "obsolete" connections between tasks; inside the test's transaction
    # that would throw the test's data away, so it is a no-op here.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


def _run_worker() -> None:
    call_command(
        "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", verbosity=0
    )


def test_db_worker_runs_a_queued_job(
    province_officer, worker_inside_test_transaction, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(kind="jobs_test.count", params={"n": 4}, user=province_officer)
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    task_result = DBTaskResult.objects.get()
    assert task_result.status == "READY"

    _run_worker()

    job.refresh_from_db()
    task_result.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert (job.done, job.total) == (4, 4)
    assert job.result["counted"] == 4
    assert task_result.status == "SUCCESSFUL"
    assert task_result.return_value == JobStatus.SUCCEEDED
    assert str(task_result.id) == job.task_result_id
    assert AuditEvent.objects.filter(action="jobs_test.counted", source="job").count() == 1


def test_db_worker_records_a_failing_job_and_keeps_going(
    province_officer, worker_inside_test_transaction, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        failing = start_job(kind="jobs_test.explode", params={"steps": 3}, user=province_officer)
        succeeding = start_job(kind="jobs_test.count", params={"n": 1}, user=province_officer)

    _run_worker()

    failing.refresh_from_db()
    succeeding.refresh_from_db()
    assert (failing.status, succeeding.status) == (JobStatus.FAILED, JobStatus.SUCCEEDED)
    assert failing.error_detail.strip().endswith("RuntimeError: boom")
    assert (
        not AuditEvent.objects.filter(action__startswith="jobs_test.")
        .exclude(action="jobs_test.counted")
        .exists()
    )
    # The task itself succeeded: the failure belongs to the job, not to the queue.
    assert sorted(DBTaskResult.objects.values_list("status", flat=True)) == [
        "SUCCESSFUL",
        "SUCCESSFUL",
    ]
