import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lindungi.accounts.testing import acting_officer
from lindungi.contributions.billing import bill_month
from lindungi.contributions.tests.conftest import TTU_VILLAGE, enroll
from lindungi.core.dates import Month
from lindungi.enrollment.models import Enrollment


@pytest.fixture
def invoice(cohort):
    enroll(cohort)
    enroll(cohort)
    enroll(cohort, village=TTU_VILLAGE)
    return bill_month(
        user=acting_officer(), programme=cohort.programme, month=Month(2025, 7)
    ).created[0]


def test_province_officer_sees_the_whole_invoice(client, province_officer, invoice):
    client.force_login(province_officer)
    page = client.get(reverse("contributions:invoice", args=[invoice.pk]))
    assert page.status_code == 200
    assert page.context["invoice"].visible_total == 50_400
    assert [line.regency_id for line in page.context["lines"]] == ["53.03", "53.05"]
    pdf = client.get(reverse("contributions:invoice_pdf", args=[invoice.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_regency_officer_sees_only_their_regency_share(client, regency_officer, invoice):
    client.force_login(regency_officer)
    listing = client.get(reverse("contributions:invoices"))
    assert [i.visible_total for i in listing.context["invoices"]] == [33_600]
    page = client.get(reverse("contributions:invoice", args=[invoice.pk]))
    assert [line.regency_id for line in page.context["lines"]] == ["53.05"]
    assert page.context["invoice"].visible_total == 33_600
    assert client.get(reverse("contributions:invoice_pdf", args=[invoice.pk])).status_code == 403
    response = client.get(reverse("contributions:invoice_xlsx", args=[invoice.pk]))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "NIK"
    alor = Enrollment.objects.filter(regency_id="53.05").order_by("pk")
    # NIK, KPJ and name are joined from the enrollment and the registry.
    assert [row[:3] for row in rows[1:]] == [
        (e.person.nik, e.kpj, e.person.full_name) for e in alor
    ]
    assert [row[3] for row in rows[1:]] == ["53.05", "53.05"]
    assert [row[10] for row in rows[1:]] == [16_800, 16_800]


def test_officer_of_a_regency_without_lines_cannot_open_the_invoice(client, invoice):
    from lindungi.accounts.models import User
    from lindungi.core.roles import Role

    sikka = User.objects.create(username="sikka", role=Role.REGENCY_OFFICER, regency_id="53.10")
    client.force_login(sikka)
    assert list(client.get(reverse("contributions:invoices")).context["invoices"]) == []
    assert client.get(reverse("contributions:invoice", args=[invoice.pk])).status_code == 404


def test_insurer_liaison_may_not_see_money(client, insurer_liaison, invoice):
    client.force_login(insurer_liaison)
    assert client.get(reverse("contributions:invoices")).status_code == 403


def test_payment_form_date_defaults_to_today_in_iso_for_the_date_picker(
    client, province_officer, invoice
):
    """The browser's date input takes only ISO dates: "03-12-2026" left it empty."""
    from django.utils import timezone

    client.force_login(province_officer)
    html = client.get(reverse("contributions:invoice", args=[invoice.pk])).content.decode()
    today = timezone.localdate().isoformat()
    assert f'type="date" name="paid_on" value="{today}"' in html
