"""The worker's daily duties: the signed audit checkpoint is enqueued once a day (issue 12.7)."""

import json
from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from lindungi.audit.checkpoints import verify_checkpoints
from lindungi.audit.services import record_event
from lindungi.jobs import periodic
from lindungi.jobs.models import DailyRun

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 2)


@pytest.fixture
def checkpoint_duty(settings, tmp_path):
    settings.WORKER_DAILY_DUTIES = ["audit_checkpoint"]
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "checkpoints.jsonl"
    return settings.AUDIT_CHECKPOINT_FILE


@pytest.fixture
def worker_inside_test_transaction(monkeypatch):
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


def _run_worker() -> None:
    call_command(
        "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", verbosity=0
    )


def test_a_duty_is_enqueued_once_a_day(checkpoint_duty):
    assert periodic.enqueue_due_duties(today=DAY) == ["audit_checkpoint"]
    assert periodic.enqueue_due_duties(today=DAY) == []
    assert periodic.enqueue_due_duties(today=DAY) == []
    run = DailyRun.objects.get()
    assert (run.duty, run.day) == ("audit_checkpoint", DAY)
    task = DBTaskResult.objects.get()
    assert str(task.id) == run.task_result_id
    assert task.task_path.endswith("write_audit_checkpoint")

    assert periodic.enqueue_due_duties(today=date(2026, 3, 3)) == ["audit_checkpoint"]
    assert DailyRun.objects.count() == 2
    assert DBTaskResult.objects.count() == 2


def test_no_duty_is_enqueued_when_none_is_configured(settings):
    settings.WORKER_DAILY_DUTIES = []
    assert periodic.enqueue_due_duties(today=DAY) == []
    assert not DailyRun.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_an_unknown_duty_is_a_configuration_error(settings):
    settings.WORKER_DAILY_DUTIES = ["audit_checkpoint", "make_coffee"]
    with pytest.raises(ImproperlyConfigured, match="make_coffee"):
        periodic.enqueue_due_duties(today=DAY)
    assert not DailyRun.objects.exists()


def test_a_failed_enqueue_leaves_no_claim_so_the_next_sweep_tries_again(
    checkpoint_duty, monkeypatch
):
    class Broken:
        def enqueue(self):
            raise RuntimeError("queue down")

    monkeypatch.setitem(periodic.DAILY_DUTIES, "audit_checkpoint", Broken())
    with pytest.raises(RuntimeError):
        periodic.enqueue_due_duties(today=DAY)
    assert not DailyRun.objects.exists()

    monkeypatch.undo()
    assert periodic.enqueue_due_duties(today=DAY) == ["audit_checkpoint"]


def test_the_worker_writes_one_signed_checkpoint_a_day(
    checkpoint_duty, worker_inside_test_transaction, monkeypatch
):
    record_event(action="test.first", object_type="test", object_id="1")
    monkeypatch.setattr(periodic, "local_today", lambda: DAY)

    _run_worker()
    _run_worker()  # the same day: nothing more

    lines = checkpoint_duty.read_text().splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["rows"] >= 1
    checked, problems = verify_checkpoints(path=checkpoint_duty)
    assert (checked, problems) == (1, [])
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"

    record_event(action="test.second", object_type="test", object_id="2")
    monkeypatch.setattr(periodic, "local_today", lambda: date(2026, 3, 3))
    _run_worker()

    lines = checkpoint_duty.read_text().splitlines()
    assert len(lines) == 2
    assert json.loads(lines[1])["rows"] == json.loads(lines[0])["rows"] + 1
    assert verify_checkpoints(path=checkpoint_duty) == (2, [])


def test_a_worker_without_configured_duties_writes_no_checkpoint(
    settings, tmp_path, worker_inside_test_transaction
):
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "checkpoints.jsonl"
    record_event(action="test.first", object_type="test", object_id="1")
    _run_worker()
    assert not settings.AUDIT_CHECKPOINT_FILE.exists()
    assert not DailyRun.objects.exists()
