from datetime import date

import pytest

from lindungi.programs.approval import approve_run
from lindungi.programs.choices import Outcome, Reason
from lindungi.programs.models import ActiveInsurerParticipant, Decision
from lindungi.programs.selection import run_selection
from lindungi.programs.services import add_cohort, create_programme
from lindungi.programs.tests.helpers import ALOR, TTU_VILLAGE, make_programme, person

pytestmark = pytest.mark.django_db


def reasons_of(programme, who):
    decision = Decision.objects.get(run__programme=programme, person=who, run__status="draft")
    return decision.reasons, decision.outcome


def select(user, programme):
    return run_selection(user=user, programme=programme)


@pytest.mark.parametrize(
    ("birth_date", "age", "eligible"),
    [
        (date(2010, 7, 19), 14, False),
        (date(2010, 7, 18), 15, True),
        (date(1959, 7, 19), 65, True),
        (date(1959, 7, 18), 66, False),
    ],
)
def test_age_at_coverage_start_is_checked_to_the_day(province_officer, birth_date, age, eligible):
    programme = make_programme(province_officer)
    candidate = person(birth_date=birth_date)
    select(province_officer, programme)
    decision = Decision.objects.get(person=candidate)
    assert decision.age == age
    assert decision.reasons == (0 if eligible else Reason.AGE_OUT_OF_RANGE)


def test_age_range_is_configurable(province_officer):
    programme = make_programme(province_officer, min_age=18, max_age=60)
    too_young = person(birth_date=date(2008, 1, 1))
    too_old = person(birth_date=date(1960, 1, 1))
    select(province_officer, programme)
    assert reasons_of(programme, too_young) == (Reason.AGE_OUT_OF_RANGE, Outcome.INELIGIBLE)
    assert reasons_of(programme, too_old) == (Reason.AGE_OUT_OF_RANGE, Outcome.INELIGIBLE)


def test_residence_outside_a_regency_programme(province_officer):
    programme = create_programme(
        user=province_officer,
        name="Alor",
        year=2025,
        coverage_start=date(2025, 7, 18),
        coverage_end=date(2025, 12, 31),
        target_headcount=1,
        regency_code=ALOR,
    )
    add_cohort(
        user=province_officer,
        programme=programme,
        name="APBD Alor",
        payer_type="regency",
        payer_name="Pemkab Alor",
        funding_source="APBD",
        headcount=1,
    )
    inside = person()
    outside = person(village=TTU_VILLAGE)
    select(province_officer, programme)
    assert reasons_of(programme, inside) == (0, Outcome.SELECTED)
    assert reasons_of(programme, outside) == (Reason.OUTSIDE_REGION, Outcome.INELIGIBLE)


def test_desil_above_limit_and_unknown_desil(province_officer):
    programme = make_programme(province_officer)
    fourth = person(desil=4, poverty_label="vulnerable")
    fifth = person(desil=5, poverty_label="not_poor")
    unknown = person(desil=None, poverty_label="unknown")
    select(province_officer, programme)
    assert reasons_of(programme, fourth)[0] == 0
    assert reasons_of(programme, fifth)[0] == Reason.DESIL_ABOVE_LIMIT
    assert reasons_of(programme, unknown)[0] == Reason.DESIL_UNKNOWN


def test_desil_limit_is_configurable(province_officer):
    programme = make_programme(province_officer, max_desil=2)
    third = person(desil=3)
    select(province_officer, programme)
    assert reasons_of(programme, third)[0] == Reason.DESIL_ABOVE_LIMIT


def test_deceased_person_is_not_eligible(province_officer):
    programme = make_programme(province_officer)
    dead = person(died_on=date(2025, 1, 2))
    select(province_officer, programme)
    assert reasons_of(programme, dead) == (Reason.DECEASED, Outcome.INELIGIBLE)


def test_active_participant_and_wage_earner_from_the_insurer_list(province_officer):
    programme = make_programme(province_officer)
    active, wage_earner, free = person(), person(), person()
    ActiveInsurerParticipant.objects.create(
        nik=active.nik, source_file="a.csv", imported_at="2025-07-01T00:00Z"
    )
    ActiveInsurerParticipant.objects.create(
        nik=wage_earner.nik,
        is_wage_earner=True,
        source_file="a.csv",
        imported_at="2025-07-01T00:00Z",
    )
    select(province_officer, programme)
    assert reasons_of(programme, active)[0] == Reason.ALREADY_ACTIVE
    assert reasons_of(programme, wage_earner)[0] == Reason.WAGE_EARNER
    assert reasons_of(programme, free)[0] == 0


def test_insurer_rules_can_be_switched_off(province_officer):
    programme = make_programme(
        province_officer, exclude_active_participants=False, exclude_wage_earners=False
    )
    active = person()
    ActiveInsurerParticipant.objects.create(
        nik=active.nik, is_wage_earner=True, source_file="a.csv", imported_at="2025-07-01T00:00Z"
    )
    select(province_officer, programme)
    assert reasons_of(programme, active)[0] == 0


def test_selected_in_an_overlapping_approved_programme(province_officer, province_admin):
    first = make_programme(province_officer, quotas={ALOR: 1})
    candidate = person()
    select(province_officer, first)
    approve_run(user=province_admin, run=first.runs.get())
    overlapping = make_programme(province_officer, quotas={ALOR: 1})
    later = make_programme(province_officer, quotas={ALOR: 1})
    later.coverage_start, later.coverage_end = date(2026, 1, 1), date(2026, 12, 31)
    later.save()
    select(province_officer, overlapping)
    select(province_officer, later)
    assert reasons_of(overlapping, candidate) == (Reason.IN_OTHER_PROGRAMME, Outcome.INELIGIBLE)
    assert reasons_of(later, candidate) == (0, Outcome.SELECTED)


def test_a_draft_run_elsewhere_does_not_block(province_officer):
    first = make_programme(province_officer, quotas={ALOR: 1})
    candidate = person()
    select(province_officer, first)
    second = make_programme(province_officer, quotas={ALOR: 1})
    select(province_officer, second)
    assert reasons_of(second, candidate) == (0, Outcome.SELECTED)


def test_several_reasons_are_all_recorded(province_officer):
    programme = make_programme(province_officer)
    candidate = person(desil=7, died_on=date(2024, 5, 1), birth_date=date(1940, 1, 1))
    select(province_officer, programme)
    decision = Decision.objects.get(person=candidate)
    assert decision.reason_list == [
        Reason.AGE_OUT_OF_RANGE,
        Reason.DESIL_ABOVE_LIMIT,
        Reason.DECEASED,
    ]
    assert decision.rank is None
