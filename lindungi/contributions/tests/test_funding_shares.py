"""Payers as records and funding shares month by month (issue 13, point 2)."""

from datetime import date

import pytest

from lindungi.audit.models import AuditEvent
from lindungi.contributions.billing import bill_month
from lindungi.contributions.models import Appropriation, Invoice, InvoiceLine
from lindungi.contributions.tests.conftest import enroll
from lindungi.core.dates import Month
from lindungi.core.errors import InvalidInput, InvalidTransition
from lindungi.programs.choices import FundingSource, PayerType
from lindungi.programs.funding import ShareSpec, find_or_create_payer, set_funding_shares
from lindungi.programs.models import FundingShare, Payer
from lindungi.programs.services import add_cohort

pytestmark = pytest.mark.django_db


def _payer(kind, name, source=FundingSource.APBD, regency=None):
    return find_or_create_payer(
        payer_type=kind, name=name, funding_source=source, regency_code=regency, province_code="53"
    )


def test_a_typo_in_a_government_payer_is_the_same_payer(programme, province_officer):
    # The old defect: a payer was its name text, so a second spelling was a second payer
    # with its own invoices and budget.
    first = add_cohort(
        user=province_officer,
        programme=programme,
        name="A",
        payer_type=PayerType.PROVINCE,
        payer_name="Pemerintah Provinsi NTT",
        funding_source=FundingSource.APBD,
        headcount=10,
    )
    second = add_cohort(
        user=province_officer,
        programme=programme,
        name="B",
        payer_type=PayerType.PROVINCE,
        payer_name="Pemerintah Provinsi Nusa Tenggara Timur",
        funding_source=FundingSource.APBD,
        headcount=10,
    )
    assert Payer.objects.count() == 1
    assert first.funding_shares.get().payer == second.funding_shares.get().payer
    for cohort in (first, second):
        enroll(cohort)
    result = bill_month(programme=programme, month=Month(2025, 8), user=province_officer)
    assert len(result.created) == 1


def test_shares_that_do_not_add_up_to_100_percent_are_refused(programme, province_officer):
    province = _payer(PayerType.PROVINCE, "Pemprov NTT")
    alor = _payer(PayerType.REGENCY, "Pemkab Alor", regency="53.05")
    with pytest.raises(InvalidInput) as error:
        add_cohort(
            user=province_officer,
            programme=programme,
            name="Bersama",
            headcount=10,
            shares=[ShareSpec(province, 7_000), ShareSpec(alor, 2_000)],
        )
    assert error.value.code == "shares_not_whole"
    assert "90" in error.value.message
    assert not programme.cohorts.exists()
    assert not FundingShare.objects.exists()


def test_three_payers_split_every_line_exactly(programme, province_officer):
    province = _payer(PayerType.PROVINCE, "Pemprov NTT")
    alor = _payer(PayerType.REGENCY, "Pemkab Alor", regency="53.05")
    village = _payer(PayerType.VILLAGE, "Desa Kalabahi", FundingSource.VILLAGE_FUND)
    cohort = add_cohort(
        user=province_officer,
        programme=programme,
        name="Tiga pembayar",
        headcount=10,
        shares=[ShareSpec(province, 3_333), ShareSpec(alor, 3_333), ShareSpec(village, 3_334)],
    )
    for _ in range(7):
        enroll(cohort)
    result = bill_month(programme=programme, month=Month(2025, 8), user=province_officer)
    assert len(result.created) == 3
    # 7 x Rp16,800 = Rp117,600 split three ways, parts adding up to the rupiah.
    assert sum(invoice.total for invoice in result.created) == 117_600
    # Per component, largest remainder: JKK 70,000 -> 23,331 / 23,331 / 23,338 and
    # JKM 47,600 -> 15,865 / 15,865 / 15,870.
    totals = {invoice.payer.pk: invoice.total for invoice in result.created}
    assert totals == {province.pk: 39_196, alor.pk: 39_196, village.pk: 39_208}


def test_a_regency_takes_over_half_from_july_and_billing_follows(programme, province_officer):
    province = _payer(PayerType.PROVINCE, "Pemprov NTT")
    alor = _payer(PayerType.REGENCY, "Pemkab Alor", regency="53.05")
    cohort = add_cohort(
        user=province_officer,
        programme=programme,
        name="Provinsi",
        headcount=10,
        shares=[ShareSpec(province, 10_000)],
    )
    for _ in range(4):
        enroll(cohort)
    bill_month(programme=programme, month=Month(2025, 7), user=province_officer)
    set_funding_shares(
        user=province_officer,
        cohort=cohort,
        from_month=Month(2025, 9),
        shares=[ShareSpec(province, 5_000), ShareSpec(alor, 5_000)],
    )
    assert AuditEvent.objects.filter(action="programs.funding_shares_set").count() == 1
    august = bill_month(programme=programme, month=Month(2025, 8), user=province_officer)
    september = bill_month(programme=programme, month=Month(2025, 9), user=province_officer)
    assert [(i.payer, i.total) for i in august.created] == [(province, 67_200)]
    assert sorted((i.payer.pk, i.total) for i in september.created) == sorted(
        [(province.pk, 33_600), (alor.pk, 33_600)]
    )
    line = InvoiceLine.objects.get(invoice__payer=alor)
    assert (line.share_bp, line.headcount) == (5_000, 4)


def test_shares_of_a_billed_month_cannot_change(programme, province_officer):
    province = _payer(PayerType.PROVINCE, "Pemprov NTT")
    alor = _payer(PayerType.REGENCY, "Pemkab Alor", regency="53.05")
    cohort = add_cohort(
        user=province_officer,
        programme=programme,
        name="Provinsi",
        headcount=10,
        shares=[ShareSpec(province, 10_000)],
    )
    enroll(cohort)
    bill_month(programme=programme, month=Month(2025, 8), user=province_officer)
    with pytest.raises(InvalidTransition) as error:
        set_funding_shares(
            user=province_officer,
            cohort=cohort,
            from_month=Month(2025, 8),
            shares=[ShareSpec(province, 5_000), ShareSpec(alor, 5_000)],
        )
    assert error.value.code == "month_already_billed"
    assert list(cohort.funding_shares.values_list("payer", "share_bp")) == [(province.pk, 10_000)]
    assert Invoice.objects.count() == 1


def test_pp50_discount_reaches_the_csr_share_but_not_the_apbd_share(province_officer):
    from lindungi.programs.services import create_programme

    programme = create_programme(
        user=province_officer,
        name="NTT 2026",
        year=2026,
        coverage_start=date(2026, 1, 1),
        coverage_end=date(2026, 12, 31),
        target_headcount=10,
        province_code="53",
    )
    province = _payer(PayerType.PROVINCE, "Pemprov NTT")
    company = _payer(PayerType.CSR_COMPANY, "PT Contoh", FundingSource.CSR)
    cohort = add_cohort(
        user=province_officer,
        programme=programme,
        name="Bersama",
        headcount=10,
        shares=[ShareSpec(province, 5_000), ShareSpec(company, 5_000)],
    )
    for _ in range(2):
        enroll(cohort, start=date(2026, 1, 1))
    april = bill_month(programme=programme, month=Month(2026, 4), user=province_officer)
    totals = {invoice.payer.pk: invoice.total for invoice in april.created}
    # Half of 2 x Rp16,800 for the province; half of 2 x Rp8,400 for the company.
    assert totals == {province.pk: 16_800, company.pk: 8_400}


def test_the_budget_forecast_follows_the_shares_month_by_month(cohort, province_officer):
    # Alor takes over half of the cohort from October: the province's remaining budget, enough
    # for September at the full cost and October-December at half, lasts to December. The
    # forecast used to project the latest month's full cost and saw it run out in November.
    from lindungi.contributions.budget import add_appropriation, budget_overview

    programme = cohort.programme
    for _person in range(10):
        enroll(cohort)
    for month in (Month(2025, 7), Month(2025, 8)):
        bill_month(programme=programme, month=month, user=province_officer)
    province = cohort.funding_shares.get().payer
    alor = _payer(PayerType.REGENCY, "Pemkab Alor", regency="53.05")
    set_funding_shares(
        user=province_officer,
        cohort=cohort,
        from_month=Month(2025, 10),
        shares=[ShareSpec(province, 5_000), ShareSpec(alor, 5_000)],
    )
    billed = sum(Invoice.objects.filter(payer=province).values_list("total", flat=True))
    full = 10 * 16_800
    add_appropriation(
        payer=province,
        fiscal_year=2025,
        account_code="5.1.02.01.01.0024",
        amount=billed + full + 3 * full // 2,
        user=province_officer,
    )
    result = budget_overview(payer=province, fiscal_year=2025).forecast
    assert (result.guaranteed_until, result.runs_out_in) == (Month(2025, 12), None)
    # One rupiah less and December is no longer paid for.
    Appropriation.objects.filter(payer=province).update(amount=billed + full + 3 * full // 2 - 1)
    result = budget_overview(payer=province, fiscal_year=2025).forecast
    assert (result.guaranteed_until, result.runs_out_in) == (Month(2025, 11), Month(2025, 12))
