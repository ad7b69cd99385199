"""Each place is billed at its own sector's rate (issue 13, point 7): PP 50/2025 halves JKK +
JKM for the transport sector from January 2026 and for the other sectors from April 2026,
never for APBD/APBN-paid contributions (DOMAIN.md §2). Billing used to cost everyone as
"other", so a CSR-paid ojek rider was billed Rp16,800 in January-March 2026 instead of 8,400.
"""

import datetime

import pytest

from lindungi.contributions.billing import bill_month
from lindungi.contributions.models import InvoiceDetail
from lindungi.contributions.reconciliation import _scope
from lindungi.contributions.tests.conftest import enroll
from lindungi.core.dates import Month
from lindungi.programs.choices import FundingSource, PayerType, Sector
from lindungi.programs.funding import ShareSpec, find_or_create_payer, set_funding_shares
from lindungi.programs.tests.factories import CohortFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db
JANUARY = datetime.date(2026, 1, 1)


@pytest.fixture
def programme_2026(db):
    return ProgrammeFactory(year=2026)


def _billed(place, month):
    return list(
        InvoiceDetail.objects.filter(enrollment=place, service_month=month.first_day).values_list(
            "jkk", "jkm", "jht"
        )
    )


def test_a_csr_paid_transport_worker_is_billed_at_the_discount_from_january(
    programme_2026, province_officer
):
    csr = CohortFactory(
        programme=programme_2026,
        name="CSR",
        payer_type=PayerType.CSR_COMPANY,
        payer_name="PT Contoh",
        funding_source=FundingSource.CSR,
    )
    apbd = CohortFactory(programme=programme_2026, position=2)
    rider = enroll(csr, start=JANUARY, sector=Sector.TRANSPORT)
    farmer = enroll(csr, start=JANUARY, sector=Sector.OTHER)
    apbd_rider = enroll(apbd, start=JANUARY, sector=Sector.TRANSPORT)
    for month, rider_total, farmer_total in (
        (Month(2026, 1), 8_400, 16_800),  # transport discounted from January
        (Month(2026, 4), 8_400, 8_400),  # the other sectors from April
    ):
        bill_month(programme=programme_2026, month=month, user=province_officer)
        [(jkk, jkm, jht)] = _billed(rider, month)
        assert jkk + jkm + jht == rider_total
        [(jkk, jkm, jht)] = _billed(farmer, month)
        assert jkk + jkm + jht == farmer_total
        # APBD-paid: never discounted, whatever the sector.
        [(jkk, jkm, jht)] = _billed(apbd_rider, month)
        assert jkk + jkm + jht == 16_800


def test_reconciliation_expects_each_place_at_its_sector_and_the_months_shares(
    programme_2026, province_officer
):
    csr = CohortFactory(
        programme=programme_2026,
        name="CSR",
        payer_type=PayerType.CSR_COMPANY,
        payer_name="PT Contoh",
        funding_source=FundingSource.CSR,
    )
    scope = _scope(programme_2026, Month(2026, 2), None)
    assert scope.expected == {csr.pk: 16_800}
    assert scope.expected_transport == {csr.pk: 8_400}
    # From May the province takes over half of the cohort: APBD money is never discounted,
    # so the whole contribution expected is half at 16,800 and half at 8,400.
    company = csr.funding_shares.get().payer
    province = find_or_create_payer(
        payer_type=PayerType.PROVINCE,
        name="Pemerintah Provinsi NTT",
        funding_source=FundingSource.APBD,
        province_code="53",
    )
    set_funding_shares(
        user=province_officer,
        cohort=csr,
        from_month=Month(2026, 5),
        shares=[ShareSpec(company, 5_000), ShareSpec(province, 5_000)],
    )
    assert _scope(programme_2026, Month(2026, 4), None).expected == {csr.pk: 8_400}
    may = _scope(programme_2026, Month(2026, 5), None)
    assert (may.expected, may.expected_transport) == ({csr.pk: 12_600}, {csr.pk: 12_600})
    # A statement of the company alone is checked against the cohort it still shares.
    assert _scope(programme_2026, Month(2026, 5), company).expected == {csr.pk: 12_600}
