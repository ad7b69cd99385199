"""Change notices reach the dashboard summaries after the change commits, and not before."""

import pytest
from django.db import transaction

from lindungi.core.changes import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    calls = []
    monkeypatch.setattr(
        "lindungi.reports.services._enqueue", lambda kind, regency: calls.append((kind, regency))
    )
    return calls


def test_a_notice_queues_one_refresh_after_commit(queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify("registry.import", regency="53.05")
        assert queued == []  # nothing before the change is committed
    assert queued == [("registry.import", "53.05")]


def test_a_rolled_back_change_queues_nothing(queued, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify("enrollment.exit")
        raise RuntimeError("the change failed")
    assert callbacks == []
    assert queued == []


def test_an_unknown_kind_fails_at_once():
    with pytest.raises(ValueError):
        notify("registry.typo")
