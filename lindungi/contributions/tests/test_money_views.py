"""Payments, arrears, reconciliation, budget and scenario pages: who may do what, and a
regency officer's view limited to their regency's share."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from lindungi.accounts.testing import acting_officer
from lindungi.contributions.billing import bill_month
from lindungi.contributions.budget import add_appropriation
from lindungi.contributions.models import (
    Appropriation,
    Payer,
    Payment,
    StatementImport,
    StatementLine,
)
from lindungi.contributions.payments import record_payment
from lindungi.contributions.tests.conftest import TTU_VILLAGE, enroll
from lindungi.core.dates import Month
from lindungi.jobs.models import Job
from lindungi.jobs.services import execute_job

JULY = Month(2025, 7)


@pytest.fixture
def invoice(cohort):
    # Two people in Alor (33,600) and one in TTU (16,800): Rp50,400.
    enroll(cohort)
    enroll(cohort)
    enroll(cohort, village=TTU_VILLAGE)
    return bill_month(user=acting_officer(), programme=cohort.programme, month=JULY).created[0]


def pay(client, invoice, **fields):
    data = {"paid_on": "2025-07-14", "amount": "10000", "bank_reference": "TRX-1", **fields}
    return client.post(reverse("contributions:record_payment", args=[invoice.pk]), data)


# Payments


def test_officer_records_a_payment_on_the_invoice_page(client, province_officer, invoice):
    client.force_login(province_officer)
    response = pay(client, invoice)
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.amount, payment.bank_reference, payment.recorded_by) == (
        10_000,
        "TRX-1",
        province_officer,
    )
    page = client.get(reverse("contributions:invoice", args=[invoice.pk]))
    balance = page.context["balance"]
    assert (balance.due, balance.paid, balance.outstanding) == (50_400, 10_000, 40_400)


def test_invalid_or_duplicate_payment_is_refused_and_nothing_recorded(
    client, province_officer, invoice
):
    client.force_login(province_officer)
    assert pay(client, invoice, amount="0").status_code == 400
    assert pay(client, invoice, amount="-5").status_code == 400
    assert pay(client, invoice, bank_reference="").status_code == 400
    assert Payment.objects.count() == 0
    pay(client, invoice)
    duplicate = pay(client, invoice)
    assert duplicate.status_code == 400
    assert "TRX-1" in duplicate.content.decode()
    assert Payment.objects.count() == 1


@pytest.mark.parametrize("persona", ["auditor", "regency_officer", "insurer_liaison"])
def test_only_payment_recorders_may_post_a_payment(client, request, persona, invoice):
    client.force_login(request.getfixturevalue(persona))
    assert pay(client, invoice).status_code in (403, 404)
    assert Payment.objects.count() == 0


def test_payment_list_shows_each_regency_only_its_share(
    client, province_officer, regency_officer, outsider, invoice
):
    record_payment(
        user=acting_officer(),
        invoice=invoice,
        paid_on=datetime.date(2025, 7, 14),
        amount=50_400,
        bank_reference="A",
    )
    url = reverse("contributions:payments")
    client.force_login(province_officer)
    assert [row.visible_amount for row in client.get(url).context["payments"]] == [50_400]
    client.force_login(regency_officer)
    assert [row.visible_amount for row in client.get(url).context["payments"]] == [33_600]
    client.force_login(outsider)
    assert [row.visible_amount for row in client.get(url).context["payments"]] == [16_800]


def test_regency_officer_sees_no_payments_of_invoices_without_their_lines(client, cohort):
    from lindungi.accounts.models import User
    from lindungi.core.roles import Role

    enroll(cohort)  # Alor only
    invoice = bill_month(user=acting_officer(), programme=cohort.programme, month=JULY).created[0]
    record_payment(
        user=acting_officer(),
        invoice=invoice,
        paid_on=datetime.date(2025, 7, 14),
        amount=16_800,
        bank_reference="A",
    )
    sikka = User.objects.create(username="sikka", role=Role.REGENCY_OFFICER, regency_id="53.10")
    client.force_login(sikka)
    assert client.get(reverse("contributions:payments")).context["payments"] == []


# Arrears


def test_arrears_aging_per_payer_and_regency_share(
    client, province_officer, regency_officer, outsider, invoice
):
    record_payment(
        user=acting_officer(),
        invoice=invoice,
        paid_on=datetime.date(2025, 7, 14),
        amount=10_000,
        bank_reference="A",
    )
    url = reverse("contributions:arrears") + "?as_of=2025-09-01"  # 48 days past 15 July
    client.force_login(province_officer)
    page = client.get(url)
    keys = [key for key, _label in page.context["buckets"]]
    ((row, amounts),) = page.context["rows"]
    assert row.payer.name == "Pemerintah Provinsi NTT"
    assert dict(zip(keys, amounts, strict=True)) == {
        "not_due": 0,
        "1_30": 0,
        "31_60": 40_400,
        "61_90": 0,
        "over_90": 0,
    }
    client.force_login(regency_officer)
    assert client.get(url).context["grand_total"] == 26_933  # 40,400 x 2/3
    client.force_login(outsider)
    assert client.get(url).context["grand_total"] == 13_467  # 40,400 x 1/3
    # Before the due date nothing is late yet.
    client.force_login(province_officer)
    early = client.get(reverse("contributions:arrears") + "?as_of=2025-07-10")
    assert early.context["totals"] == [40_400, 0, 0, 0, 0]


def test_arrears_refused_to_insurer_liaison(client, insurer_liaison, invoice):
    client.force_login(insurer_liaison)
    assert client.get(reverse("contributions:arrears")).status_code == 403


# Reconciliation


def statement_file(invoice, *, bad_kpj="=HYPERLINK(1)"):
    enrollments = list(invoice.details.order_by("enrollment_id").values_list("enrollment__kpj"))
    # A formula in the NIK cell of a matched row: kept as read, neutralised in exports.
    rows = "".join(
        f"{kpj};{'=HYPERLINK(2)' if i == 0 else ''};16800;2025-07\n"
        for i, (kpj,) in enumerate(enrollments[:2])
    )
    content = f"KPJ;NIK;Iuran;Periode\n{rows}{bad_kpj};;16800;2025-07\n"
    return SimpleUploadedFile("juli.csv", content.encode(), content_type="text/csv")


class Uploaded:
    """What the upload answered, and where the statement ended up once the job ran."""

    def __init__(self, response, location):
        self.status_code = response.status_code
        self.response = response
        self.location = location

    def __getitem__(self, name):
        return self.location if name == "Location" else self.response[name]


def upload(client, invoice):
    data = {"programme": invoice.programme_id, "month": "2025-07"}
    data["file"] = statement_file(invoice)
    response = client.post(reverse("contributions:statement_upload"), data)
    if response.status_code != 302:
        return Uploaded(response, None)
    # The upload queues a job; run it here as the worker would.
    job = Job.objects.latest("pk")
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    execute_job(job_id=job.pk)
    job.refresh_from_db()
    return Uploaded(response, job.result["result_url"] if job.result else None)


def test_upload_statement_and_read_the_report(client, province_officer, invoice):
    client.force_login(province_officer)
    response = client.post(
        reverse("contributions:statement_upload"),
        {"programme": invoice.programme_id, "month": "2025-07", "file": statement_file(invoice)},
    )
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert StatementImport.objects.count() == 0  # nothing until the worker runs it
    assert execute_job(job_id=job.pk) == "succeeded"
    job.refresh_from_db()
    statement = StatementImport.objects.get()
    assert job.result["result_url"] == reverse("contributions:statement", args=[statement.pk])
    assert (job.result["rows_read"], job.result["rows_rejected"]) == (3, 1)
    page = client.get(job.result["result_url"])
    summary = {
        row["category"]: (row["count"], row["insurer"], row["expected"])
        for row in page.context["summary"]
    }
    assert summary == {
        "matched": (2, 33_600, 33_600),
        "not_active_here": (0, 0, 0),
        "not_billed": (1, 0, 16_800),
        "amount_mismatch": (0, 0, 0),
        "": (3, 33_600, 50_400),
    }
    assert [row.code for row in page.context["rejected"]] == ["unknown_person"]
    # The rejected rows are in the page's body, once, and never inside its <title>.
    html = page.content.decode()
    title = html[html.index("<title>") : html.index("</title>")]
    assert "<table" not in title and "Baris ditolak" not in title
    assert html.count("<h2>Baris ditolak</h2>") == 1


def test_upload_refused_for_auditor_and_bad_month(client, auditor, province_officer, invoice):
    client.force_login(auditor)
    assert upload(client, invoice).status_code == 403
    client.force_login(province_officer)
    data = {"programme": invoice.programme_id, "month": "2025-13", "file": statement_file(invoice)}
    assert client.post(reverse("contributions:statement_upload"), data).status_code == 400
    assert StatementImport.objects.count() == 0


def test_regency_officer_sees_only_their_lines(
    client, province_officer, regency_officer, outsider, invoice
):
    client.force_login(province_officer)
    statement_url = upload(client, invoice)["Location"]
    client.force_login(regency_officer)
    lines = client.get(statement_url).context["lines"]
    assert {line.regency_id for line in lines} == {"53.05"}
    client.force_login(outsider)
    page = client.get(statement_url)
    assert {line.regency_id for line in page.context["lines"]} <= {"53.03"}
    assert page.context["summary"][-1]["count"] == len(page.context["lines"])
    export = client.get(statement_url + "ekspor.csv")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert {row[3] for row in rows[1:]} <= {"53.03"}


def test_resolve_a_line_with_a_note_and_auditor_cannot(client, province_officer, auditor, invoice):
    client.force_login(province_officer)
    assert upload(client, invoice).status_code == 302
    line = StatementLine.objects.get(category="not_billed")
    url = reverse("contributions:resolve_line", args=[line.statement_id, line.pk])
    client.force_login(auditor)
    assert client.post(url, {"note": "dicek"}).status_code == 403
    line.refresh_from_db()
    assert line.resolved is False
    client.force_login(province_officer)
    client.post(url, {"note": "  "})
    line.refresh_from_db()
    assert line.resolved is False
    assert client.post(url, {"note": "Peserta program lain"}).status_code == 302
    line.refresh_from_db()
    assert (line.resolved, line.resolution_note, line.resolved_by) == (
        True,
        "Peserta program lain",
        province_officer,
    )


def test_exports_are_formula_safe(client, province_officer, invoice):
    client.force_login(province_officer)
    statement_url = upload(client, invoice)["Location"]
    page = client.get(statement_url)
    # The formula is kept as read in the rejected row and shown escaped on the page.
    assert page.context["rejected"][0].kpj == "=HYPERLINK(1)"
    rows = list(csv.reader(io.StringIO(client.get(statement_url + "ekspor.csv").content.decode())))
    assert "'=HYPERLINK(2)" in [row[2] for row in rows]
    response = client.get(statement_url + "ekspor.xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    niks = [row[2] for row in workbook.active.iter_rows(values_only=True)]
    assert "'=HYPERLINK(2)" in niks
    assert client.get(statement_url + "ekspor.exe").status_code == 404


# Budgets


def test_budget_page_with_forecast(client, province_officer, invoice):
    payer = invoice.payer
    add_appropriation(
        user=acting_officer(), payer=payer, fiscal_year=2025, account_code="5.1.02", amount=151_200
    )
    client.force_login(province_officer)
    page = client.get(reverse("contributions:budgets") + "?year=2025")
    ((overview, chart, _chart_id),) = page.context["overviews"]
    assert (overview.appropriated, overview.billed, overview.remaining) == (
        151_200,
        50_400,
        100_800,
    )
    # Rp50,400 a month: August and September are paid for, October is not.
    assert str(overview.forecast.guaranteed_until) == "2025-09"
    (line,) = chart["datasets"]
    assert line["data"][6:10] == [100_800, 50_400, 0, -50_400]
    assert line["dashed"][6:8] == [False, True]


def test_record_budget_and_amendment(client, province_officer, invoice):
    client.force_login(province_officer)
    data = {
        "payer": invoice.payer_id,
        "fiscal_year": 2025,
        "account_code": "5.1.02",
        "amount": 1_000_000,
    }
    assert client.post(reverse("contributions:appropriation_add"), data).status_code == 302
    original = Appropriation.objects.get()
    amend = {"appropriation": original.pk, "change": -200_000, "document_reference": "APBD-P"}
    assert client.post(reverse("contributions:appropriation_amend"), amend).status_code == 302
    assert sorted(Appropriation.objects.values_list("amount", flat=True)) == [-200_000, 1_000_000]
    # Below zero is refused and nothing is written.
    amend["change"] = -900_000
    assert client.post(reverse("contributions:appropriation_amend"), amend).status_code == 400
    assert Appropriation.objects.count() == 2


def test_auditor_cannot_post_a_budget(client, auditor, invoice):
    client.force_login(auditor)
    data = {"payer": invoice.payer_id, "fiscal_year": 2025, "account_code": "X", "amount": 1}
    assert client.post(reverse("contributions:appropriation_add"), data).status_code == 403
    assert client.get(reverse("contributions:budgets")).status_code == 200
    assert Appropriation.objects.count() == 0


def test_regency_officer_sees_only_their_regency_budget(client, regency_officer, outsider, db):
    alor = Payer.objects.create(payer_type="regency", name="Pemkab Alor", regency_id="53.05")
    province = Payer.objects.create(payer_type="province", name="Pemprov NTT")
    add_appropriation(
        user=acting_officer(), payer=alor, fiscal_year=2026, account_code="A", amount=5
    )
    add_appropriation(
        user=acting_officer(), payer=province, fiscal_year=2026, account_code="P", amount=7
    )
    url = reverse("contributions:budgets") + "?year=2026"
    client.force_login(regency_officer)
    page = client.get(url)
    assert [a.payer.name for a in page.context["appropriations"]] == ["Pemkab Alor"]
    client.force_login(outsider)
    page = client.get(url)
    assert list(page.context["appropriations"]) == []
    assert page.context["overviews"] == []


# Scenario


def test_scenario_costs_the_2026_plan(client, auditor):
    client.force_login(auditor)
    params = {"headcount": 50_000, "months": 12, "monthly_contribution": 16_800}
    page = client.get(reverse("contributions:scenario"), {**params, "first_payer": "Provinsi"})
    assert page.context["result"].total == 10_080_000_000
    assert page.context["rows"] == [("Provinsi", 840_000_000, 10_080_000_000)]
    shared = client.get(
        reverse("contributions:scenario"),
        {**params, "first_payer": "Provinsi", "second_payer": "Alor", "second_share": "25"},
    )
    assert shared.context["rows"] == [
        ("Provinsi", 630_000_000, 7_560_000_000),
        ("Alor", 210_000_000, 2_520_000_000),
    ]


def test_scenario_refused_to_insurer_liaison(client, insurer_liaison):
    client.force_login(insurer_liaison)
    assert client.get(reverse("contributions:scenario")).status_code == 403
