"""A confirmed duplicate is merged or one is excluded, with a reason (issue 19, point 2): both
records stay, the other person is never selected again, their double place ends, and the
"why" and the person page say so."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from lindungi.audit.models import AuditEvent
from lindungi.core.errors import InvalidInput, InvalidTransition
from lindungi.enrollment.choices import EnrollmentState, ExitReason
from lindungi.enrollment.duplicates import resolve_duplicate_pair
from lindungi.enrollment.models import Enrollment
from lindungi.enrollment.tests.factories import EnrollmentFactory
from lindungi.programs.choices import Outcome, Reason
from lindungi.programs.models import Decision
from lindungi.programs.selection import run_selection
from lindungi.programs.selectors import explain
from lindungi.programs.tests.factories import CohortFactory
from lindungi.programs.tests.helpers import make_programme, person
from lindungi.registry.choices import DuplicateResolution, DuplicateRule, DuplicateStatus
from lindungi.registry.models import DuplicateCandidate, Person

pytestmark = pytest.mark.django_db
REASON = "Orang yang sama, NIK lama dari KK lama"
ON = datetime.date(2025, 9, 1)


def pair(first, second, status=DuplicateStatus.OPEN):
    first, second = sorted((first, second), key=lambda p: p.pk)
    return DuplicateCandidate.objects.create(
        first_person=first,
        second_person=second,
        first_nik=first.nik,
        second_nik=second.nik,
        rule=DuplicateRule.values[0],
        status=status,
        created_at=timezone.now(),
    )


def decision(programme, who):
    return Decision.objects.get(run__programme=programme, person=who, run__status="draft")


def test_keeping_the_second_excludes_the_first_from_selection(province_officer):
    programme = make_programme(province_officer, quotas={"53.05": 3, "53.03": 0}, headcount=3)
    first, second = person(desil=1), person(desil=1)
    duplicate = pair(first, second)
    resolve_duplicate_pair(
        duplicate=duplicate,
        keep=second,
        resolution=DuplicateResolution.MERGED,
        reason=REASON,
        user=province_officer,
    )
    run_selection(user=province_officer, programme=programme)
    held_out = decision(programme, first)
    assert (held_out.reasons, held_out.outcome) == (Reason.DUPLICATE_CONFIRMED, Outcome.INELIGIBLE)
    assert decision(programme, second).outcome == Outcome.SELECTED
    why = explain(user=province_officer, run=held_out.run, nik=first.nik)
    assert f"Digabung ke NIK {second.nik}" in why and REASON in why
    # Both records stay, with their NIKs.
    assert Person.objects.filter(pk__in=[first.pk, second.pk]).count() == 2
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.kept_person_id, duplicate.resolution) == (
        DuplicateStatus.CONFIRMED,
        second.pk,
        DuplicateResolution.MERGED,
    )
    event = AuditEvent.objects.get(action="registry.duplicate_resolved")
    assert (event.changes["kept_nik"][1], event.changes["other_nik"][1]) == (second.nik, first.nik)


def test_an_excluded_duplicate_says_so_in_the_why(province_officer):
    programme = make_programme(province_officer, quotas={"53.05": 3, "53.03": 0}, headcount=3)
    first, second = person(desil=1), person(desil=1)
    resolve_duplicate_pair(
        duplicate=pair(first, second, status=DuplicateStatus.CONFIRMED),
        keep=first,
        resolution=DuplicateResolution.EXCLUDED,
        reason=REASON,
        user=province_officer,
    )
    run_selection(user=province_officer, programme=programme)
    held_out = decision(programme, second)
    assert held_out.reasons == Reason.DUPLICATE_CONFIRMED
    why = explain(user=province_officer, run=held_out.run, nik=second.nik)
    assert f"Dikeluarkan sebagai data ganda dari NIK {first.nik}" in why
    kept_why = explain(user=province_officer, run=held_out.run, nik=first.nik)
    assert "Digabung" not in kept_why and "ganda dari" not in kept_why


def test_the_double_place_ends(province_officer):
    first, second, lone = person(), person(), person()
    cohort = CohortFactory()
    kept_place = EnrollmentFactory(cohort=cohort, person=first)
    double = EnrollmentFactory(cohort=cohort, person=second)
    untouched = EnrollmentFactory(cohort=cohort, person=lone)
    result = resolve_duplicate_pair(
        duplicate=pair(first, second),
        keep=first,
        resolution=DuplicateResolution.MERGED,
        reason=REASON,
        user=province_officer,
        on=ON,
    )
    assert (result.places_ended, result.places_kept) == (1, 0)
    double.refresh_from_db()
    assert (double.state, double.end_reason, double.ended_on) == (
        EnrollmentState.ENDED,
        ExitReason.DUPLICATE,
        ON,
    )
    assert double.events.filter(to_state=EnrollmentState.ENDED, note__contains=first.nik).exists()
    states = dict(
        Enrollment.objects.filter(pk__in=[kept_place.pk, untouched.pk]).values_list("pk", "state")
    )
    assert set(states.values()) == {EnrollmentState.ACTIVE}
    assert AuditEvent.objects.filter(action="enrollment.duplicate_places_ended").exists()


def test_the_only_place_of_the_person_is_left_open(province_officer):
    """The kept record holds no place: the other record's place is the one this human has."""
    first, second = person(), person()
    only = EnrollmentFactory(cohort=CohortFactory(), person=second)
    result = resolve_duplicate_pair(
        duplicate=pair(first, second),
        keep=first,
        resolution=DuplicateResolution.MERGED,
        reason=REASON,
        user=province_officer,
        on=ON,
    )
    assert (result.places_ended, result.places_kept) == (0, 1)
    only.refresh_from_db()
    assert only.state == EnrollmentState.ACTIVE


def test_bad_resolutions_change_nothing(province_officer, outsider):
    first, second, stranger = person(), person(), person()
    duplicate = pair(first, second)
    cases = [
        (dict(keep=first, resolution="delete", reason=REASON), "invalid_resolution"),
        (
            dict(keep=first, resolution=DuplicateResolution.MERGED, reason=" kurang "),
            "reason_required",
        ),
        (
            dict(keep=stranger, resolution=DuplicateResolution.MERGED, reason=REASON),
            "keep_not_in_pair",
        ),
    ]
    for arguments, code in cases:
        with pytest.raises(InvalidInput) as error:
            resolve_duplicate_pair(duplicate=duplicate, user=province_officer, **arguments)
        assert error.value.code == code
    # A regency officer does not review duplicates.
    with pytest.raises(PermissionDenied):
        resolve_duplicate_pair(
            duplicate=duplicate,
            keep=first,
            resolution=DuplicateResolution.MERGED,
            reason=REASON,
            user=outsider,
        )
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.resolution, duplicate.kept_person_id) == (
        DuplicateStatus.OPEN,
        "",
        None,
    )
    assert not AuditEvent.objects.filter(action="registry.duplicate_resolved").exists()
    # A dismissed pair is not resolved; a resolved one not twice.
    dismissed = pair(person(), person(), status=DuplicateStatus.DISMISSED)
    with pytest.raises(InvalidTransition):
        resolve_duplicate_pair(
            duplicate=dismissed,
            keep=dismissed.first_person,
            resolution=DuplicateResolution.MERGED,
            reason=REASON,
            user=province_officer,
        )
    resolve_duplicate_pair(
        duplicate=duplicate,
        keep=first,
        resolution=DuplicateResolution.EXCLUDED,
        reason=REASON,
        user=province_officer,
    )
    with pytest.raises(InvalidTransition):
        resolve_duplicate_pair(
            duplicate=duplicate,
            keep=second,
            resolution=DuplicateResolution.MERGED,
            reason=REASON,
            user=province_officer,
        )


def test_the_pages_resolve_and_show_the_merge(client, province_officer):
    first, second = person(), person()
    duplicate = pair(first, second)
    client.force_login(province_officer)
    page = client.get(reverse("registry:duplicates")).content.decode()
    assert reverse("enrollment:resolve_duplicate", args=[duplicate.pk]) in page
    response = client.post(
        reverse("enrollment:resolve_duplicate", args=[duplicate.pk]),
        {"keep": "second", "resolution": "merged", "reason": REASON},
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.kept_person_id == second.pk
    page = client.get(reverse("registry:person", args=[first.pk])).content.decode()
    assert "Digabung ke data NIK" in page and REASON in page
    kept_page = client.get(reverse("registry:person", args=[second.pk])).content.decode()
    assert "Digabung ke data NIK" not in kept_page and REASON in kept_page
