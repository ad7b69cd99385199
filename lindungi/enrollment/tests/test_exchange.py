"""Submission batches and insurer responses: files, checksums, validation, idempotency."""

import csv
import datetime
import hashlib
import io

import pytest
from django.db import IntegrityError, transaction
from openpyxl import load_workbook

from lindungi.core.errors import InvalidInput
from lindungi.enrollment.batches import (
    COLUMNS,
    batch_csv_path,
    batch_rows,
    close_batch,
    make_submission,
    write_batch_xlsx,
    write_cover_pdf,
)
from lindungi.enrollment.choices import BatchStatus, EnrollmentState
from lindungi.enrollment.models import BatchEntry, Enrollment, RejectedResponseRow
from lindungi.enrollment.responses import import_insurer_response
from lindungi.enrollment.services import enroll_selected
from lindungi.enrollment.simulator import simulate_response
from lindungi.programs.choices import Outcome
from lindungi.registry.models import Person

D = datetime.date
START = D(2025, 7, 18)
HEADER = "NIK,KPJ,STATUS,ALASAN,TANGGAL_EFEKTIF,NOMOR_BATCH\n"


@pytest.fixture
def batch(approved_run, programme, province_officer):
    enroll_selected(run=approved_run, user=province_officer)
    return make_submission(user=province_officer, programme=programme, start_date=START)


def _niks(batch):
    return list(
        BatchEntry.objects.filter(batch=batch).order_by("nik").values_list("nik", flat=True)
    )


def _import(user, batch, body, name="jawaban.csv"):
    return import_insurer_response(
        user=user, file_name=name, content=(HEADER + body).encode(), batch=batch
    )


@pytest.mark.django_db
class TestSubmission:
    def test_batch_file_has_every_selected_person_and_its_checksum(self, batch):
        content = batch_csv_path(batch).read_bytes()
        lines = content.decode().splitlines()
        assert lines[0] == ",".join(COLUMNS)
        assert len(lines) == 6
        assert batch.people == 5
        assert batch.regency_totals == {"53.03": 2, "53.05": 3}
        assert batch.checksum == hashlib.sha256(content).hexdigest()
        first = lines[1].split(",")
        assert first[-4:] == ["1000000", "JKK+JKM", "2025-07-18", batch.number]
        # 5 people x Rp16,800 (JKK 1% of Rp1,000,000 + JKM Rp6,800).
        assert batch.monthly_contribution == 84_000
        assert set(Enrollment.objects.values_list("state", flat=True)) == {"submitted"}

    def test_file_is_what_csv_writer_writes_for_awkward_text(
        self, approved_run, programme, province_officer
    ):
        # PostgreSQL formats the rows with COPY: quoting, empty texts and line ends must match
        # csv.writer's, which SQLite's path uses, byte for byte.
        awkward = [
            ('Jl. "Timor" 7, RT 002', ""),
            ("Dusun A\nRT 003", "Nelayan, petani"),
            ("", 'Tukang "batu"'),
            ("  spasi di depan", "a\r\nb"),
        ]
        selected = approved_run.decisions.filter(outcome=Outcome.SELECTED).order_by("id")
        people = selected.values_list("person_id", flat=True)
        for person_id, (address, occupation) in zip(people, awkward, strict=False):
            Person.objects.filter(pk=person_id).update(address=address, occupation=occupation)
        enroll_selected(run=approved_run, user=province_officer)
        batch = make_submission(user=province_officer, programme=programme, start_date=START)
        expected = io.StringIO()
        writer = csv.writer(expected, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        writer.writerows(batch_rows(batch))
        assert batch_csv_path(batch).read_bytes() == expected.getvalue().encode()
        assert "Dusun A\nRT 003" in {row[4] for row in batch_rows(batch)}

    def test_second_submission_has_nobody_left(self, batch, programme, province_officer):
        with pytest.raises(InvalidInput) as refused:
            make_submission(user=province_officer, programme=programme, start_date=START)
        assert refused.value.code == "nothing_to_submit"
        assert BatchEntry.objects.count() == 5

    def test_database_refuses_a_person_in_two_open_batches(self, batch):
        entry = BatchEntry.objects.filter(batch=batch).first()
        with pytest.raises(IntegrityError), transaction.atomic():
            BatchEntry.objects.create(
                batch=batch, enrollment=entry.enrollment, person=entry.person, nik="x"
            )

    def test_xlsx_and_cover_sheet(self, batch):
        stream = io.BytesIO()
        write_batch_xlsx(batch, stream)
        workbook = load_workbook(io.BytesIO(stream.getvalue()), read_only=True)
        assert workbook.sheetnames == ["Ringkasan", "Peserta"]
        rows = list(workbook["Peserta"].values)
        assert rows[0] == COLUMNS
        assert [row[0] for row in rows[1:]] == _niks(batch)
        cover = dict(list(workbook["Ringkasan"].values))
        # Regencies by name, not by code.
        assert cover["Kabupaten Alor"] == "3"
        pdf = io.BytesIO()
        write_cover_pdf(batch, pdf)
        assert pdf.getvalue().startswith(b"%PDF")

    def test_cover_letter_has_the_letterhead_and_signatory(self, batch, settings, monkeypatch):
        from reportlab import rl_config

        monkeypatch.setattr(rl_config, "pageCompression", 0)
        settings.LINDUNGI_SIGNATORY_NAME = "Drs. Silvester Banfatin"
        settings.LINDUNGI_SIGNATORY_NIP = "196501011990031001"
        pdf = io.BytesIO()
        write_cover_pdf(batch, pdf)
        body = pdf.getvalue()
        assert b"PEMERINTAH PROVINSI NUSA TENGGARA TIMUR" in body
        assert b"Drs. Silvester Banfatin" in body
        assert b"196501011990031001" in body
        # The SHA-256 is broken over lines inside its cell instead of running off the page.
        assert batch.checksum.encode() not in body
        assert batch.checksum[:20].encode() in body

    def test_closing_returns_unanswered_places_for_the_next_batch(
        self, batch, programme, province_officer
    ):
        close_batch(user=province_officer, batch=batch)
        assert set(Enrollment.objects.values_list("state", flat=True)) == {"selected"}
        again = make_submission(user=province_officer, programme=programme, start_date=START)
        assert again.people == 5
        assert again.number.endswith("-002")


@pytest.mark.django_db
class TestResponses:
    def test_simulated_response_activates_everyone(self, batch, insurer_liaison):
        content = simulate_response(batch_csv_path(batch).read_bytes(), seed=3, rejection_rate=0)
        assert content == simulate_response(
            batch_csv_path(batch).read_bytes(), seed=3, rejection_rate=0
        )
        response = import_insurer_response(user=insurer_liaison, file_name="r.csv", content=content)
        assert (response.rows_read, response.rows_activated, response.rows_rejected) == (5, 5, 0)
        active = Enrollment.objects.filter(state=EnrollmentState.ACTIVE)
        assert active.count() == 5
        assert set(active.values_list("start_date", flat=True)) == {START}
        assert all(len(kpj) == 11 for kpj in active.values_list("kpj", flat=True))
        batch.refresh_from_db()
        assert batch.status == BatchStatus.CLOSED
        assert not BatchEntry.objects.filter(is_open=True).exists()

    def test_reimporting_the_same_file_changes_nothing(self, batch, insurer_liaison):
        niks = _niks(batch)
        body = (
            "".join(
                f"{nik},1000000000{i},DITERIMA,,2025-07-18,\n" for i, nik in enumerate(niks[:3])
            )
            + f"{niks[3]},,DITOLAK,NIK tidak ditemukan di Dukcapil,2025-07-18,\n"
        )
        first = _import(insurer_liaison, batch, body)
        assert (first.rows_activated, first.rows_refused, first.rows_unchanged) == (3, 1, 0)
        before = list(Enrollment.objects.order_by("pk").values_list("state", "kpj", "start_date"))
        second = _import(insurer_liaison, batch, body)
        assert (second.rows_read, second.rows_unchanged, second.rows_rejected) == (4, 4, 0)
        after = list(Enrollment.objects.order_by("pk").values_list("state", "kpj", "start_date"))
        assert after == before
        # A partial response leaves the fifth place waiting and the batch open.
        batch.refresh_from_db()
        assert batch.status == BatchStatus.OPEN

    def test_each_validation(self, batch, insurer_liaison, programme):
        a, b, c, d, e = _niks(batch)
        body = (
            f"{a},1234567890,DITERIMA,,2025-07-18,\n"  # 10 digits
            f"{b},11111111111,DITERIMA,,2025-07-18,\n"  # same KPJ as c
            f"{c},11111111111,DITERIMA,,2025-07-18,\n"
            f"{d},22222222222,DITERIMA,,2026-02-01,\n"  # after the programme
            "5305011503850999,33333333333,DITERIMA,,2025-07-18,\n"  # not in this batch
            f"{e},44444444444,MUNGKIN,,2025-07-18,\n"  # unknown status
            f"{e},44444444444,DITERIMA,,18-07-2025x,\n"  # not a date
        )
        response = _import(insurer_liaison, batch, body)
        rejected = dict(
            RejectedResponseRow.objects.filter(response=response).values_list(
                "row_number", "reason"
            )
        )
        assert rejected == {
            2: "kpj_malformed",
            3: "kpj_two_niks",
            4: "kpj_two_niks",
            5: "date_outside_programme",
            6: "nik_not_in_batch",
            7: "outcome_invalid",
            8: "date_invalid",
        }
        assert response.rows_read == response.rows_rejected == 7
        original = RejectedResponseRow.objects.get(response=response, row_number=2).original
        assert original["KPJ"] == "1234567890"
        assert Enrollment.objects.filter(state=EnrollmentState.SUBMITTED).count() == 5

    def test_kpj_already_held_by_someone_else(self, batch, insurer_liaison):
        a, b, *_rest = _niks(batch)
        _import(insurer_liaison, batch, f"{a},55555555555,DITERIMA,,2025-07-18,\n")
        response = _import(insurer_liaison, batch, f"{b},55555555555,DITERIMA,,2025-07-18,\n")
        assert response.reason_counts == {"kpj_taken": 1}
        assert Enrollment.objects.filter(state=EnrollmentState.ACTIVE).count() == 1

    def test_a_different_kpj_for_an_active_person_is_refused(self, batch, insurer_liaison):
        a = _niks(batch)[0]
        _import(insurer_liaison, batch, f"{a},55555555555,DITERIMA,,2025-07-18,\n")
        response = _import(insurer_liaison, batch, f"{a},66666666666,DITERIMA,,2025-07-18,\n")
        assert response.reason_counts == {"conflicts_with_record": 1}
        assert Enrollment.objects.get(kpj="55555555555").state == EnrollmentState.ACTIVE

    def test_file_without_batch_number_needs_the_batch(self, batch, insurer_liaison):
        with pytest.raises(InvalidInput) as refused:
            import_insurer_response(
                user=insurer_liaison,
                file_name="r.csv",
                content=(
                    HEADER + f"{_niks(batch)[0]},55555555555,DITERIMA,,2025-07-18,\n"
                ).encode(),
            )
        assert refused.value.code == "batch_unknown"
        assert not Enrollment.objects.filter(state=EnrollmentState.ACTIVE).exists()


@pytest.mark.django_db
def test_a_large_batch_xlsx_is_a_job_for_the_exchange_roles_only(
    client, monkeypatch, settings, tmp_path, batch, province_officer, regency_officer
):
    """Issue 17.3: above the threshold the batch XLSX is written by the worker; the file is
    downloaded from the job by its owner, and the permission is checked again then."""
    from django.urls import reverse

    from lindungi.enrollment import views
    from lindungi.jobs.models import Job
    from lindungi.jobs.services import execute_job

    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(views, "BATCH_XLSX_JOB_THRESHOLD", 1)
    url = reverse("enrollment:batch_file", args=[batch.pk, "xlsx"])
    client.force_login(regency_officer)
    assert client.get(url).status_code == 403
    assert not Job.objects.exists()
    client.force_login(province_officer)
    response = client.get(url)
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert execute_job(job_id=job.pk) == "succeeded"
    job.refresh_from_db()
    download = client.get(job.result["result_url"])
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert workbook.sheetnames == ["Ringkasan", "Peserta"]
    assert workbook["Peserta"].max_row == 1 + batch.people
    # A user who lost the exchange permission cannot take the old file.
    province_officer.role = "auditor"
    province_officer.save()
    assert client.get(job.result["result_url"]).status_code == 403
