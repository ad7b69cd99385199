"""Benefits on the dashboards, the monthly report, the map and the public page."""

import datetime

import pytest
from django.urls import reverse

from lindungi.benefits.choices import ClaimKind
from lindungi.benefits.importing import import_claims
from lindungi.benefits.tests.conftest import (
    TODAY,
    TTU_VILLAGE,
    bill_and_pay,
    claim_file,
    claim_row,
    enroll,
    make_programme,
)
from lindungi.core.dates import Month
from lindungi.reports.benefits import dashboard_impact, public_impact
from lindungi.reports.monthly import build_monthly_report

SEPTEMBER = Month(2025, 9)


def _jkm(enrollment, number: str, day: str = "2025-09-10") -> list[str]:
    common = {
        "NOMOR_KLAIM": number,
        "NIK": enrollment.person.nik,
        "JENIS_KLAIM": "JKM",
        "TANGGAL_KEJADIAN": day,
        "STATUS": "dibayar",
        "TANGGAL_BAYAR": "2025-10-01",
    }
    return [
        claim_row(**common, MANFAAT=item, JUMLAH_DIAJUKAN=str(amount), JUMLAH_DIBAYAR=str(amount))
        for item, amount in (
            ("jkm_lump_sum", 20_000_000),
            ("jkm_periodic", 12_000_000),
            ("funeral", 10_000_000),
        )
    ]


@pytest.fixture
def claims(db, insurer_liaison):
    cohort = make_programme(2025, datetime.date(2025, 7, 18), datetime.date(2025, 12, 31))
    alor = [enroll(cohort) for _ in range(12)]
    ttu = [enroll(cohort, village=TTU_VILLAGE) for _ in range(2)]
    bill_and_pay(cohort.programme, Month(2025, 7), Month(2025, 10))
    rows = []
    for index, enrollment in enumerate(alor + ttu):
        rows += _jkm(enrollment, f"K-{index}")
    # One JKK treatment in October: a single family, hidden on the public page.
    rows.append(
        claim_row(
            NOMOR_KLAIM="K-JKK",
            NIK=alor[0].person.nik,
            JENIS_KLAIM="JKK",
            AKIBAT="pengobatan",
            TANGGAL_KEJADIAN="2025-10-02",
            STATUS="dibayar",
            MANFAAT="pengobatan",
            JUMLAH_DIAJUKAN="1500000",
            JUMLAH_DIBAYAR="1500000",
        )
    )
    result = import_claims(
        user=insurer_liaison, file_name="k.csv", content=claim_file(*rows), today=TODAY
    )
    assert result.rows_rejected == 0
    return cohort.programme


def test_dashboard_panel_counts_families_and_amounts_by_kind_and_month(claims, province_officer):
    panel = dashboard_impact(user=province_officer)
    assert (panel.families, panel.paid) == (15, 14 * 42_000_000 + 1_500_000)
    assert [(line.label, line.families, line.paid) for line in panel.by_month] == [
        ("September 2025", 14, 14 * 42_000_000),
        ("Oktober 2025", 1, 1_500_000),
    ]


def test_regency_officer_sees_their_regencys_impact_only(claims, regency_officer):
    panel = dashboard_impact(user=regency_officer)
    assert (panel.families, panel.paid) == (13, 12 * 42_000_000 + 1_500_000)


def test_monthly_report_shows_families_and_benefits_per_regency(claims, province_officer):
    report = build_monthly_report(user=province_officer, programme=claims, month=SEPTEMBER)
    rows = {row.code: (row.families, row.benefits_paid) for row in report.rows}
    assert rows["53.05"] == (12, 12 * 42_000_000)
    assert rows["53.03"] == (2, 2 * 42_000_000)
    assert report.total("families") == 14


def test_public_page_hides_small_counts_and_their_amounts(claims, client):
    panel = public_impact()
    assert (panel.families, panel.paid) == (15, 14 * 42_000_000 + 1_500_000)
    by_kind = {line.label: (line.families, line.paid) for line in panel.by_kind}
    assert by_kind[str(ClaimKind.JKM_DEATH.label)] == (14, 14 * 42_000_000)
    assert by_kind[str(ClaimKind.JKK_ACCIDENT.label)] == (None, None)
    page = client.get(reverse("reports:public")).content.decode()
    assert "Rp588.000.000" in page
    assert "Rp1.500.000" not in page


def test_dashboard_page_and_map_data_carry_the_impact(claims, client, province_officer):
    client.force_login(province_officer)
    response = client.get(reverse("reports:dashboard"), {"programme": claims.pk})
    assert response.status_code == 200
    assert response.context["map_data"]["53.05"]["families"] == 13
    assert response.context["map_data"]["53.03"]["benefits_paid"] == 84_000_000


def test_monthly_report_page_and_files_render(claims, client, province_officer):
    client.force_login(province_officer)
    url = reverse("reports:monthly")
    assert client.get(url, {"programme": claims.pk, "month": "2025-09"}).status_code == 200
    for output in ("pdf", "xlsx"):
        response = client.get(url, {"programme": claims.pk, "month": "2025-09", "format": output})
        assert response.status_code == 200


@pytest.fixture(autouse=True)
def _dates():
    assert datetime.date(2025, 10, 2) < TODAY
