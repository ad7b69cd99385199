from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django_tasks_db.models import DBTaskResult

from lindungi.accounts.models import User
from lindungi.audit.models import AuditEvent
from lindungi.core.errors import InvalidInput
from lindungi.jobs import services
from lindungi.jobs.choices import JobStatus
from lindungi.jobs.models import Job
from lindungi.jobs.progress import read_live_progress
from lindungi.jobs.services import execute_job, start_job
from lindungi.regions.models import Regency

pytestmark = pytest.mark.django_db

UNEXPECTED = (
    "Pekerjaan berhenti karena kesalahan tak terduga; tidak ada perubahan yang disimpan. "
    "Laporkan pekerjaan nomor {id} kepada administrator."
)


def _actions(job: Job) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="jobs.job", object_id=str(job.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_start_job_queues_a_task_only_when_the_transaction_commits(
    province_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = start_job(
            kind="jobs_test.count", params={"n": 3}, user=province_officer, label="Hitung"
        )
    assert len(callbacks) == 1
    assert DBTaskResult.objects.count() == 0
    job.refresh_from_db()
    assert (job.status, job.kind, job.params, job.label) == (
        JobStatus.QUEUED,
        "jobs_test.count",
        {"n": 3},
        "Hitung",
    )
    assert job.created_by == province_officer
    assert job.regency is None
    assert job.task_result_id == ""
    event = AuditEvent.objects.get(action="jobs.start")
    assert event.actor_id == province_officer.pk
    assert event.object_id == str(job.pk)
    assert event.changes["kind"] == [None, "jobs_test.count"]
    assert event.changes["params"] == [None, {"n": 3}]

    callbacks[0]()

    task_result = DBTaskResult.objects.get()
    job.refresh_from_db()
    assert job.task_result_id == str(task_result.id)
    assert task_result.args_kwargs == {"args": [job.pk], "kwargs": {}}
    assert job.status == JobStatus.QUEUED  # the worker has not run it yet


def test_successful_job_keeps_its_writes_result_and_final_progress(
    province_officer, immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(kind="jobs_test.count", params={"n": 7}, user=province_officer)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert (job.done, job.total) == (7, 7)
    assert job.result == {
        "counted": 7,
        "on": "2025-07-18",
        "parts": [1, 2],
        "result_url": "/jobs/",
    }
    assert job.error_message == ""
    assert job.started_at is not None
    assert job.finished_at >= job.started_at
    assert job.task_result_id != ""
    assert _actions(job) == ["jobs.start", "jobs_test.counted", "jobs.succeed"]
    counted = AuditEvent.objects.get(action="jobs_test.counted")
    assert (counted.source, counted.source_reference) == ("job", f"job:{job.pk}")
    assert counted.actor_id == province_officer.pk
    assert counted.changes == {"summary": {"n": 7}}
    succeeded = AuditEvent.objects.get(action="jobs.succeed")
    assert succeeded.changes["status"] == ["running", "succeeded"]
    assert succeeded.changes["summary"] == {"kind": "jobs_test.count", "done": 7, "total": 7}
    # The live figures are gone once the row holds the final ones.
    assert read_live_progress(job.pk) is None


def test_failed_job_leaves_no_half_done_writes_and_records_its_error(
    province_officer, immediate_tasks, django_capture_on_commit_callbacks
):
    users_before = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(kind="jobs_test.explode", params={"steps": 5}, user=province_officer)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error_message == UNEXPECTED.format(id=job.pk)
    assert job.error_detail.strip().endswith("RuntimeError: boom")
    assert "Traceback (most recent call last)" in job.error_detail
    assert job.result is None
    # How far it got before failing.
    assert (job.done, job.total) == (3, 5)
    assert User.objects.count() == users_before
    assert not User.objects.filter(username="written_by_failed_job").exists()
    assert not AuditEvent.objects.filter(action__startswith="jobs_test.").exists()
    assert _actions(job) == ["jobs.start", "jobs.fail"]
    failed = AuditEvent.objects.get(action="jobs.fail")
    assert (failed.source, failed.source_reference) == ("job", f"job:{job.pk}")
    assert failed.actor_id == province_officer.pk
    assert failed.changes["status"] == ["running", "failed"]
    assert failed.changes["summary"] == {
        "kind": "jobs_test.explode",
        "error": UNEXPECTED.format(id=job.pk),
        "exception": "builtins.RuntimeError",
    }


def test_a_refusal_shows_its_own_message(
    province_officer, immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(kind="jobs_test.refuse", params={}, user=province_officer)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error_message == "Berkas tidak memiliki kolom NIK."
    assert "InvalidInput" in job.error_detail
    assert not AuditEvent.objects.filter(action="jobs_test.before_refusal").exists()


def test_a_result_that_is_not_a_dict_fails_the_job_and_undoes_its_writes(
    province_officer, immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(kind="jobs_test.not_a_dict", params={}, user=province_officer)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error_message == UNEXPECTED.format(id=job.pk)
    assert "TypeError: A job handler must return a dict, not list." in job.error_detail
    assert not AuditEvent.objects.filter(action="jobs_test.before_bad_result").exists()


def test_unexpected_params_fail_the_job_not_the_worker(
    province_officer, immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(kind="jobs_test.count", params={"m": 1}, user=province_officer)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "unexpected keyword argument 'm'" in job.error_detail


def test_a_job_whose_handler_vanished_fails_with_a_clear_detail(province_officer):
    job = Job.objects.create(kind="jobs_test.gone", created_by=province_officer)
    assert execute_job(job_id=job.pk) == JobStatus.FAILED
    job.refresh_from_db()
    assert job.error_message == UNEXPECTED.format(id=job.pk)
    assert "No handler is registered for job kind 'jobs_test.gone'" in job.error_detail


def test_a_job_runs_once_even_if_its_task_is_delivered_twice(province_officer):
    job = Job.objects.create(kind="jobs_test.count", params={"n": 2}, created_by=province_officer)
    assert execute_job(job_id=job.pk) == JobStatus.SUCCEEDED
    finished_at = Job.objects.get(pk=job.pk).finished_at
    assert execute_job(job_id=job.pk) is None
    assert AuditEvent.objects.filter(action="jobs_test.counted").count() == 1
    assert Job.objects.get(pk=job.pk).finished_at == finished_at


@pytest.mark.parametrize(
    ("kind", "params", "code"),
    [
        ("jobs_test.no_such_kind", {}, "unknown_kind"),
        ("jobs_test.count", {"when": date(2025, 1, 1)}, "invalid_params"),
        ("jobs_test.count", {"n": float("nan")}, "invalid_params"),
        ("jobs_test.count", [1, 2], "invalid_params"),
    ],
)
def test_refuses_unknown_kinds_and_non_json_params_and_changes_nothing(
    province_officer, kind, params, code, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(InvalidInput) as refusal,
    ):
        start_job(kind=kind, params=params, user=province_officer)
    assert refusal.value.code == code
    assert callbacks == []
    assert Job.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_regency_officers_job_belongs_to_their_regency(
    regency_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        job = start_job(kind="jobs_test.count", params={"n": 1}, user=regency_officer)
    assert job.regency_id == "53.05"


def test_a_regency_officer_cannot_start_a_job_for_another_regency(
    regency_officer, django_capture_on_commit_callbacks
):
    other_regency = Regency.objects.get(pk="53.03")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(PermissionDenied),
    ):
        start_job(
            kind="jobs_test.count", params={"n": 1}, user=regency_officer, regency=other_regency
        )
    assert callbacks == []
    assert Job.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_province_officer_may_start_a_job_for_one_regency(
    province_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        job = start_job(
            kind="jobs_test.count",
            params={"n": 1},
            user=province_officer,
            regency=Regency.objects.get(pk="53.03"),
        )
    assert Job.objects.get(pk=job.pk).regency_id == "53.03"


def test_a_job_that_cannot_be_queued_fails_visibly(
    province_officer, monkeypatch, django_capture_on_commit_callbacks
):
    class BrokenQueue:
        def enqueue(self, *args, **kwargs):
            raise ConnectionError("queue unavailable")

    monkeypatch.setattr("lindungi.jobs.tasks.run_job", BrokenQueue())
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(kind="jobs_test.count", params={"n": 1}, user=province_officer)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert (
        job.error_message == "Pekerjaan tidak dapat dimasukkan ke antrean. Silakan coba lagi nanti."
    )
    assert "ConnectionError: queue unavailable" in job.error_detail
    assert _actions(job) == ["jobs.start", "jobs.fail"]
    assert services.Job.objects.get(pk=job.pk).task_result_id == ""
