"""Periods and criteria: everything that scores is data of a period."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from lindungi.audit.models import AuditEvent
from lindungi.awards import services
from lindungi.awards.choices import CategoryKind, ComputedIndicator, IndicatorKind, PeriodStatus
from lindungi.awards.models import AssessmentPeriod, Criterion
from lindungi.core.errors import InvalidInput, InvalidTransition

from .conftest import criteria_rows, regency_category

pytestmark = pytest.mark.django_db


def _criteria(category):
    return list(category.criteria.values_list("code", "weight", "scale_min", "scale_max"))


def test_weights_that_do_not_add_up_to_100_are_refused_and_nothing_changes(
    period, province_officer
):
    category = regency_category(period)
    before = _criteria(category)
    with pytest.raises(InvalidInput) as refused:
        services.set_criteria(
            user=province_officer,
            category=category,
            rows=criteria_rows(regulation_weight="35"),
        )
    assert refused.value.code == "criteria"
    assert "105 %" in refused.value.message
    assert _criteria(category) == before


def test_weights_under_100_are_refused_too(period, province_officer):
    with pytest.raises(InvalidInput, match=r"99\.5 %"):
        services.set_criteria(
            user=province_officer,
            category=regency_category(period),
            rows=criteria_rows(regulation_weight="29.5"),
        )


def test_weights_with_decimals_that_add_up_are_accepted(period, province_officer):
    rows = criteria_rows(regulation_weight="29.50")
    rows[3] = services.CriterionInput(
        code="wawancara",
        name="Wawancara",
        weight="20,50",
        scale_min=0,
        scale_max=100,
        kind=IndicatorKind.INTERVIEW,
    )
    services.set_criteria(user=province_officer, category=regency_category(period), rows=rows)
    assert services.weights_total(regency_category(period)) == Decimal("100.00")


def test_a_scale_whose_top_is_not_above_its_bottom_is_refused(period, province_officer):
    rows = criteria_rows()
    rows[0] = services.CriterionInput(
        code="regulasi",
        name="Regulasi",
        weight="30",
        scale_min=5,
        scale_max=5,
        kind=IndicatorKind.ENTERED,
    )
    with pytest.raises(InvalidInput, match="nilai tertinggi harus di atas nilai terendah"):
        services.set_criteria(user=province_officer, category=regency_category(period), rows=rows)


def test_a_computed_criterion_must_name_its_figure_and_belong_to_a_regency(
    period, province_officer
):
    village = period.categories.get(kind=CategoryKind.VILLAGE)
    row = services.CriterionInput(
        code="cakupan",
        name="Cakupan",
        weight="100",
        scale_min=0,
        scale_max=100,
        kind=IndicatorKind.COMPUTED,
        computed=ComputedIndicator.COVERAGE_OF_POOR,
    )
    with pytest.raises(InvalidInput, match="hanya menghitung angka untuk pemerintah"):
        services.set_criteria(user=province_officer, category=village, rows=[row])
    unnamed = services.CriterionInput(
        code="cakupan",
        name="Cakupan",
        weight="100",
        scale_min=0,
        scale_max=100,
        kind=IndicatorKind.COMPUTED,
    )
    with pytest.raises(InvalidInput, match="pilih angka yang dihitung"):
        services.set_criteria(
            user=province_officer, category=regency_category(period), rows=[unnamed]
        )
    assert not village.criteria.exists()


def test_a_code_used_twice_is_refused(period, province_officer):
    rows = criteria_rows()
    rows[1] = services.CriterionInput(
        code="regulasi",
        name="Lagi",
        weight="25",
        scale_min=0,
        scale_max=100,
        kind=IndicatorKind.ENTERED,
    )
    with pytest.raises(InvalidInput, match="dipakai dua kali"):
        services.set_criteria(user=province_officer, category=regency_category(period), rows=rows)


def test_copying_last_years_criteria_into_a_new_period_is_one_action(period, province_officer):
    copy = services.copy_period(user=province_officer, source=period, year=2026)
    assert copy.status == PeriodStatus.DRAFT
    assert copy.score_rule == period.score_rule
    assert copy.signatory_title == "Sekretaris Daerah Provinsi NTT"
    assert sorted(copy.categories.values_list("kind", flat=True)) == sorted(
        period.categories.values_list("kind", flat=True)
    )
    assert _criteria(regency_category(copy)) == _criteria(regency_category(period))
    assert Criterion.objects.filter(category__period=copy).count() == 4
    assert AuditEvent.objects.filter(action="awards.copy_period").count() == 1


def test_copying_into_a_year_that_exists_is_refused_and_changes_nothing(period, province_officer):
    services.copy_period(user=province_officer, source=period, year=2026)
    criteria = Criterion.objects.count()
    with pytest.raises(InvalidInput, match="sudah ada"):
        services.copy_period(user=province_officer, source=period, year=2026)
    assert Criterion.objects.count() == criteria
    assert AssessmentPeriod.objects.count() == 2


def test_a_period_opens_only_when_every_category_adds_up_to_100(period, province_officer):
    # The village category has no criteria yet.
    with pytest.raises(InvalidInput, match="tidak 100"):
        services.advance_period(user=province_officer, period=period, to=PeriodStatus.OPEN)
    period.refresh_from_db()
    assert period.status == PeriodStatus.DRAFT


def test_criteria_are_fixed_once_the_review_starts(open_period, province_officer):
    services.advance_period(user=province_officer, period=open_period, to=PeriodStatus.REVIEW)
    with pytest.raises(InvalidTransition):
        services.set_criteria(
            user=province_officer, category=regency_category(open_period), rows=criteria_rows()
        )


def test_only_the_province_manages_periods(regency_officer, auditor, panel_users):
    for user in (regency_officer, auditor, panel_users[0]):
        with pytest.raises(PermissionDenied):
            services.create_period(user=user, year=2030)
    assert not AssessmentPeriod.objects.exists()


def test_adding_every_regency_twice_adds_them_once(open_period, province_officer):
    category = regency_category(open_period)
    assert services.add_all_regencies(user=province_officer, category=category) == 22
    assert services.add_all_regencies(user=province_officer, category=category) == 0
    assert category.entries.count() == 22


def test_a_village_entry_must_lie_in_its_regency(open_period, province_officer):
    village = open_period.categories.get(kind=CategoryKind.VILLAGE)
    entry = services.add_entry(
        user=province_officer, category=village, regency_code="53.04", village_code="53.04.02.2007"
    )
    assert entry.name == "Desa Dafala"
    with pytest.raises(InvalidInput, match="tidak berada di"):
        services.add_entry(
            user=province_officer,
            category=village,
            regency_code="53.05",
            village_code="53.04.02.2007",
        )
