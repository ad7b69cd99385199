"""apply_lapses ends the places contributions found lapsed, on their last paid covered day."""

import datetime
from itertools import count

import pytest
from django.core.exceptions import PermissionDenied

from lindungi.audit.models import AuditEvent
from lindungi.contributions.lapses import lapsed_groups
from lindungi.contributions.models import EnrollmentStanding
from lindungi.enrollment.choices import EnrollmentState, ExitReason
from lindungi.enrollment.models import Enrollment, EnrollmentEvent
from lindungi.enrollment.services import apply_lapses as apply_lapses_given
from lindungi.registry.tests.factories import PersonFactory

D = datetime.date
AS_OF = D(2025, 12, 15)
START = D(2025, 7, 18)
_kpj = count(20_000_000_001)


def _active(programme, cohort, start=START):
    person = PersonFactory()
    return Enrollment.objects.create(
        person=person,
        programme=programme,
        cohort=cohort,
        regency_id=person.regency_id,
        state=EnrollmentState.ACTIVE,
        kpj=str(next(_kpj)),
        start_date=start,
    )


def _standing(enrollment, standing, unpaid_since, months=3, assessed_on=AS_OF):
    return EnrollmentStanding.objects.create(
        enrollment=enrollment,
        regency_id=enrollment.regency_id,
        standing=standing,
        unpaid_months=months,
        unpaid_since=unpaid_since,
        assessed_on=assessed_on,
    )


def apply_lapses(*, programme, as_of, user):
    """What contributions.lapses.run_lapses passes down after its assessment."""
    return apply_lapses_given(
        programme=programme, as_of=as_of, user=user, lapsed=lapsed_groups(programme, as_of)
    )


def _snapshot():
    return list(
        Enrollment.objects.order_by("pk").values_list(
            "pk", "state", "end_reason", "ended_on", "end_date"
        )
    )


@pytest.fixture
def places(programme, cohort):
    """october/september: lapsed from those months; at_risk: only at risk; fresh: lapsed,
    but coverage began inside the unpaid run; later: lapsed by an assessment after AS_OF."""
    places = {
        name: _active(programme, cohort)
        for name in ("october", "september", "at_risk", "later", "untouched")
    }
    places["fresh"] = _active(programme, cohort, start=D(2025, 10, 10))
    _standing(places["october"], "lapsed", D(2025, 10, 1))
    _standing(places["september"], "lapsed", D(2025, 9, 1), months=4)
    _standing(places["at_risk"], "at_risk", D(2025, 11, 1), months=2)
    _standing(places["fresh"], "lapsed", D(2025, 10, 1))
    _standing(places["later"], "lapsed", D(2025, 10, 1), assessed_on=D(2025, 12, 20))
    return places


def _end(enrollment):
    enrollment.refresh_from_db()
    return enrollment.state, enrollment.end_reason, enrollment.ended_on, enrollment.end_date


@pytest.mark.django_db
class TestApplyLapses:
    def test_ends_lapsed_places_on_their_last_paid_day(self, places, programme, province_officer):
        ended = apply_lapses(programme=programme, as_of=AS_OF, user=province_officer)
        assert ended == 3
        lapsed = (EnrollmentState.ENDED, ExitReason.LAPSED)
        assert _end(places["october"]) == (*lapsed, D(2025, 9, 30), D(2025, 9, 30))
        assert _end(places["september"]) == (*lapsed, D(2025, 8, 31), D(2025, 8, 31))
        # Began after the last paid day: nothing was paid for, so no coverage period at all
        # (never an end before the start: issue 19, point 4).
        assert _end(places["fresh"]) == (*lapsed, D(2025, 9, 30), None)
        assert places["fresh"].start_date is None
        for name in ("at_risk", "later", "untouched"):
            assert _end(places[name]) == (EnrollmentState.ACTIVE, "", None, None)
        events = EnrollmentEvent.objects.filter(to_state=EnrollmentState.ENDED).order_by(
            "enrollment_id"
        )
        assert list(events.values_list("enrollment_id", "from_state", "date", "actor_id")) == [
            (places["october"].pk, "active", D(2025, 9, 30), province_officer.pk),
            (places["september"].pk, "active", D(2025, 8, 31), province_officer.pk),
            (places["fresh"].pk, "active", D(2025, 9, 30), province_officer.pk),
        ]
        audit = AuditEvent.objects.get(action="enrollment.lapses_applied")
        assert audit.object_id == str(programme.pk)
        assert audit.changes["summary"] == {"as_of": "2025-12-15", "ended": 3}

    def test_running_again_changes_nothing(self, places, programme, province_officer):
        apply_lapses(programme=programme, as_of=AS_OF, user=province_officer)
        before = _snapshot()
        events = EnrollmentEvent.objects.count()
        assert apply_lapses(programme=programme, as_of=AS_OF, user=province_officer) == 0
        assert _snapshot() == before
        assert EnrollmentEvent.objects.count() == events

    def test_regency_officer_is_refused_and_nothing_changes(
        self, places, programme, regency_officer
    ):
        before = _snapshot()
        with pytest.raises(PermissionDenied):
            apply_lapses(programme=programme, as_of=AS_OF, user=regency_officer)
        assert _snapshot() == before
        assert not EnrollmentEvent.objects.exists()
        assert not AuditEvent.objects.filter(action="enrollment.lapses_applied").exists()
