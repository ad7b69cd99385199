"""Pages by persona: province manages, regencies see their own, the liaison exchanges files,
auditors read, and heirs stay personal data (scoped, audited, never public)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lindungi.audit.models import AuditEvent
from lindungi.benefits.choices import CoverVerdict
from lindungi.benefits.models import Claim, Heir
from lindungi.benefits.services import HeirInput, report_death
from lindungi.benefits.tests.conftest import (
    TODAY,
    TTU_VILLAGE,
    bill_and_pay,
    claim_file,
    claim_row,
    enroll,
)
from lindungi.core.dates import Month
from lindungi.core.errors import InvalidInput


@pytest.fixture
def claims(cohort, province_officer):
    alor = enroll(cohort)
    ttu = enroll(cohort, village=TTU_VILLAGE)
    bill_and_pay(cohort.programme, Month(2025, 7), Month(2025, 10))
    heirs = (HeirInput("MARIA ALOR", "spouse"), HeirInput("ANAK ALOR", "child", None, "tk_sd"))
    alor_claim = report_death(
        user=province_officer,
        nik=alor.person.nik,
        died_on=datetime.date(2025, 9, 3),
        heirs=heirs,
        today=TODAY,
    )
    ttu_claim = report_death(
        user=province_officer, nik=ttu.person.nik, died_on=datetime.date(2025, 10, 3), today=TODAY
    )
    return alor_claim, ttu_claim


def test_province_death_report_is_a_claim_with_verdict_and_benefits(claims):
    alor_claim, _ttu = claims
    assert alor_claim.source == "province_form"
    assert alor_claim.verdict == CoverVerdict.COVERED
    computed = dict(alor_claim.items.values_list("item", "computed_amount"))
    assert computed == {
        "jkm_lump_sum": 20_000_000,
        "jkm_periodic": 12_000_000,
        "funeral": 10_000_000,
    }
    assert AuditEvent.objects.filter(action="benefits.death_reported").count() == 2


def test_reporting_the_same_death_twice_is_refused(claims, province_officer):
    alor_claim, _ttu = claims
    with pytest.raises(InvalidInput) as refused:
        report_death(
            user=province_officer,
            nik=alor_claim.person.nik,
            died_on=alor_claim.incident_date,
            today=TODAY,
        )
    assert refused.value.code == "claim_conflict"
    assert Claim.objects.count() == 2


def test_regency_officer_cannot_report_a_death(claims, regency_officer):
    with pytest.raises(PermissionDenied):
        report_death(
            user=regency_officer, nik=claims[0].person.nik, died_on=datetime.date(2025, 9, 9)
        )


def test_insurer_file_takes_over_the_province_report(claims, insurer_liaison):
    from lindungi.benefits.importing import import_claims

    alor_claim, _ttu = claims
    row = claim_row(
        NOMOR_KLAIM="BPJS-77",
        NIK=alor_claim.person.nik,
        JENIS_KLAIM="JKM",
        TANGGAL_KEJADIAN="2025-09-03",
        STATUS="dibayar",
        MANFAAT="biaya pemakaman",
        JUMLAH_DIAJUKAN="10000000",
        JUMLAH_DIBAYAR="10000000",
    )
    import_claims(user=insurer_liaison, file_name="k.csv", content=claim_file(row), today=TODAY)
    alor_claim.refresh_from_db()
    assert (alor_claim.number, alor_claim.status) == ("BPJS-77", "paid")
    assert Claim.objects.count() == 2
    assert Heir.objects.filter(claim=alor_claim).count() == 2


def test_regency_officer_sees_only_their_regencys_claims(client, claims, regency_officer):
    alor_claim, ttu_claim = claims
    client.force_login(regency_officer)
    page = client.get(reverse("benefits:list"))
    assert page.status_code == 200
    assert alor_claim.number in page.content.decode()
    assert ttu_claim.number not in page.content.decode()
    assert client.get(reverse("benefits:claim", args=[ttu_claim.pk])).status_code == 404


def test_claim_page_shows_heirs_and_records_the_viewing(client, claims, auditor):
    alor_claim, _ttu = claims
    client.force_login(auditor)
    page = client.get(reverse("benefits:claim", args=[alor_claim.pk]))
    assert page.status_code == 200
    assert "MARIA ALOR" in page.content.decode()
    viewed = AuditEvent.objects.get(action="benefits.heirs_viewed")
    assert viewed.object_id == str(alor_claim.pk)


def test_outsider_and_anonymous_never_see_heirs(client, claims, outsider):
    alor_claim, _ttu = claims
    client.force_login(outsider)
    assert client.get(reverse("benefits:claim", args=[alor_claim.pk])).status_code == 404
    client.logout()
    public = client.get(reverse("reports:public"))
    assert "MARIA ALOR" not in public.content.decode()
    assert client.get(reverse("benefits:claim", args=[alor_claim.pk])).status_code == 302


def test_auditor_cannot_upload_or_report(client, claims, auditor):
    client.force_login(auditor)
    upload = SimpleUploadedFile("k.csv", claim_file())
    assert client.post(reverse("benefits:imports"), {"file": upload}).status_code == 403
    assert client.get(reverse("benefits:report_death")).status_code == 403


def test_liaison_uploads_a_claim_file_and_sees_the_rejects(client, claims, insurer_liaison):
    """The upload is a background job (issue 14): the page queues it and shows its progress;
    the job's page says what became of the file in sentences and links to its rejects."""
    from lindungi.benefits.models import ClaimImport
    from lindungi.jobs.models import Job
    from lindungi.jobs.services import execute_job

    alor_claim, _ttu = claims
    client.force_login(insurer_liaison)
    bad = claim_row(
        NOMOR_KLAIM="X-1",
        NIK="5305019999999999",
        JENIS_KLAIM="JKM",
        TANGGAL_KEJADIAN="2025-09-01",
        MANFAAT="biaya pemakaman",
        JUMLAH_DIAJUKAN="10000000",
    )
    good = claim_row(
        NOMOR_KLAIM="BPJS-1",
        NIK=alor_claim.person.nik,
        JENIS_KLAIM="JKM",
        TANGGAL_KEJADIAN="2025-09-03",
        MANFAAT="biaya pemakaman",
        JUMLAH_DIAJUKAN="10000000",
    )
    upload = SimpleUploadedFile("klaim.csv", claim_file(bad, good))
    response = client.post(reverse("benefits:imports"), {"file": upload})

    job = Job.objects.get()
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("jobs:detail", args=[job.pk]),
    )
    assert (job.kind, job.params["file_name"]) == ("benefits.claims_import", "klaim.csv")
    assert not ClaimImport.objects.exists()  # nothing until the worker runs it
    execute_job(job_id=job.pk)
    job.refresh_from_db()
    claim_import = ClaimImport.objects.get()
    assert (job.status, job.result["read"], job.result["rejected"]) == ("succeeded", 2, 1)
    assert job.result["reasons"] == {"person_unknown": 1}
    # The default interface is Indonesian.
    text = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "2 baris berkas klaim dibaca: 0 baru, 1 berubah, 0 sudah tercatat apa adanya" in text
    assert reverse("benefits:import", args=[claim_import.pk]) in text
    detail = client.get(reverse("benefits:import", args=[claim_import.pk]))
    assert "5305019999999999" in detail.content.decode()


def test_an_upload_of_the_wrong_type_is_refused_before_any_job(client, claims, insurer_liaison):
    from lindungi.jobs.models import Job

    client.force_login(insurer_liaison)
    upload = SimpleUploadedFile("klaim.pdf", b"%PDF-1.4")
    response = client.post(reverse("benefits:imports"), {"file": upload})
    assert response.status_code == 200
    assert not Job.objects.exists()


def test_the_province_death_report_records_the_death(claims):
    """Issue 14/19: the form's death is the person's death (source "claim", that date), and
    the place ends on it through enrollment's one home for deaths."""
    from lindungi.enrollment.models import Enrollment

    alor_claim, _ttu = claims
    person = alor_claim.person
    person.refresh_from_db()
    assert (person.died_on, person.death_source, person.death_reference) == (
        datetime.date(2025, 9, 3),
        "claim",
        alor_claim.number,
    )
    place = Enrollment.objects.get(person=person)
    assert (place.state, place.end_reason, place.end_date) == (
        "ended",
        "death",
        datetime.date(2025, 9, 3),
    )


def test_a_death_report_with_another_recorded_date_is_refused(cohort, province_officer):
    from lindungi.registry.models import Person

    enrollment = enroll(cohort)
    Person.objects.filter(pk=enrollment.person_id).update(
        died_on=datetime.date(2025, 8, 20), death_source="civil_registry"
    )
    with pytest.raises(InvalidInput) as refused:
        report_death(
            user=province_officer,
            nik=enrollment.person.nik,
            died_on=datetime.date(2025, 9, 3),
            today=TODAY,
        )
    assert refused.value.code == "death_conflict"
    assert not Claim.objects.exists()


def test_province_form_page_records_a_death(client, cohort, province_officer):
    enrollment = enroll(cohort)
    client.force_login(province_officer)
    response = client.post(
        reverse("benefits:report_death"),
        {
            "nik": enrollment.person.nik,
            "died_on": "2025-09-03",
            "kind": "jkm_death",
            "reported_by_name": "Kepala Desa",
            "child1_name": "ANAK",
            "child1_birth": "2015-05-05",
            "child1_level": "tk_sd",
            "child2_level": "none",
        },
    )
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert claim.note == "Kepala Desa"
    assert list(claim.heirs.values_list("name", "school_level")) == [("ANAK", "tk_sd")]


def test_checks_and_rules_pages_render(client, claims, province_officer):
    client.force_login(province_officer)
    assert client.get(reverse("benefits:checks")).status_code == 200
    rules = client.get(reverse("benefits:rules"))
    assert "PP 82/2019" in rules.content.decode()
    assert "4,5%" in rules.content.decode()


def test_regency_officer_cannot_open_the_insurers_claim_files(client, claims, regency_officer):
    client.force_login(regency_officer)
    assert client.get(reverse("benefits:imports")).status_code == 403
    page = client.get(reverse("benefits:list")).content.decode()
    assert reverse("benefits:imports") not in page
    assert reverse("benefits:report_death") not in page


def test_person_timeline_shows_their_claims(client, claims, province_officer):
    alor_claim, _ttu = claims
    client.force_login(province_officer)
    page = client.get(reverse("reports:timeline", args=[alor_claim.person_id]))
    assert page.status_code == 200
    assert alor_claim.number in page.content.decode()
