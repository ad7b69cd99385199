"""The database itself refuses overlapping coverage periods for one person (both databases)."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from lindungi.enrollment.choices import EnrollmentState, ExitReason
from lindungi.enrollment.models import Enrollment
from lindungi.programs.models import Programme
from lindungi.registry.tests.factories import PersonFactory

D = datetime.date


@pytest.fixture
def second_programme(programme):
    return Programme.objects.create(
        name="Program Kabupaten Alor 2025",
        regency_id="53.05",
        year=2025,
        coverage_start=D(2025, 10, 1),
        coverage_end=D(2026, 3, 31),
        target_headcount=10,
    )


def _enrollment(person, programme, cohort, **fields):
    return Enrollment.objects.create(
        person=person, programme=programme, cohort=cohort, regency_id=person.regency_id, **fields
    )


def _active(person, programme, cohort, start, kpj):
    return _enrollment(
        person, programme, cohort, state=EnrollmentState.ACTIVE, start_date=start, kpj=kpj
    )


@pytest.mark.django_db
class TestCoverageOverlap:
    def test_refuses_second_open_coverage_on_insert(self, programme, second_programme, cohort):
        person = PersonFactory()
        _active(person, programme, cohort, D(2025, 7, 18), "10000000001")
        with pytest.raises(IntegrityError), transaction.atomic():
            _active(person, second_programme, cohort, D(2025, 10, 1), "10000000002")
        assert Enrollment.objects.filter(person=person).count() == 1

    def test_refuses_activation_that_overlaps_an_ended_period(
        self, programme, second_programme, cohort
    ):
        person = PersonFactory()
        _enrollment(
            person,
            programme,
            cohort,
            state=EnrollmentState.ENDED,
            start_date=D(2025, 7, 18),
            end_date=D(2025, 10, 5),
            ended_on=D(2025, 10, 5),
            end_reason=ExitReason.MOVED,
            kpj="10000000001",
        )
        later = _enrollment(person, second_programme, cohort, start_date=D(2025, 10, 1))
        with pytest.raises(IntegrityError), transaction.atomic():
            Enrollment.objects.filter(pk=later.pk).update(
                state=EnrollmentState.ACTIVE, kpj="10000000002"
            )
        later.refresh_from_db()
        assert later.state == EnrollmentState.SELECTED
        assert later.kpj is None

    def test_accepts_adjacent_periods(self, programme, second_programme, cohort):
        person = PersonFactory()
        _enrollment(
            person,
            programme,
            cohort,
            state=EnrollmentState.ENDED,
            start_date=D(2025, 7, 18),
            end_date=D(2025, 9, 30),
            ended_on=D(2025, 9, 30),
            end_reason=ExitReason.WITHDREW,
            kpj="10000000001",
        )
        _active(person, second_programme, cohort, D(2025, 10, 1), "10000000002")
        assert Enrollment.objects.filter(person=person).count() == 2

    def test_empty_period_never_clashes(self, programme, second_programme, cohort):
        person = PersonFactory()
        # Left before coverage began: no period at all.
        _enrollment(
            person,
            programme,
            cohort,
            state=EnrollmentState.ENDED,
            ended_on=D(2025, 9, 20),
            end_reason=ExitReason.DEATH,
        )
        _active(person, second_programme, cohort, D(2025, 10, 1), "10000000002")
        assert Enrollment.objects.filter(person=person, state="active").count() == 1

    def test_other_people_and_uncovered_states_never_clash(
        self, programme, second_programme, cohort
    ):
        first, second = PersonFactory(), PersonFactory()
        _active(first, programme, cohort, D(2025, 7, 18), "10000000001")
        _active(second, programme, cohort, D(2025, 7, 18), "10000000002")
        # A submitted place carries a requested start but no coverage yet.
        _enrollment(first, second_programme, cohort, state="submitted", start_date=D(2025, 10, 1))
        assert Enrollment.objects.count() == 3


@pytest.mark.django_db
class TestEndNeverBeforeStart:
    """Issue 19, point 4: a coverage period never ends before it starts (a database check)."""

    def test_the_database_refuses_an_end_before_the_start(self, programme, cohort):
        place = _active(PersonFactory(), programme, cohort, D(2025, 10, 1), "10000000009")
        with pytest.raises(IntegrityError), transaction.atomic():
            Enrollment.objects.filter(pk=place.pk).update(
                state=EnrollmentState.ENDED,
                end_reason=ExitReason.DEATH,
                ended_on=D(2025, 9, 1),
                end_date=D(2025, 9, 1),
            )
        place.refresh_from_db()
        assert (place.state, place.end_date) == (EnrollmentState.ACTIVE, None)

    def test_an_exit_before_coverage_began_leaves_no_period(
        self, programme, cohort, province_officer
    ):
        from lindungi.enrollment.services import record_exit

        place = _active(PersonFactory(), programme, cohort, D(2025, 10, 1), "10000000008")
        record_exit(
            user=province_officer,
            enrollment=place,
            reason=ExitReason.DEATH,
            ended_on=D(2025, 9, 1),
            on=D(2025, 9, 2),
        )
        place.refresh_from_db()
        assert (place.state, place.ended_on, place.start_date, place.end_date) == (
            EnrollmentState.ENDED,
            D(2025, 9, 1),
            None,
            None,
        )
