import pytest

from lindungi.programs.choices import QuotaMethod
from lindungi.programs.quotas import NOTE_CAPPED, NOTE_POOR_FROM_RATE, plan_quotas
from lindungi.programs.services import add_cohort
from lindungi.programs.tests.helpers import ALOR, TTU, make_programme

pytestmark = pytest.mark.django_db


def plan(programme, eligible):
    return {
        (p.cohort.name, p.regency_code): p
        for p in plan_quotas(programme=programme, eligible=eligible)
    }


def test_poor_population_quotas_add_up_to_the_target_exactly(province_officer):
    programme = make_programme(
        province_officer,
        headcount=100_000,
        quota_method=QuotaMethod.POOR_POPULATION,
        redistribute_surplus=False,
    )
    plans = plan(programme, {})
    assert len(plans) == 22
    assert sum(p.quota for p in plans.values()) == 100_000
    # Kupang 90,340 poor of the region's total: floor or floor + 1 of the exact share.
    assert plans[("APBD Provinsi", "53.02")].quota > plans[("APBD Provinsi", "53.01")].quota


def test_regencies_without_poor_population_use_the_documented_fallback(province_officer):
    programme = make_programme(
        province_officer,
        headcount=1_000,
        quota_method=QuotaMethod.POOR_POPULATION,
        redistribute_surplus=False,
    )
    plans = plan(programme, {})
    assert plans[("APBD Provinsi", "53.16")].note == NOTE_POOR_FROM_RATE
    assert plans[("APBD Provinsi", "53.17")].note == NOTE_POOR_FROM_RATE
    assert plans[("APBD Provinsi", ALOR)].note == ""
    assert plans[("APBD Provinsi", "53.16")].quota > 0


def test_eligible_method_apportions_by_largest_remainder(province_officer):
    programme = make_programme(province_officer, headcount=10, quota_method=QuotaMethod.ELIGIBLE)
    plans = plan(programme, {ALOR: 2, TTU: 1, "53.01": 3})
    assert {code: p.quota for (_, code), p in plans.items() if p.quota} == {
        ALOR: 2,
        TTU: 1,
        "53.01": 3,
    }
    programme.redistribute_surplus = False
    plans = plan(programme, {ALOR: 20, TTU: 10, "53.01": 30})
    # 10 x 20/60 = 3.33, 10 x 10/60 = 1.67, 10 x 30/60 = 5: the last unit goes to TTU.
    assert {code: p.quota for (_, code), p in plans.items() if p.quota} == {
        ALOR: 3,
        TTU: 2,
        "53.01": 5,
    }


def test_surplus_is_redistributed_in_proportion_until_nobody_has_room(province_officer):
    programme = make_programme(province_officer, quotas={ALOR: 6, TTU: 4, "53.01": 2})
    plans = plan(programme, {ALOR: 2, TTU: 100, "53.01": 100})
    # Alor keeps 2; its surplus of 4 goes 4:2 to TTU and Kupang (weights are the typed quotas).
    assert plans[("APBD Provinsi", ALOR)].quota == 2
    assert plans[("APBD Provinsi", ALOR)].note == NOTE_CAPPED
    assert plans[("APBD Provinsi", TTU)].quota == 4 + 3
    assert plans[("APBD Provinsi", "53.01")].quota == 2 + 1
    assert sum(p.quota for p in plans.values()) == 12


def test_surplus_stays_unfilled_when_no_regency_has_room(province_officer):
    programme = make_programme(province_officer, quotas={ALOR: 6, TTU: 4})
    plans = plan(programme, {ALOR: 3, TTU: 5})
    assert plans[("APBD Provinsi", ALOR)].quota == 3
    assert plans[("APBD Provinsi", TTU)].quota == 5


def test_regency_cohort_places_everyone_in_its_regency_after_earlier_cohorts(province_officer):
    programme = make_programme(
        province_officer, quotas={ALOR: 1, TTU: 2}, redistribute_surplus=False
    )
    add_cohort(
        user=province_officer,
        programme=programme,
        name="APBD TTU",
        payer_type="regency",
        payer_name="Pemkab TTU",
        funding_source="APBD",
        headcount=5,
        regency_code=TTU,
    )
    plans = plan(programme, {ALOR: 10, TTU: 10})
    assert plans[("APBD TTU", TTU)].quota == 5
    assert plans[("APBD Provinsi", TTU)].quota == 2
