from datetime import date

import pytest

from lindungi.core.dates import Month
from lindungi.core.errors import InvalidInput
from lindungi.programs.choices import Package
from lindungi.programs.models import RateRule
from lindungi.programs.rates import (
    Contribution,
    ContributionKey,
    contributions_for_groups,
    monthly_contribution,
)

pytestmark = pytest.mark.django_db


def contribution(
    month, *, package=Package.JKK_JKM, basis=1_000_000, sector="other", funding="APBD"
):
    return monthly_contribution(
        package=package, basis=basis, month=month, sector=sector, funding_source=funding
    )


def test_government_cohort_pays_16800():
    assert contribution(Month(2025, 7)) == Contribution(jkk=10_000, jkm=6_800, jht=0)
    assert contribution(Month(2025, 7)).total == 16_800


def test_jht_adds_two_percent_to_36800():
    result = contribution(Month(2025, 7), package=Package.JKK_JKM_JHT, funding="self")
    assert result == Contribution(jkk=10_000, jkm=6_800, jht=20_000)
    assert result.total == 36_800


def test_self_paying_ojek_rider_is_halved_in_february_2026():
    result = contribution(Month(2026, 2), sector="transport", funding="self")
    assert result == Contribution(jkk=5_000, jkm=3_400, jht=0)
    assert result.total == 8_400


def test_apbd_funded_ojek_rider_pays_full_rate_in_february_2026():
    assert contribution(Month(2026, 2), sector="transport", funding="APBD").total == 16_800
    assert contribution(Month(2026, 2), sector="transport", funding="APBN").total == 16_800


def test_other_sectors_are_halved_only_from_april_2026():
    assert contribution(Month(2026, 3), sector="other", funding="CSR").total == 16_800
    assert contribution(Month(2026, 4), sector="other", funding="CSR").total == 8_400
    assert contribution(Month(2026, 12), sector="other", funding="CSR").total == 8_400
    assert contribution(Month(2027, 1), sector="other", funding="CSR").total == 16_800


def test_transport_discount_ends_after_march_2027():
    assert contribution(Month(2027, 3), sector="transport", funding="self").total == 8_400
    assert contribution(Month(2027, 4), sector="transport", funding="self").total == 16_800


def test_jht_is_not_discounted():
    result = contribution(
        Month(2026, 2), package=Package.JKK_JKM_JHT, sector="transport", funding="self"
    )
    assert result == Contribution(jkk=5_000, jkm=3_400, jht=20_000)


def test_august_2020_relief_leaves_one_percent():
    result = contribution(Month(2020, 8), funding="APBD")
    assert result == Contribution(jkk=100, jkm=68, jht=0)
    assert result.total == 168
    with_jht = contribution(Month(2021, 1), package=Package.JKK_JKM_JHT, funding="self")
    assert with_jht == Contribution(jkk=100, jkm=68, jht=20_000)
    assert contribution(Month(2020, 7)).total == 16_800
    assert contribution(Month(2021, 2)).total == 16_800


def test_higher_basis_scales_jkk_and_jht_and_rounds_half_up():
    assert contribution(Month(2025, 7), basis=20_700_000).jkk == 207_000
    # 1% of 1,000,050 is 10,000.5: rounded half up.
    assert contribution(Month(2025, 7), basis=1_000_050).jkk == 10_001
    # Halved 10,001 is 5,000.5: rounded half up once, at the end.
    assert contribution(Month(2026, 4), basis=1_000_100, funding="self").jkk == 5_001


def test_missing_base_rate_is_refused():
    RateRule.objects.filter(component="JKM").delete()
    with pytest.raises(InvalidInput) as error:
        contribution(Month(2025, 7))
    assert error.value.code == "rate_table_incomplete"


def test_non_positive_basis_is_refused():
    with pytest.raises(InvalidInput):
        contribution(Month(2025, 7), basis=0)


def test_group_variant_matches_single_calls(django_assert_num_queries):
    keys = [
        ContributionKey(Package.JKK_JKM, 1_000_000, "transport", "self"),
        ContributionKey(Package.JKK_JKM, 1_000_000, "transport", "APBD"),
        ContributionKey(Package.JKK_JKM_JHT, 2_000_000, "other", "CSR"),
    ]
    with django_assert_num_queries(1):
        result = contributions_for_groups(month=Month(2026, 2), keys=keys * 3)
    assert {key: value.total for key, value in result.items()} == {
        keys[0]: 8_400,
        keys[1]: 16_800,
        keys[2]: 20_000 + 6_800 + 40_000,
    }


def test_seeded_rules_cite_their_regulation():
    assert RateRule.objects.count() == 9
    assert set(RateRule.objects.values_list("legal_basis", flat=True).distinct()) == {
        rule.legal_basis for rule in RateRule.objects.all()
    }
    assert (
        RateRule.objects.filter(effective_from=date(2026, 1, 1), only_sector="transport").count()
        == 2
    )
