import pytest

from lindungi.accounts.testing import acting_officer
from lindungi.audit.models import AuditEvent
from lindungi.contributions.billing import bill_month
from lindungi.contributions.budget import (
    add_appropriation,
    amend_appropriation,
    appropriated,
    budget_overview,
    forecast,
    scenario,
)
from lindungi.contributions.models import Appropriation, Payer
from lindungi.contributions.tests.conftest import enroll
from lindungi.core.dates import Month
from lindungi.core.errors import InvalidInput

MONTHLY = 100_000 * 16_800  # Rp1.68 billion: the NTT 2025 programme


def test_budget_lasts_to_december():
    result = forecast(
        remaining=10_080_000_000 - 3 * MONTHLY,
        monthly_cost=MONTHLY,
        per_person_cost=16_800,
        next_month=Month(2025, 10),
    )
    assert (result.months_left, result.guaranteed_until, result.runs_out_in) == (
        3,
        Month(2025, 12),
        None,
    )
    assert result.max_headcount == 100_000


def test_budget_runs_out_at_a_higher_headcount():
    monthly = 120_000 * 16_800
    result = forecast(
        remaining=5_040_000_000,
        monthly_cost=monthly,
        per_person_cost=16_800,
        next_month=Month(2025, 10),
    )
    # 5.04 billion / 2.016 billion = 2.5 months: October and November, not December.
    assert (result.guaranteed_until, result.runs_out_in) == (Month(2025, 11), Month(2025, 12))
    assert result.max_headcount == 100_000


def test_budget_that_cannot_pay_the_next_month():
    result = forecast(
        remaining=1_000, monthly_cost=16_800, per_person_cost=16_800, next_month=Month(2026, 1)
    )
    assert (result.guaranteed_until, result.runs_out_in, result.max_headcount) == (
        Month(2025, 12),
        Month(2026, 1),
        0,
    )


def test_scenario_2026_plan():
    result = scenario(
        headcount=50_000, months=12, monthly_contribution=16_800, shares=[("Provinsi NTT", 10_000)]
    )
    assert result.per_month == {"Provinsi NTT": 840_000_000}
    assert result.total == 10_080_000_000


def test_scenario_shares_add_up_exactly():
    result = scenario(
        headcount=7,
        months=5,
        monthly_contribution=16_800,
        shares=[("Provinsi", 6_667), ("Kabupaten", 3_333)],
    )
    assert result.per_month == {"Provinsi": 78_404, "Kabupaten": 39_196}
    assert sum(result.per_month.values()) == 7 * 16_800
    assert result.total == 5 * 7 * 16_800


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"headcount": -1, "months": 1, "shares": [("A", 10_000)]}, "invalid_scenario"),
        ({"headcount": 1, "months": 0, "shares": [("A", 10_000)]}, "invalid_scenario"),
        ({"headcount": 1, "months": 1, "shares": [("A", 5_000)]}, "shares_not_whole"),
    ],
)
def test_bad_scenarios_are_refused(kwargs, code):
    with pytest.raises(InvalidInput) as error:
        scenario(monthly_contribution=16_800, **kwargs)
    assert error.value.code == code


def test_appropriation_amendments_and_overview(cohort, province_officer):
    for _ in range(4):
        enroll(cohort)
    bill_month(user=acting_officer(), programme=cohort.programme, month=Month(2025, 7))
    bill_month(user=acting_officer(), programme=cohort.programme, month=Month(2025, 8))
    payer = Payer.objects.get()
    original = add_appropriation(
        payer=payer,
        fiscal_year=2025,
        account_code="5.1.02.01",
        amount=300_000,
        user=province_officer,
    )
    amend_appropriation(
        appropriation=original,
        change=-50_000,
        document_reference="APBD-P 2025",
        user=province_officer,
    )
    assert appropriated(payer=payer, fiscal_year=2025) == 250_000
    assert Appropriation.objects.get(pk=original.pk).amount == 300_000
    overview = budget_overview(payer=payer, fiscal_year=2025)
    assert (overview.billed, overview.remaining, overview.headcount) == (134_400, 115_600, 4)
    # 115,600 / 67,200 a month: September only.
    assert overview.forecast.guaranteed_until == Month(2025, 9)
    assert overview.forecast.runs_out_in == Month(2025, 10)
    assert overview.forecast.max_headcount == 115_600 // (16_800 * 4)
    assert overview.burn_down[6] == ("Juli 2025", 67_200, 250_000 - 67_200)
    assert AuditEvent.objects.filter(action__startswith="contributions.appropriation").count() == 2


def test_refused_appropriations_change_nothing(cohort, province_officer):
    payer = Payer.objects.create(payer_type="province", name="Pemprov")
    original = add_appropriation(
        user=acting_officer(), payer=payer, fiscal_year=2025, account_code="X", amount=100
    )
    for call, code in (
        (
            lambda: add_appropriation(
                user=acting_officer(), payer=payer, fiscal_year=2025, account_code="X", amount=5
            ),
            "duplicate_appropriation",
        ),
        (
            lambda: add_appropriation(
                user=acting_officer(), payer=payer, fiscal_year=2025, account_code=" ", amount=5
            ),
            "account_required",
        ),
        (
            lambda: amend_appropriation(
                user=acting_officer(), appropriation=original, change=-101, document_reference="P"
            ),
            "negative_budget",
        ),
        (
            lambda: amend_appropriation(
                user=acting_officer(), appropriation=original, change=0, document_reference="P"
            ),
            "zero_change",
        ),
    ):
        with pytest.raises(InvalidInput) as error:
            call()
        assert error.value.code == code
    assert list(Appropriation.objects.values_list("amount", flat=True)) == [100]
