"""The worker lasts and never hides a dead job: a locked database or an error in its loop does
not end it, it beats, and a job that lost its worker (or was never run) is marked failed."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lindungi.audit.models import AuditEvent
from lindungi.jobs.choices import JobStatus
from lindungi.jobs.models import Job, WorkerHeartbeat
from lindungi.jobs.services import start_job
from lindungi.jobs.worker import fail_abandoned_jobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker_inside_test_transaction(monkeypatch):
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    monkeypatch.setattr(
        "lindungi.jobs.management.commands.db_worker.close_old_connections", lambda: None
    )
    monkeypatch.setattr("lindungi.jobs.management.commands.db_worker.time.sleep", lambda s: None)


def run_worker() -> None:
    call_command(
        "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", verbosity=0
    )


def queue(user, n=2):
    return start_job(kind="jobs_test.count", params={"n": n}, user=user)


def test_worker_waits_out_a_locked_database_when_recording_a_result(
    province_officer,
    worker_inside_test_transaction,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    with django_capture_on_commit_callbacks(execute=True):
        job = queue(province_officer)
    original = DBTaskResult.set_successful
    calls = []

    def locked_once(self, value):
        calls.append(value)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return original(self, value)

    monkeypatch.setattr(DBTaskResult, "set_successful", locked_once)
    run_worker()  # the library's worker died here ("Exception in thread ... database is locked")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert len(calls) == 2


def test_worker_survives_an_error_in_its_loop_and_runs_the_next_job(
    province_officer,
    worker_inside_test_transaction,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    with django_capture_on_commit_callbacks(execute=True):
        job = queue(province_officer)
    original = DBTaskResult.claim
    calls = []

    def broken_once(self, worker_id):
        calls.append(worker_id)
        if len(calls) == 1:
            raise OperationalError("disk I/O error")
        return original(self, worker_id)

    monkeypatch.setattr(DBTaskResult, "claim", broken_once)
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert len(calls) == 2


def test_worker_beats_and_records_who_ran_the_job(
    province_officer, worker_inside_test_transaction, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = queue(province_officer)
    run_worker()
    job.refresh_from_db()
    heartbeat = WorkerHeartbeat.objects.get()
    assert job.worker_id == heartbeat.worker_id
    assert heartbeat.stopped_at is not None  # a batch run says goodbye
    assert heartbeat.current_job_id is None


def running_job(user, *, worker_id, hostname="another-host", pid=999_999, seen_ago=300):
    job = Job.objects.create(
        kind="jobs_test.count",
        params={"n": 1},
        created_by=user,
        status=JobStatus.RUNNING,
        started_at=timezone.now() - timedelta(seconds=seen_ago),
        worker_id=worker_id,
    )
    WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        hostname=hostname,
        pid=pid,
        last_seen=timezone.now() - timedelta(seconds=seen_ago),
    )
    return job


def test_a_job_whose_worker_died_is_marked_failed(province_officer):
    dead = running_job(province_officer, worker_id="dead")
    alive = running_job(province_officer, worker_id="alive", seen_ago=5)
    assert fail_abandoned_jobs() == [dead.pk]
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == JobStatus.FAILED
    assert "stopped before it finished" in dead.error_message or "berhenti" in dead.error_message
    assert alive.status == JobStatus.RUNNING
    assert AuditEvent.objects.filter(action="jobs.fail", object_id=str(dead.pk)).count() == 1
    assert fail_abandoned_jobs() == []  # once


def test_a_silent_worker_whose_process_lives_on_this_host_is_not_declared_dead(province_officer):
    import os
    import socket

    held_up = running_job(
        province_officer, worker_id="held-up", hostname=socket.gethostname(), pid=os.getpid()
    )
    assert fail_abandoned_jobs() == []
    held_up.refresh_from_db()
    assert held_up.status == JobStatus.RUNNING


def test_a_queued_job_whose_task_already_ended_is_marked_failed(
    province_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = queue(province_officer)
    DBTaskResult.objects.update(status="FAILED")
    never_queued = Job.objects.create(
        kind="jobs_test.count",
        created_by=province_officer,
        created_at=timezone.now() - timedelta(hours=1),
    )
    fresh = Job.objects.create(kind="jobs_test.count", created_by=province_officer)
    assert sorted(fail_abandoned_jobs()) == sorted([job.pk, never_queued.pk])
    assert Job.objects.get(pk=fresh.pk).status == JobStatus.QUEUED


def test_health_endpoint_for_a_monitor(client, province_officer):
    response = client.get("/health/")  # no login: counts only
    assert response.status_code == 503
    assert response.json()["status"] == "degraded"
    assert response.json()["workers_alive"] == 0
    queue(province_officer)
    WorkerHeartbeat.objects.create(worker_id="w1", hostname="h", pid=1)
    response = client.get("/health/")
    body = response.json()
    assert response.status_code == 200
    assert (body["status"], body["database"], body["workers_alive"]) == ("ok", "ok", 1)
    assert body["jobs_queued"] == 1
    assert body["last_heartbeat_seconds"] in (0, 1)


def test_jobs_page_shows_the_heartbeat_or_warns(client, province_officer):
    client.force_login(province_officer)
    page = client.get(reverse("jobs:list"))
    assert page.context["workers"].alive == []
    assert b"worker-dead" in page.content
    WorkerHeartbeat.objects.create(worker_id="w1", hostname="kantor-1", pid=42)
    page = client.get(reverse("jobs:list"))
    assert b"worker-alive" in page.content and b"kantor-1:42" in page.content
