"""The cover verdict on the incident date: coverage that day, the month paid, the grace rule."""

import datetime

from lindungi.benefits.choices import ClaimKind, ClaimSource, Consequence, CoverVerdict
from lindungi.benefits.cover import assess_cover, contribution_months
from lindungi.benefits.models import Claim
from lindungi.benefits.tests.conftest import bill_and_pay, enroll, make_programme
from lindungi.contributions.models import BillingPolicy
from lindungi.core.dates import Month
from lindungi.programs.funding import find_or_create_payer
from lindungi.registry.tests.factories import PersonFactory

D = datetime.date


def _claim(enrollment, incident: datetime.date, number="K-1") -> Claim:
    return Claim.objects.create(
        number=number,
        source=ClaimSource.PROVINCE_FORM,
        person=enrollment.person,
        regency_id=enrollment.regency_id,
        kind=ClaimKind.JKM_DEATH,
        consequence=Consequence.DEATH,
        incident_date=incident,
    )


def _assess(claim, as_of) -> Claim:
    assess_cover(Claim.objects.filter(pk=claim.pk), as_of=as_of)
    claim.refresh_from_db()
    return claim


def test_active_and_paid_is_covered_with_programme_and_cohort(cohort):
    enrollment = enroll(cohort)
    bill_and_pay(cohort.programme, Month(2025, 7), Month(2025, 9))
    claim = _assess(_claim(enrollment, D(2025, 9, 2)), D(2025, 12, 1))
    assert claim.verdict == CoverVerdict.COVERED
    assert claim.verdict_reasons == ["active_that_day", "month_paid"]
    assert (claim.enrollment_id, claim.programme_id, claim.cohort_id) == (
        enrollment.pk,
        cohort.programme_id,
        cohort.pk,
    )


def test_incident_after_the_exit_is_not_covered(cohort):
    enrollment = enroll(cohort, end=D(2025, 8, 31))
    bill_and_pay(cohort.programme, Month(2025, 7), Month(2025, 9))
    claim = _assess(_claim(enrollment, D(2025, 9, 2)), D(2025, 12, 1))
    assert claim.verdict == CoverVerdict.NOT_COVERED
    assert claim.verdict_reasons == ["not_active_that_day"]
    assert claim.enrollment_id is None


def test_unpaid_month_beyond_the_arrears_period_is_not_covered(cohort):
    enrollment = enroll(cohort)
    bill_and_pay(cohort.programme, Month(2025, 7), Month(2025, 8), pay=False)
    claim = _assess(_claim(enrollment, D(2025, 8, 20)), D(2025, 12, 15))
    assert claim.verdict == CoverVerdict.NOT_COVERED
    assert claim.verdict_reasons == ["active_that_day", "month_unpaid"]


def test_unpaid_month_within_the_arrears_period_is_covered_in_grace(cohort):
    enrollment = enroll(cohort)
    bill_and_pay(cohort.programme, Month(2025, 7), Month(2025, 8), pay=False)
    claim = _assess(_claim(enrollment, D(2025, 8, 20)), D(2025, 10, 1))
    assert claim.verdict == CoverVerdict.COVERED_IN_GRACE
    assert claim.verdict_reasons == ["active_that_day", "month_unpaid_in_grace"]


def test_late_payment_accepted_by_the_insurer_keeps_the_cover(cohort):
    BillingPolicy.objects.create(
        programme=cohort.programme, payer_delay_accepted=True, payer_delay_note="PKS 12/2025"
    )
    enrollment = enroll(cohort)
    bill_and_pay(cohort.programme, Month(2025, 7), Month(2025, 8), pay=False)
    claim = _assess(_claim(enrollment, D(2025, 8, 20)), D(2025, 12, 15))
    assert claim.verdict == CoverVerdict.COVERED_IN_GRACE
    assert claim.verdict_reasons == ["active_that_day", "payer_delay_accepted"]


def test_six_month_cohort_never_reaches_36_contribution_months(cohort):
    enrollment = enroll(cohort)
    bill_and_pay(cohort.programme, Month(2025, 7), Month(2025, 12))
    assert contribution_months([enrollment.person_id]) == {enrollment.person_id: 6}


def test_three_renewed_years_with_different_payers_count_36_months(db):
    person = PersonFactory()
    # The holiday table (due dates) covers 2025-2027: three programme years from 2025.
    for year in (2025, 2026, 2027):
        cohort = make_programme(year, D(year, 1, 1), D(year, 12, 31))
        if year == 2026:
            # Payers are records with funding shares (issue 13): Alor pays the 2026 cohort.
            alor = find_or_create_payer(
                payer_type="regency",
                name="Pemerintah Kabupaten Alor",
                funding_source="APBD",
                regency_code="53.05",
            )
            cohort.funding_shares.update(payer=alor)
        enroll(cohort, person, start=D(year, 1, 1), end=D(year, 12, 31))
        bill_and_pay(cohort.programme, Month(year, 1), Month(year, 12))
    assert contribution_months([person.pk]) == {person.pk: 36}


def test_a_payment_made_after_the_assessment_day_does_not_count_yet(cohort):
    enrollment = enroll(cohort)
    # Paid on the 10th of each month; assessed on 5 September, September is still unpaid.
    bill_and_pay(cohort.programme, Month(2025, 7), Month(2025, 9))
    claim = _assess(_claim(enrollment, D(2025, 9, 2)), D(2025, 9, 5))
    assert claim.verdict == CoverVerdict.COVERED_IN_GRACE
    assert claim.verdict_reasons == ["active_that_day", "month_unpaid_in_grace"]
    assert claim.contribution_months == 2
