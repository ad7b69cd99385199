"""The state machine: every allowed transition works, every other one is refused unchanged."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from lindungi.core.errors import InvalidInput, InvalidTransition
from lindungi.enrollment.choices import ALLOWED_TRANSITIONS, EnrollmentState, ExitReason
from lindungi.enrollment.models import Enrollment, EnrollmentEvent
from lindungi.enrollment.services import change_state, enroll_selected
from lindungi.programs.choices import RunStatus
from lindungi.registry.tests.factories import PersonFactory

D = datetime.date
S = EnrollmentState

# Fields each state needs, so a row can be put straight into any state for the test.
STATE_FIELDS = {
    S.SELECTED: {},
    S.SUBMITTED: {"start_date": D(2025, 7, 18)},
    S.ACTIVE: {"start_date": D(2025, 7, 18), "kpj": "12345678901"},
    S.REJECTED: {"rejection_reason": "NIK tidak ditemukan di Dukcapil"},
    S.ENDED: {
        "start_date": D(2025, 7, 18),
        "kpj": "12345678901",
        "end_date": D(2025, 8, 1),
        "ended_on": D(2025, 8, 1),
        "end_reason": ExitReason.MOVED,
    },
}
ARGUMENTS = {
    S.SELECTED: {"on": D(2025, 7, 10)},
    S.SUBMITTED: {"on": D(2025, 7, 18)},
    S.ACTIVE: {"on": D(2025, 7, 18), "kpj": "10987654321"},
    S.REJECTED: {"on": D(2025, 7, 20), "reason": "Terdaftar sebagai peserta penerima upah (PU)"},
    S.ENDED: {"on": D(2025, 9, 30), "reason": ExitReason.DEATH},
}
PAIRS = [(a, b) for a in S for b in S]


def _place(programme, cohort, state):
    person = PersonFactory()
    return Enrollment.objects.create(
        person=person,
        programme=programme,
        cohort=cohort,
        regency_id=person.regency_id,
        state=state,
        **STATE_FIELDS[state],
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("from_state", "to_state"), PAIRS)
def test_transition(programme, cohort, province_officer, from_state, to_state):
    enrollment = _place(programme, cohort, from_state)
    if to_state in ALLOWED_TRANSITIONS[from_state]:
        changed = change_state(
            user=province_officer, enrollment=enrollment, to_state=to_state, **ARGUMENTS[to_state]
        )
        assert changed.state == to_state
        event = EnrollmentEvent.objects.get(enrollment=enrollment)
        assert (event.from_state, event.to_state, event.actor) == (
            from_state,
            to_state,
            province_officer,
        )
        assert event.date == ARGUMENTS[to_state]["on"]
    else:
        with pytest.raises(InvalidTransition) as refused:
            change_state(
                user=province_officer,
                enrollment=enrollment,
                to_state=to_state,
                **ARGUMENTS[to_state],
            )
        assert refused.value.code == f"{from_state}_to_{to_state}"
        enrollment.refresh_from_db()
        assert enrollment.state == from_state
        assert not EnrollmentEvent.objects.exists()


def test_allowed_transitions_are_exactly_these():
    assert {(a, b) for a in S for b in ALLOWED_TRANSITIONS[a]} == {
        (S.SELECTED, S.SUBMITTED),
        (S.SELECTED, S.ENDED),
        (S.SUBMITTED, S.ACTIVE),
        (S.SUBMITTED, S.REJECTED),
        (S.SUBMITTED, S.SELECTED),
        (S.SUBMITTED, S.ENDED),
        (S.ACTIVE, S.ENDED),
        (S.REJECTED, S.SELECTED),
    }


@pytest.mark.django_db
class TestActivationAndExitChecks:
    def test_refuses_malformed_kpj(self, programme, cohort, province_officer):
        enrollment = _place(programme, cohort, S.SUBMITTED)
        with pytest.raises(InvalidInput) as refused:
            change_state(
                user=province_officer,
                enrollment=enrollment,
                to_state=S.ACTIVE,
                on=D(2025, 7, 18),
                kpj="1234567890",
            )
        assert refused.value.code == "kpj_malformed"
        enrollment.refresh_from_db()
        assert (enrollment.state, enrollment.kpj) == (S.SUBMITTED, None)

    def test_refuses_start_outside_programme(self, programme, cohort, province_officer):
        enrollment = _place(programme, cohort, S.SUBMITTED)
        with pytest.raises(InvalidInput) as refused:
            change_state(
                user=province_officer,
                enrollment=enrollment,
                to_state=S.ACTIVE,
                on=D(2026, 1, 1),
                kpj="10987654321",
            )
        assert refused.value.code == "date_outside_programme"
        enrollment.refresh_from_db()
        assert enrollment.state == S.SUBMITTED

    def test_past_dated_exit_sets_the_last_covered_day(self, programme, cohort, province_officer):
        enrollment = _place(programme, cohort, S.ACTIVE)
        ended = change_state(
            user=province_officer,
            enrollment=enrollment,
            to_state=S.ENDED,
            on=D(2025, 8, 20),
            reason=ExitReason.DEATH,
        )
        assert (ended.end_reason, ended.ended_on, ended.end_date) == (
            ExitReason.DEATH,
            D(2025, 8, 20),
            D(2025, 8, 20),
        )

    def test_refuses_future_exit(self, programme, cohort, province_officer):
        enrollment = _place(programme, cohort, S.ACTIVE)
        with pytest.raises(InvalidInput) as refused:
            change_state(
                user=province_officer,
                enrollment=enrollment,
                to_state=S.ENDED,
                on=datetime.date.today() + datetime.timedelta(days=1),
                reason=ExitReason.DEATH,
            )
        assert refused.value.code == "date_future"
        enrollment.refresh_from_db()
        assert enrollment.state == S.ACTIVE

    def test_regency_officer_cannot_end_another_regencys_place(self, programme, cohort, outsider):
        enrollment = _place(programme, cohort, S.ACTIVE)  # an Alor person
        with pytest.raises(InvalidInput) as refused:
            change_state(
                user=outsider,
                enrollment=enrollment,
                to_state=S.ENDED,
                on=D(2025, 8, 20),
                reason=ExitReason.MOVED,
            )
        assert refused.value.code == "outside_regency"
        enrollment.refresh_from_db()
        assert enrollment.state == S.ACTIVE

    def test_regency_officer_may_not_activate(self, programme, cohort, regency_officer):
        enrollment = _place(programme, cohort, S.SUBMITTED)
        with pytest.raises(PermissionDenied):
            change_state(
                user=regency_officer,
                enrollment=enrollment,
                to_state=S.ACTIVE,
                on=D(2025, 7, 18),
                kpj="10987654321",
            )
        enrollment.refresh_from_db()
        assert enrollment.state == S.SUBMITTED


@pytest.mark.django_db
class TestEnrollSelected:
    def test_creates_one_selected_place_per_selected_decision(
        self, approved_run, cohort, province_officer
    ):
        assert enroll_selected(run=approved_run, user=province_officer) == 5
        places = Enrollment.objects.order_by("regency_id", "decision__rank")
        assert [(p.regency_id, p.decision.rank, p.state) for p in places] == [
            ("53.03", 1, S.SELECTED),
            ("53.03", 2, S.SELECTED),
            ("53.05", 1, S.SELECTED),
            ("53.05", 2, S.SELECTED),
            ("53.05", 3, S.SELECTED),
        ]
        assert EnrollmentEvent.objects.filter(to_state=S.SELECTED, from_state="").count() == 5

    def test_running_again_creates_nothing(self, approved_run, province_officer):
        enroll_selected(run=approved_run, user=province_officer)
        assert enroll_selected(run=approved_run, user=province_officer) == 0
        assert Enrollment.objects.count() == 5
        assert EnrollmentEvent.objects.count() == 5

    def test_refuses_a_draft_run(self, approved_run, province_officer):
        # In memory only: the database refuses to take an approved run back (frozen).
        approved_run.status = RunStatus.DRAFT
        with pytest.raises(InvalidTransition):
            enroll_selected(run=approved_run, user=province_officer)
        assert not Enrollment.objects.exists()
