"""Page uploads run as background jobs; list pages need a fixed number of queries."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lindungi.enrollment.batches import batch_csv_path, make_submission
from lindungi.enrollment.exits import import_exits
from lindungi.enrollment.models import Enrollment, ExitImport, ResponseImport
from lindungi.enrollment.responses import import_insurer_response
from lindungi.enrollment.services import enroll_selected
from lindungi.enrollment.simulator import simulate_response
from lindungi.jobs.models import Job
from lindungi.jobs.services import execute_job

START = datetime.date(2025, 7, 18)


@pytest.fixture
def batch(approved_run, programme, province_officer):
    enroll_selected(run=approved_run, user=province_officer)
    return make_submission(user=province_officer, programme=programme, start_date=START)


def _states():
    return list(Enrollment.objects.order_by("pk").values_list("state", flat=True))


@pytest.mark.django_db
class TestUploadsAsJobs:
    def test_response_upload_runs_as_a_job(self, client, batch, insurer_liaison):
        content = simulate_response(batch_csv_path(batch).read_bytes(), seed=2, rejection_rate=0)
        client.force_login(insurer_liaison)
        page = client.post(
            reverse("enrollment:responses"),
            {"file": SimpleUploadedFile("jawaban.csv", content), "batch": ""},
        )
        job = Job.objects.get()
        assert page.status_code == 302
        assert page["Location"] == reverse("jobs:detail", args=[job.pk])
        assert (job.kind, job.params["file_name"], job.params["batch_id"]) == (
            "enrollment.response",
            "jawaban.csv",
            None,
        )
        assert _states() == ["submitted"] * 5  # nothing until the worker runs it
        execute_job(job_id=job.pk)
        job.refresh_from_db()
        assert job.status == "succeeded"
        response = ResponseImport.objects.get()
        assert (response.rows_read, response.rows_activated) == (5, 5)
        assert job.result["activated"] == 5
        assert job.result["result_url"] == reverse("enrollment:response", args=[response.pk])
        assert _states() == ["active"] * 5

    def test_response_files_are_not_for_regency_officers(
        self, client, batch, insurer_liaison, regency_officer, auditor
    ):
        """A response file lists every regency's people and rejected rows."""
        content = simulate_response(batch_csv_path(batch).read_bytes(), seed=2, rejection_rate=0)
        client.force_login(insurer_liaison)
        client.post(
            reverse("enrollment:responses"),
            {"file": SimpleUploadedFile("jawaban.csv", content), "batch": ""},
        )
        execute_job(job_id=Job.objects.get().pk)
        response = ResponseImport.objects.get()
        client.force_login(regency_officer)
        assert client.get(reverse("enrollment:responses")).status_code == 403
        assert client.get(reverse("enrollment:response", args=[response.pk])).status_code == 403
        # The auditor reads them, without an upload form, and may not post one.
        client.force_login(auditor)
        page = client.get(reverse("enrollment:responses"))
        assert page.status_code == 200
        assert page.context["form"] is None
        assert "jawaban.csv" in page.content.decode()
        refused = client.post(
            reverse("enrollment:responses"),
            {"file": SimpleUploadedFile("x.csv", content), "batch": ""},
        )
        assert refused.status_code == 403
        assert Job.objects.count() == 1

    def test_response_upload_names_its_batch(self, client, batch, insurer_liaison):
        client.force_login(insurer_liaison)
        client.post(
            reverse("enrollment:responses"),
            {
                "file": SimpleUploadedFile("r.csv", b"NIK,KPJ,STATUS,TANGGAL_EFEKTIF\n"),
                "batch": batch.number,
            },
        )
        assert Job.objects.get().params["batch_id"] == batch.pk

    def test_other_file_types_are_refused_before_any_job(self, client, batch, insurer_liaison):
        client.force_login(insurer_liaison)
        page = client.post(
            reverse("enrollment:responses"),
            {"file": SimpleUploadedFile("jawaban.pdf", b"%PDF"), "batch": ""},
        )
        assert page.status_code == 200
        assert not Job.objects.exists()

    def test_exits_upload_is_a_job_of_the_officers_regency(
        self, client, batch, regency_officer, ttu_and_alor_niks
    ):
        alor, ttu = ttu_and_alor_niks
        body = f"NIK,ALASAN,TANGGAL\n{alor},meninggal,2025-08-01\n{ttu},pindah,2025-08-01\n"
        client.force_login(regency_officer)
        page = client.post(
            reverse("enrollment:exits"), {"file": SimpleUploadedFile("keluar.csv", body.encode())}
        )
        job = Job.objects.get()
        assert page["Location"] == reverse("jobs:detail", args=[job.pk])
        assert (job.kind, job.regency_id) == ("enrollment.exits", "53.05")
        assert not ExitImport.objects.exists()
        execute_job(job_id=job.pk)
        job.refresh_from_db()
        assert job.status == "succeeded"
        result = ExitImport.objects.get()
        assert (result.rows_ended, result.rows_rejected) == (1, 1)
        assert result.reason_counts == {"outside_user_regency": 1}
        assert (job.result["ended"], job.result["rejected"]) == (1, 1)

    def test_exits_page_is_refused_to_the_auditor(self, client, batch, auditor):
        client.force_login(auditor)
        page = client.post(
            reverse("enrollment:exits"), {"file": SimpleUploadedFile("k.csv", b"NIK\n")}
        )
        assert page.status_code == 403
        assert not Job.objects.exists()


@pytest.fixture
def ttu_and_alor_niks(batch):
    places = Enrollment.objects.select_related("person").order_by("person__nik")
    alor = next(e.person.nik for e in places if e.regency_id == "53.05")
    ttu = next(e.person.nik for e in places if e.regency_id == "53.03")
    return alor, ttu


@pytest.fixture
def history(batch, insurer_liaison, province_officer):
    """An answered batch, one exit file: something on every list page."""
    content = simulate_response(batch_csv_path(batch).read_bytes(), seed=2, rejection_rate=0)
    import_insurer_response(user=insurer_liaison, file_name="r.csv", content=content)
    nik = Enrollment.objects.select_related("person").first().person.nik
    import_exits(
        user=province_officer,
        file_name="k.csv",
        content=f"NIK,ALASAN,TANGGAL\n{nik},meninggal,2025-08-01\n".encode(),
        today=datetime.date(2025, 9, 1),
    )


@pytest.mark.django_db
class TestQueryCounts:
    """Pinned counts (session, user, the page's own queries): a per-row query shows up here."""

    @pytest.mark.parametrize(
        ("name", "queries"),
        [
            ("enrollment:list", 4),  # no COUNT for a list on one page
            ("enrollment:batches", 3),
            ("enrollment:responses", 3),
            ("enrollment:exits", 3),
        ],
    )
    def test_list_pages(
        self, client, history, province_officer, django_assert_num_queries, name, queries
    ):
        from django.core.cache import cache

        cache.clear()
        client.force_login(province_officer)
        # The menu's count of work waiting is computed once a minute per user: warm it first.
        client.get(reverse("home"))
        with django_assert_num_queries(queries):
            assert client.get(reverse(name)).status_code == 200
