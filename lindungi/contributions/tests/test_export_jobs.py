"""Large money exports (issue 17.3): the invoice's per-person XLSX and the reconciliation export
are written by a job above the threshold, and downloaded by their owner only, in scope."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lindungi.contributions import exports
from lindungi.contributions.models import StatementImport
from lindungi.contributions.tests.test_money_views import invoice, upload  # noqa: F401
from lindungi.jobs.models import Job
from lindungi.jobs.services import execute_job


@pytest.fixture(autouse=True)
def _small_threshold(monkeypatch, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(exports, "FILE_JOB_THRESHOLD", 1)


def _run_latest_job(response) -> Job:
    job = Job.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert execute_job(job_id=job.pk) == "succeeded"
    job.refresh_from_db()
    return job


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_large_invoice_detail_is_a_job_with_the_officers_share_only(
    client,
    regency_officer,
    outsider,
    invoice,  # noqa: F811
):
    client.force_login(regency_officer)
    job = _run_latest_job(client.get(reverse("contributions:invoice_xlsx", args=[invoice.pk])))
    assert job.kind == "contributions.invoice_xlsx"
    download = client.get(job.result["result_url"])
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(_content(download))).active
    assert [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["53.05", "53.05"]
    client.force_login(outsider)
    assert client.get(job.result["result_url"]).status_code == 404


def test_a_small_invoice_detail_is_still_written_by_the_request(
    client,
    monkeypatch,
    province_officer,
    invoice,  # noqa: F811
):
    monkeypatch.setattr(exports, "FILE_JOB_THRESHOLD", 5000)
    client.force_login(province_officer)
    response = client.get(reverse("contributions:invoice_xlsx", args=[invoice.pk]))
    assert response.status_code == 200
    assert not Job.objects.filter(kind="contributions.invoice_xlsx").exists()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_large_reconciliation_export_is_a_job_scoped_and_formula_safe(
    client,
    monkeypatch,
    province_officer,
    regency_officer,
    outsider,
    invoice,  # noqa: F811
    file_format,
):
    monkeypatch.setattr(exports, "FILE_JOB_THRESHOLD", 5000)
    client.force_login(province_officer)
    upload(client, invoice)
    statement = StatementImport.objects.get()
    monkeypatch.setattr(exports, "FILE_JOB_THRESHOLD", 1)
    client.force_login(regency_officer)
    url = reverse("contributions:statement_export", args=[statement.pk, file_format])
    job = _run_latest_job(client.get(url))
    assert job.kind == "contributions.statement_export"
    content = _content(client.get(job.result["result_url"]))
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(content)).active
        rows = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:3] == ["Baris", "KPJ", "NIK"]
    assert {row[3] for row in rows[1:]} == {"53.05"}
    assert "'=HYPERLINK(2)" in {row[2] for row in rows[1:]}
    client.force_login(outsider)
    assert client.get(job.result["result_url"]).status_code == 404
