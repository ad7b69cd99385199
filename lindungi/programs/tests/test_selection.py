from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from lindungi.audit.models import AuditEvent
from lindungi.core.errors import InvalidInput
from lindungi.programs.choices import Outcome
from lindungi.programs.models import Decision, SelectionRun
from lindungi.programs.selection import run_selection, tie_break
from lindungi.programs.selectors import explain
from lindungi.programs.tests.helpers import ALOR, TTU, TTU_VILLAGE, make_programme, person

pytestmark = pytest.mark.django_db


def ranked(programme, regency=ALOR):
    run = programme.runs.get(status="draft")
    return list(
        Decision.objects.filter(run=run, regency_id=regency, reasons=0)
        .order_by("rank")
        .values_list("person_id", "rank", "outcome")
    )


def test_default_criteria_order_desil_label_household_age(province_officer):
    programme = make_programme(province_officer, quotas={ALOR: 2})
    young_desil1 = person(desil=1, birth_date=date(1995, 1, 1))
    old_desil1 = person(desil=1, birth_date=date(1970, 1, 1))
    desil2_extreme = person(desil=2, poverty_label="extreme_poor")
    desil2_poor = person(desil=2, poverty_label="poor", birth_date=date(1960, 1, 1))
    # Same household as old_desil1, older than young_desil1: a second member comes later.
    sibling = person(desil=1, birth_date=date(1965, 1, 1), kk_number=old_desil1.kk_number)
    run_selection(user=province_officer, programme=programme)
    assert ranked(programme) == [
        (sibling.pk, 1, Outcome.SELECTED),
        (young_desil1.pk, 2, Outcome.SELECTED),
        (old_desil1.pk, 3, Outcome.WAITLISTED),
        (desil2_extreme.pk, 4, Outcome.WAITLISTED),
        (desil2_poor.pk, 5, Outcome.WAITLISTED),
    ]


def test_ties_are_broken_by_the_stable_hash_identically_each_run(province_officer):
    programme = make_programme(province_officer, quotas={ALOR: 3})
    people = [person() for _ in range(8)]  # identical desil, label and birth date
    run_selection(user=province_officer, programme=programme)
    first = ranked(programme)
    expected = sorted(people, key=lambda p: (tie_break(p.nik, programme.pk), p.nik))
    assert [row[0] for row in first] == [p.pk for p in expected]
    stored = dict(Decision.objects.values_list("nik", "tie_break"))
    assert stored == {p.nik: tie_break(p.nik, programme.pk) for p in people}
    run_selection(user=province_officer, programme=programme)
    assert ranked(programme) == first
    assert SelectionRun.objects.filter(programme=programme, status="superseded").count() == 1


def test_tie_break_depends_on_the_programme():
    nik = "5305011503850001"
    assert tie_break(nik, 1) != tie_break(nik, 2)
    assert tie_break(nik, 1) == tie_break(nik, 1)
    assert 0 <= tie_break("9999999999999999", 10**6) < 2**31


def test_exactly_min_of_quota_and_eligible_per_regency(province_officer):
    programme = make_programme(
        province_officer, quotas={ALOR: 3, TTU: 4}, redistribute_surplus=False
    )
    for _ in range(5):
        person()
    for _ in range(2):
        person(village=TTU_VILLAGE)
    summary = run_selection(user=province_officer, programme=programme)
    run = programme.runs.get()
    counts = {
        (regency, outcome): Decision.objects.filter(
            run=run, regency_id=regency, outcome=outcome
        ).count()
        for regency in (ALOR, TTU)
        for outcome in (Outcome.SELECTED, Outcome.WAITLISTED)
    }
    assert counts == {
        (ALOR, Outcome.SELECTED): 3,
        (ALOR, Outcome.WAITLISTED): 2,
        (TTU, Outcome.SELECTED): 2,
        (TTU, Outcome.WAITLISTED): 0,
    }
    assert (summary.candidates, summary.eligible, summary.selected, summary.waitlisted) == (
        7,
        7,
        5,
        2,
    )
    quota = run.quotas.get(regency_id=TTU)
    assert (quota.quota, quota.eligible, quota.filled) == (4, 2, 2)


def test_surplus_goes_to_regencies_with_room_when_the_programme_says_so(province_officer):
    programme = make_programme(province_officer, quotas={ALOR: 3, TTU: 4})
    for _ in range(5):
        person()
    for _ in range(2):
        person(village=TTU_VILLAGE)
    run_selection(user=province_officer, programme=programme)
    run = programme.runs.get()
    assert run.selected == 7
    quotas = {q.regency_id: (q.initial_quota, q.quota, q.filled) for q in run.quotas.all()}
    assert quotas[ALOR] == (3, 5, 5)
    assert quotas[TTU] == (4, 2, 2)


def test_dry_run_changes_nothing(province_officer):
    programme = make_programme(province_officer)
    person()
    events = AuditEvent.objects.count()
    summary = run_selection(user=province_officer, programme=programme, dry_run=True)
    assert (summary.run_id, summary.selected, summary.dry_run) == (None, 1, True)
    assert SelectionRun.objects.count() == 0
    assert Decision.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_regency_officer_cannot_run_a_selection(province_officer, regency_officer):
    programme = make_programme(province_officer)
    person()
    with pytest.raises(PermissionDenied):
        run_selection(user=regency_officer, programme=programme)
    assert SelectionRun.objects.count() == 0


def test_run_records_an_audit_event(province_officer):
    programme = make_programme(province_officer)
    person()
    run_selection(user=province_officer, programme=programme)
    event = AuditEvent.objects.filter(action="programs.selection_run").get()
    assert event.changes["summary"]["selected"] == 1
    assert event.actor_username == "prov_officer"


def test_explanations_in_indonesian_and_english(province_officer):
    programme = make_programme(province_officer, quotas={ALOR: 1})
    first = person(desil=1)
    second = person(desil=2, poverty_label="poor")
    other = person(desil=6, poverty_label="not_poor")
    run_selection(user=province_officer, programme=programme)
    run = programme.runs.get()
    with translation.override("en"):
        assert explain(user=province_officer, run=run, nik=second.nik) == (
            "Ranked 2 in Kabupaten Alor; the quota of 1 was filled at desil 1."
        )
        assert explain(user=province_officer, run=run, nik=first.nik) == (
            "Ranked 1 in Kabupaten Alor, within the quota of 1 (desil 1); "
            "selected for APBD Provinsi."
        )
        assert explain(user=province_officer, run=run, nik=other.nik) == (
            "Not eligible: Welfare decile above the limit."
        )
    with translation.override("id"):
        assert explain(user=province_officer, run=run, nik=second.nik) == (
            "Peringkat 2 di Kabupaten Alor; kuota 1 terisi sampai desil 1."
        )


def test_explanation_formats_large_numbers_by_language(province_officer):
    from lindungi.programs.selectors import _number

    with translation.override("en"):
        assert _number(4890) == "4,890"
    with translation.override("id"):
        assert _number(4890) == "4.890"


def test_explain_is_limited_to_the_officers_regency(province_officer, regency_officer, outsider):
    programme = make_programme(province_officer)
    alor = person()
    run_selection(user=province_officer, programme=programme)
    run = programme.runs.get()
    with translation.override("id"):
        assert explain(user=regency_officer, run=run, nik=alor.nik).startswith("Peringkat 1 di")
    with pytest.raises(Decision.DoesNotExist):
        explain(user=outsider, run=run, nik=alor.nik)
    with pytest.raises(InvalidInput):
        explain(user=province_officer, run=run, nik="12345")


def test_cohorts_sharing_a_regency_take_consecutive_ranks_in_cohort_order(province_officer):
    from lindungi.programs.choices import FundingSource, PayerType
    from lindungi.programs.services import add_cohort

    programme = make_programme(province_officer, quotas={ALOR: 2}, redistribute_surplus=False)
    alor_cohort = add_cohort(
        user=province_officer,
        programme=programme,
        name="APBD Alor",
        payer_type=PayerType.REGENCY,
        payer_name="Pemkab Alor",
        payer_regency_code=ALOR,
        funding_source=FundingSource.APBD,
        headcount=1,
        regency_code=ALOR,
    )
    people = [
        person(desil=desil, poverty_label=label)
        for desil, label in [(1, "extreme_poor"), (2, "poor"), (3, "near_poor"), (4, "vulnerable")]
    ]
    summary = run_selection(user=province_officer, programme=programme)
    run = programme.runs.get()
    province_cohort = programme.cohorts.get(name="APBD Provinsi")
    assert list(
        Decision.objects.filter(run=run)
        .order_by("rank")
        .values_list("person_id", "rank", "outcome", "cohort_id")
    ) == [
        (people[0].pk, 1, Outcome.SELECTED, province_cohort.pk),
        (people[1].pk, 2, Outcome.SELECTED, province_cohort.pk),
        (people[2].pk, 3, Outcome.SELECTED, alor_cohort.pk),
        (people[3].pk, 4, Outcome.WAITLISTED, None),
    ]
    quotas = run.quotas.filter(regency_id=ALOR).order_by("cohort__position", "cohort_id")
    assert [
        (q.cohort_id, q.rank_from, q.rank_to, q.eligible, q.filled, q.last_desil) for q in quotas
    ] == [(province_cohort.pk, 0, 2, 4, 2, 2), (alor_cohort.pk, 2, 3, 2, 1, 3)]
    assert (summary.selected, summary.waitlisted, run.selected) == (3, 1, 3)
