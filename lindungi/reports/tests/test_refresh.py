"""Refreshing the summaries: set-based, limited to what a change can move, and the hook."""

import datetime

import pytest
from django.db import transaction
from django.test import override_settings

from lindungi.audit.models import AuditEvent
from lindungi.registry.models import Person
from lindungi.registry.tests.factories import PersonFactory
from lindungi.reports.models import PeopleSummary, ProgrammeRegencySummary, SummaryState
from lindungi.reports.services import (
    _people_rows,
    refresh_after,
    refresh_summaries,
    schedule_refresh,
)

AS_OF = datetime.date(2025, 11, 1)
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _people_table() -> list[tuple]:
    return sorted(
        PeopleSummary.objects.values_list(
            "regency_id", "sex", "age_band", "desil", "occupation", "deceased", "people"
        )
    )


def _alor_candidates(programme) -> int:
    return ProgrammeRegencySummary.objects.get(programme=programme, regency_id="53.05").candidates


def test_insert_select_gives_the_rows_the_orm_would(programme):
    Person.objects.filter(pk=Person.objects.order_by("pk").first().pk).update(occupation="  Tani ")
    refresh_summaries(as_of=AS_OF)
    expected = sorted(
        (row.regency_id, row.sex, row.age_band, row.desil, row.occupation, row.deceased, row.people)
        for row in _people_rows(AS_OF)
    )
    assert _people_table() == expected
    assert ("53.05", "L", "35-44", 2, "Petani", True, 1) in expected  # the deceased man
    assert ("53.05", "L", "other", 3, "Petani", False, 1) in expected  # aged 75
    assert any(row[4] == "Tani" for row in expected)  # trimmed


def test_import_for_one_regency_rebuilds_only_that_regency(programme):
    refresh_summaries(as_of=AS_OF)
    ttu_rows = set(PeopleSummary.objects.filter(regency_id="53.03").values_list("pk", flat=True))
    PersonFactory(sex="P", birth_date=datetime.date(1990, 1, 1), occupation="Petani", desil=1)
    result = refresh_after("registry.import", regency="53.05", as_of=AS_OF)
    assert result.parts == ("people", "candidates")
    assert result.regency == "53.05"
    assert result.people == 16 and SummaryState.objects.get().people == 16
    assert set(PeopleSummary.objects.filter(regency_id="53.03").values_list("pk", flat=True)) == (
        ttu_rows
    )
    assert _alor_candidates(programme) == 13
    assert result.headcount_rows is None


def test_a_person_moved_between_regencies_rebuilds_them_all(programme, people):
    refresh_summaries(as_of=AS_OF)
    moved = people["ttu"][0]
    Person.objects.filter(pk=moved.pk).update(regency_id="53.05", village_id="53.05.01.1001")
    result = refresh_after("registry.import", regency="53.05", as_of=AS_OF)
    assert result.regency is None  # widened to every regency
    counts = {
        code: sum(PeopleSummary.objects.filter(regency_id=code).values_list("people", flat=True))
        for code in ("53.03", "53.05")
    }
    assert counts == {"53.03": 2, "53.05": 13}


def test_a_new_day_rebuilds_everything(programme):
    refresh_summaries(as_of=AS_OF)
    result = refresh_after("registry.import", regency="53.05", as_of=AS_OF.replace(day=2))
    assert result.parts == ("people", "funnel")
    assert result.regency is None
    assert SummaryState.objects.get().as_of == AS_OF.replace(day=2)


def test_a_selection_leaves_the_people_summary_alone(programme):
    refresh_summaries(as_of=AS_OF)
    before = list(PeopleSummary.objects.order_by("pk").values_list("pk", "people"))
    ProgrammeRegencySummary.objects.all().delete()
    result = refresh_after("programs.approval", as_of=AS_OF)
    assert result.parts == ("funnel",)
    assert list(PeopleSummary.objects.order_by("pk").values_list("pk", "people")) == before
    alor = ProgrammeRegencySummary.objects.get(programme=programme, regency_id="53.05")
    assert (alor.candidates, alor.quota, alor.selected) == (12, 5, 5)


def test_unknown_kind_is_refused_and_changes_nothing(programme):
    with pytest.raises(ValueError, match=r"unknown refresh kind 'registry\.imports'"):
        refresh_after("registry.imports")
    with pytest.raises(ValueError):
        schedule_refresh("billing")
    assert not SummaryState.objects.exists()
    assert not PeopleSummary.objects.exists()
    assert not AuditEvent.objects.filter(action="reports.summaries_refreshed").exists()


def test_every_refresh_is_audited_with_its_kind(programme):
    refresh_after("all", as_of=AS_OF)
    refresh_after("enrollment.exit", as_of=AS_OF)
    events = AuditEvent.objects.filter(action="reports.summaries_refreshed").order_by("id")
    assert [event.changes["summary"]["kind"] for event in events] == ["all", "enrollment.exit"]
    assert events.last().changes["summary"]["parts"] == ["funnel", "headcount"]


@override_settings(TASKS=IMMEDIATE)
def test_schedule_refresh_runs_the_task_once_the_change_commits(
    programme, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        PersonFactory()
        schedule_refresh("registry.import", regency="53.05")
        assert not SummaryState.objects.exists()
    assert len(callbacks) == 1
    assert SummaryState.objects.get().people == 16
    event = AuditEvent.objects.get(action="reports.summaries_refreshed")
    assert event.source == "system"
    assert event.source_reference == "reports.refresh:registry.import"


@override_settings(TASKS=IMMEDIATE)
def test_schedule_refresh_queues_nothing_when_the_change_rolls_back(
    programme, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        schedule_refresh("enrollment.exit")
        raise RuntimeError("the exit failed")
    assert callbacks == []
    assert not SummaryState.objects.exists()


def test_the_task_is_a_django_task(programme):
    from lindungi.reports.tasks import refresh_summaries_task

    with override_settings(TASKS=IMMEDIATE):
        result = refresh_summaries_task.enqueue(kind="all")
    assert result.return_value["parts"] == ["people", "funnel", "headcount"]
    assert result.return_value["people"] == 15
