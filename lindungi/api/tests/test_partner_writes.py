"""Issue 16.2: a partner's writes go through the pages' services and audit: uploads run as
the page's job (202 with the job's API URL) or import at once (claims), payments are recorded
by the payments service; the same file or bank reference twice changes nothing; a client
without the permission, or of another regency, changes nothing; bad input is 400 with a code.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lindungi.api.tests.partners import api
from lindungi.audit.models import AuditEvent
from lindungi.enrollment.batches import batch_csv_path, make_submission
from lindungi.enrollment.choices import EnrollmentState
from lindungi.enrollment.models import Enrollment, ExitImport, ResponseImport
from lindungi.enrollment.services import enroll_selected
from lindungi.enrollment.simulator import simulate_response
from lindungi.enrollment.tests.conftest import approved_run, cohort, programme  # noqa: F401
from lindungi.jobs.models import Job
from lindungi.jobs.services import execute_job

pytestmark = pytest.mark.django_db
START = datetime.date(2025, 7, 18)


@pytest.fixture
def batch(approved_run, programme, province_officer, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    enroll_selected(run=approved_run, user=province_officer)
    return make_submission(user=province_officer, programme=programme, start_date=START)


def upload(client, path: str, name: str, content: bytes, **fields):
    return client.post(path, {"file": SimpleUploadedFile(name, content), **fields},
                       format="multipart")  # fmt: skip


def test_a_response_file_is_applied_by_a_job_and_the_same_file_twice_changes_nothing(
    batch, liaison_token, alor_token
):
    liaison = api(liaison_token)
    content = simulate_response(batch_csv_path(batch).read_bytes(), seed=2, rejection_rate=0)
    answer = upload(liaison, "/api/uploads/responses/", "jawaban.csv", content,
                    batch=batch.number)  # fmt: skip
    assert answer.status_code == 202, answer.content
    job = Job.objects.get()
    assert answer.json() == {
        "status": "queued",
        "job": job.pk,
        "job_url": f"/api/jobs/{job.pk}/",
        "existing": None,
    }
    assert (job.kind, job.params["batch_id"]) == ("enrollment.response", batch.pk)
    assert liaison.get(f"/api/jobs/{job.pk}/").json()["status"] == "queued"
    # Another regency's client does not see the job.
    assert api(alor_token).get(f"/api/jobs/{job.pk}/").status_code == 404
    execute_job(job_id=job.pk)
    assert liaison.get(f"/api/jobs/{job.pk}/").json()["status"] == "succeeded"
    response = ResponseImport.objects.get()
    states = list(Enrollment.objects.values_list("state", flat=True))

    again = upload(liaison, "/api/uploads/responses/", "lagi.csv", content)
    assert again.status_code == 200
    assert again.json() == {"status": "duplicate", "job": None, "job_url": None,
                            "existing": response.pk}  # fmt: skip
    assert Job.objects.count() == 1 and ResponseImport.objects.count() == 1
    assert list(Enrollment.objects.values_list("state", flat=True)) == states


def test_uploads_need_the_permission_and_a_file(batch, alor_token, liaison_token, auditor):
    alor, liaison = api(alor_token), api(liaison_token)
    before = AuditEvent.objects.count()
    assert upload(alor, "/api/uploads/responses/", "r.csv", b"NIK\n").status_code == 403
    assert upload(alor, "/api/uploads/statements/", "s.csv", b"KPJ\n").status_code == 403
    assert upload(alor, "/api/uploads/claims/", "k.csv", b"NIK\n").status_code == 403
    wrong_type = upload(liaison, "/api/uploads/responses/", "r.pdf", b"%PDF")
    assert wrong_type.status_code == 400
    assert wrong_type.json()["errors"]["file"][0]["code"] == "file_type"
    missing = liaison.post("/api/uploads/responses/", {}, format="multipart")
    assert missing.status_code == 400
    assert missing.json()["errors"]["file"][0]["code"] == "required"
    unknown_batch = upload(liaison, "/api/uploads/responses/", "r.csv", b"NIK\n", batch="B-0")
    assert unknown_batch.json()["errors"]["batch"][0]["code"] == "not_found"
    as_json = liaison.post("/api/uploads/responses/", {"file": "x"}, format="json")
    assert as_json.status_code == 415
    assert liaison.get("/api/uploads/responses/").status_code == 405
    assert not Job.objects.exists() and AuditEvent.objects.count() == before


def test_a_regency_client_ends_only_its_own_regencys_places(batch, alor_token, province_token):
    places = Enrollment.objects.select_related("person").order_by("person__nik")
    alor = next(e for e in places if e.regency_id == "53.05")
    ttu = next(e for e in places if e.regency_id == "53.03")
    content = (
        f"NIK,ALASAN,TANGGAL\n{alor.person.nik},meninggal,2025-08-01\n"
        f"{ttu.person.nik},pindah,2025-08-01\n"
    ).encode()
    answer = upload(api(alor_token), "/api/uploads/exits/", "keluar.csv", content)
    assert answer.status_code == 202, answer.content
    job = Job.objects.get()
    assert (job.kind, job.regency_id) == ("enrollment.exits", "53.05")
    execute_job(job_id=job.pk)
    result = ExitImport.objects.get()
    assert (result.rows_ended, result.rows_rejected) == (1, 1)
    assert result.reason_counts == {"outside_user_regency": 1}
    ttu.refresh_from_db()
    assert ttu.state != EnrollmentState.ENDED
    # The same file again from the same regency: nothing queued, nothing changed.
    again = upload(api(alor_token), "/api/uploads/exits/", "keluar.csv", content)
    assert (again.status_code, again.json()["existing"]) == (200, result.pk)
    assert Job.objects.count() == 1
    # The province's upload of that file is another import (its scope is wider).
    assert upload(api(province_token), "/api/uploads/exits/", "keluar.csv",
                  content).status_code == 202  # fmt: skip


def test_a_statement_is_reconciled_by_a_job_once(batch, programme, province_token):  # noqa: F811
    from lindungi.contributions.models import StatementImport

    province = api(province_token)
    nik = Enrollment.objects.select_related("person").first().person.nik
    content = f"KPJ;NIK;Iuran;Periode\n;{nik};16800;2025-08\n".encode()
    answer = upload(province, "/api/uploads/statements/", "agustus.csv", content,
                    programme=programme.pk, month="2025-08")  # fmt: skip
    assert answer.status_code == 202, answer.content
    execute_job(job_id=Job.objects.get().pk)
    statement = StatementImport.objects.get()
    again = upload(province, "/api/uploads/statements/", "agustus.csv", content,
                   programme=programme.pk, month="2025-08")  # fmt: skip
    assert (again.status_code, again.json()["existing"]) == (200, statement.pk)
    assert Job.objects.count() == 1
    bad_month = upload(province, "/api/uploads/statements/", "a.csv", content,
                       programme=programme.pk, month="2025-13")  # fmt: skip
    assert bad_month.json()["errors"]["month"][0]["code"] == "invalid"
    no_programme = upload(province, "/api/uploads/statements/", "a.csv", content,
                          programme=999_999, month="2025-08")  # fmt: skip
    assert no_programme.json()["errors"]["programme"][0]["code"] == "not_found"
    assert Job.objects.count() == 1


def test_a_claim_file_is_imported_at_once_and_once(db, liaison_token):
    from lindungi.benefits.models import ClaimImport
    from lindungi.benefits.tests.conftest import claim_file, claim_row

    content = claim_file(claim_row(NOMOR_KLAIM="K-1", NIK="5305011234567890", JENIS_KLAIM="JKM",
                                   TANGGAL_KEJADIAN="2025-09-14"))  # fmt: skip
    liaison = api(liaison_token)
    first = upload(liaison, "/api/uploads/claims/", "klaim.csv", content)
    assert first.status_code == 201, first.content
    claim_import = ClaimImport.objects.get()
    assert first.json()["id"] == claim_import.pk
    assert first.json()["rows_read"] == 1
    again = upload(liaison, "/api/uploads/claims/", "klaim-lagi.csv", content)
    assert (again.status_code, again.json()["id"]) == (200, claim_import.pk)
    assert ClaimImport.objects.count() == 1


@pytest.fixture
def invoice(province_officer):
    from lindungi.contributions.billing import bill_month
    from lindungi.contributions.tests.conftest import enroll
    from lindungi.core.dates import Month
    from lindungi.programs.tests.factories import CohortFactory

    enroll(CohortFactory())
    billed = Enrollment.objects.get().programme
    return bill_month(user=province_officer, programme=billed, month=Month(2025, 8)).created[0]


def test_a_payment_is_recorded_once_per_bank_reference(invoice, province_token, alor_token):
    from lindungi.contributions.models import Payment

    province = api(province_token)
    body = {"invoice": invoice.pk, "paid_on": "2025-08-20", "amount": 10_000,
            "bank_reference": "BNTT-77"}  # fmt: skip
    first = province.post("/api/payments/", body, format="json")
    assert first.status_code == 201, first.content
    payment = Payment.objects.get()
    assert (payment.amount, payment.bank_reference, first.json()["id"]) == (
        10_000,
        "BNTT-77",
        payment.pk,
    )
    events = AuditEvent.objects.filter(action="contributions.payment_recorded").count()
    assert events == 1
    # A retry of the same transfer: the same payment, nothing new.
    again = province.post("/api/payments/", body, format="json")
    assert (again.status_code, again.json()["id"]) == (200, payment.pk)
    assert Payment.objects.count() == 1
    assert AuditEvent.objects.filter(action="contributions.payment_recorded").count() == 1
    # The same reference with another amount is a conflict, not a second payment.
    other = province.post("/api/payments/", {**body, "amount": 5_000}, format="json")
    assert (other.status_code, other.json()["code"]) == (400, "duplicate_reference")
    # A regency's client may not record payments.
    assert api(alor_token).post("/api/payments/", body, format="json").status_code == 403
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"amount": "lots"}, "amount", "invalid"),
        ({"amount": 0}, "amount", "min_value"),
        ({"amount": 10.5}, "amount", "invalid"),
        ({"paid_on": "20-08-2025"}, "paid_on", "invalid"),
        ({"bank_reference": ""}, "bank_reference", "blank"),
        ({"invoice": 999_999}, "invoice", "not_found"),
        ({"invoice": "x"}, "invoice", "invalid"),
    ],
)
def test_bad_payments_are_400_and_record_nothing(invoice, province_token, change, field, code):
    from lindungi.contributions.models import Payment

    body = {"invoice": invoice.pk, "paid_on": "2025-08-20", "amount": 10_000,
            "bank_reference": "BNTT-1", **change}  # fmt: skip
    answer = api(province_token).post("/api/payments/", body, format="json")
    assert answer.status_code == 400, answer.content
    assert answer.json()["errors"][field][0]["code"] == code
    assert not Payment.objects.exists()
