"""Migration 0011: the overlap check skips updates that only shorten a covered period, and
still refuses every update that could create an overlap (both databases)."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from lindungi.enrollment.choices import EnrollmentState, ExitReason
from lindungi.enrollment.models import Enrollment
from lindungi.programs.models import Programme
from lindungi.registry.tests.factories import PersonFactory

D = datetime.date


@pytest.fixture
def next_year(programme):
    return Programme.objects.create(
        name="Program NTT 2026",
        province_id="53",
        year=2026,
        coverage_start=D(2026, 1, 1),
        coverage_end=D(2026, 12, 31),
        target_headcount=10,
    )


def _place(person, programme, cohort, start, kpj, **fields):
    fields.setdefault("state", EnrollmentState.ACTIVE)
    return Enrollment.objects.create(
        person=person,
        programme=programme,
        cohort=cohort,
        regency_id=person.regency_id,
        start_date=start,
        kpj=kpj,
        **fields,
    )


def _ended(person, programme, cohort, start, end, kpj):
    return _place(
        person,
        programme,
        cohort,
        start,
        kpj,
        state=EnrollmentState.ENDED,
        end_date=end,
        ended_on=end,
        end_reason=ExitReason.PROGRAMME_ENDED,
    )


def _refused(queryset, **values):
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**values)


@pytest.mark.django_db
class TestShorteningSkipsTheCheck:
    def test_ending_every_running_place_at_the_years_end_is_accepted(
        self, programme, next_year, cohort
    ):
        people = [PersonFactory() for _ in range(3)]
        for number, person in enumerate(people):
            _place(person, programme, cohort, D(2025, 7, 18), f"1000000000{number}")
        changed = Enrollment.objects.filter(programme=programme).update(
            state=EnrollmentState.ENDED,
            end_reason=ExitReason.PROGRAMME_ENDED,
            ended_on=D(2025, 12, 31),
            end_date=D(2025, 12, 31),
        )
        assert changed == 3
        for number, person in enumerate(people):
            _place(person, next_year, cohort, D(2026, 1, 1), f"1000000000{number}")
        assert Enrollment.objects.filter(state=EnrollmentState.ACTIVE).count() == 3


@pytest.mark.django_db
class TestEverythingElseIsStillChecked:
    def test_lengthening_an_ended_period_into_the_next_is_refused(
        self, programme, next_year, cohort
    ):
        person = PersonFactory()
        old = _ended(person, programme, cohort, D(2025, 7, 18), D(2025, 12, 31), "10000000001")
        _place(person, next_year, cohort, D(2026, 1, 1), "10000000001")
        _refused(Enrollment.objects.filter(pk=old.pk), end_date=D(2026, 1, 1))
        _refused(Enrollment.objects.filter(pk=old.pk), state=EnrollmentState.ACTIVE, end_date=None)

    def test_moving_the_start_into_an_earlier_period_is_refused_even_when_shorter(
        self, programme, next_year, cohort
    ):
        person = PersonFactory()
        _ended(person, programme, cohort, D(2025, 7, 18), D(2025, 12, 31), "10000000001")
        new = _place(person, next_year, cohort, D(2026, 1, 1), "10000000001")
        _refused(
            Enrollment.objects.filter(pk=new.pk),
            start_date=D(2025, 12, 1),
            end_date=D(2026, 6, 30),
            state=EnrollmentState.ENDED,
        )

    def test_giving_a_shortened_period_to_another_person_is_refused(
        self, programme, next_year, cohort
    ):
        first, second = PersonFactory(), PersonFactory()
        _place(first, next_year, cohort, D(2026, 1, 1), "10000000001")
        other = _place(second, programme, cohort, D(2025, 7, 18), "10000000002")
        _refused(
            Enrollment.objects.filter(pk=other.pk),
            person=first,
            state=EnrollmentState.ENDED,
            end_date=D(2026, 3, 31),
        )

    def test_reviving_an_empty_period_is_checked(self, programme, next_year, cohort):
        person = PersonFactory()
        _place(person, next_year, cohort, D(2026, 1, 1), "10000000001")
        # Left before coverage began: no period (no start, no end), not a covered row.
        empty = _place(
            person,
            programme,
            cohort,
            None,
            None,
            state=EnrollmentState.ENDED,
            ended_on=D(2025, 9, 1),
            end_reason=ExitReason.DEATH,
        )
        _refused(
            Enrollment.objects.filter(pk=empty.pk),
            start_date=D(2025, 12, 1),
            end_date=D(2026, 1, 15),
        )

    def test_an_uncovered_place_becoming_active_is_checked(self, programme, next_year, cohort):
        person = PersonFactory()
        _place(person, next_year, cohort, D(2026, 1, 1), "10000000001")
        selected = Enrollment.objects.create(
            person=person,
            programme=programme,
            cohort=cohort,
            regency_id=person.regency_id,
            start_date=D(2025, 7, 18),
        )
        _refused(
            Enrollment.objects.filter(pk=selected.pk),
            state=EnrollmentState.ENDED,
            end_date=D(2026, 1, 5),
            ended_on=D(2026, 1, 5),
            kpj="10000000002",
        )
        selected.refresh_from_db()
        assert selected.state == EnrollmentState.SELECTED

    def test_a_statement_that_shortens_one_row_and_stretches_another_is_refused(
        self, programme, next_year, cohort
    ):
        person = PersonFactory()
        old = _ended(person, programme, cohort, D(2025, 7, 18), D(2025, 12, 31), "10000000001")
        new = _ended(person, next_year, cohort, D(2026, 6, 1), D(2026, 12, 31), "10000000001")
        # One statement: the 2026 period shrinks (skipped), the 2025 one stretches into it.
        _refused(Enrollment.objects.filter(pk__in=[old.pk, new.pk]), end_date=D(2026, 9, 30))
        old.refresh_from_db()
        new.refresh_from_db()
        assert (old.end_date, new.end_date) == (D(2025, 12, 31), D(2026, 12, 31))
