"""Registry pages: scoping by regency, upload as a job, downloads, duplicate review."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lindungi.audit.models import AuditEvent
from lindungi.core.intake import upload_path
from lindungi.jobs.models import Job
from lindungi.jobs.services import execute_job
from lindungi.registry.importing import import_candidates
from lindungi.registry.models import CandidateImport, DuplicateCandidate, Person
from lindungi.registry.tests.helpers import candidate, importer, write_csv

pytestmark = pytest.mark.django_db

TTU_VILLAGE = "53.03.01.2005"


@pytest.fixture
def imported(tmp_path):
    rows = [
        candidate(1, name="Maria Bere", sex="P"),
        candidate(2, name="Maria Bere", sex="P"),
        candidate(3, village=TTU_VILLAGE),
        candidate(4, NAMA="=1+1"),
    ]
    path = write_csv(tmp_path / "calon.csv", rows)
    return import_candidates(file=path, file_name="calon.csv", user=importer())


def test_people_list_is_scoped_to_the_officers_regency(
    client, imported, regency_officer, outsider, province_officer
):
    client.force_login(regency_officer)
    response = client.get(reverse("registry:people"))
    assert response.status_code == 200
    assert [p.regency_id for p in response.context["page"]] == ["53.05", "53.05"]
    client.force_login(outsider)
    assert [p.regency_id for p in client.get(reverse("registry:people")).context["page"]] == [
        "53.03"
    ]
    client.force_login(province_officer)
    assert len(client.get(reverse("registry:people")).context["page"]) == 3


def test_people_search_by_nik_and_name(client, imported, province_officer):
    client.force_login(province_officer)
    nik = candidate(3, village=TTU_VILLAGE)["NIK"]
    page = client.get(reverse("registry:people"), {"q": nik}).context["page"]
    assert [p.nik for p in page] == [nik]
    page = client.get(reverse("registry:people"), {"q": "maria"}).context["page"]
    assert len(page) == 2
    page = client.get(reverse("registry:people"), {"regency": "53.03"}).context["page"]
    assert [p.nik for p in page] == [nik]
    page = client.get(reverse("registry:people"), {"sex": "P", "occupation": "petani"})
    assert [p.full_name for p in page.context["page"]] == ["Maria Bere", "Maria Bere"]
    page = client.get(reverse("registry:people"), {"desil": 3}).context["page"]
    assert list(page) == []


def test_people_list_query_count_does_not_grow(client, imported, province_officer,
                                                django_assert_max_num_queries):  # fmt: skip
    client.force_login(province_officer)
    # Session, user, the count and the page's rows, plus the menu's "needs attention" counts
    # (web.hooks: one query per kind of work); PostgreSQL took 13 once they came. One more:
    # the regency picker's names (districts and villages only once a parent is chosen).
    with django_assert_max_num_queries(15):
        client.get(reverse("registry:people"))


def test_person_outside_regency_is_not_found(client, imported, outsider, regency_officer):
    alor_person = Person.objects.filter(regency_id="53.05").first()
    client.force_login(outsider)
    assert client.get(reverse("registry:person", args=[alor_person.pk])).status_code == 404
    client.force_login(regency_officer)
    response = client.get(reverse("registry:person", args=[alor_person.pk]))
    assert response.status_code == 200
    assert alor_person.nik in response.content.decode()


def test_import_detail_and_rejects_download(client, imported, province_officer):
    client.force_login(province_officer)
    response = client.get(reverse("registry:import_detail", args=[imported.pk]))
    assert response.status_code == 200
    assert response.context["reasons"] == [("name_invalid", 1)]
    download = client.get(reverse("registry:import_rejects", args=[imported.pk, "csv"]))
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    assert "'=1+1" in text and ",5,name_invalid," in text
    xlsx = client.get(reverse("registry:import_rejects", args=[imported.pk, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_regency_officer_cannot_open_a_province_import(client, imported, regency_officer):
    client.force_login(regency_officer)
    assert client.get(reverse("registry:import_detail", args=[imported.pk])).status_code == 404
    url = reverse("registry:import_rejects", args=[imported.pk, "csv"])
    assert client.get(url).status_code == 404


def test_template_downloads(client, province_officer):
    client.force_login(province_officer)
    xlsx = client.get(reverse("registry:template", args=["xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    csv_file = client.get(reverse("registry:template", args=["csv"]))
    assert csv_file.content.decode("utf-8-sig").startswith("NIK,NO_KK,NAMA,")


def test_upload_starts_a_job_limited_to_the_officers_regency(client, regency_officer, tmp_path):
    path = write_csv(tmp_path / "calon.csv", [candidate(1), candidate(2, village=TTU_VILLAGE)])
    client.force_login(regency_officer)
    response = client.post(
        reverse("registry:upload"),
        {
            "file": SimpleUploadedFile("calon.csv", path.read_bytes()),
            "source": "Desa",
            "edition": "2025-06",
            "mapping": "",
        },
    )
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.params["regency"] == "53.05"
    assert Person.objects.count() == 0  # nothing until the worker runs it
    stored = upload_path(job.params["path"])
    assert stored.is_file()
    execute_job(job_id=job.pk)
    assert not stored.exists()  # the retention rule: the upload lives as long as its job
    job.refresh_from_db()
    assert job.status == "succeeded"
    result = CandidateImport.objects.get()
    assert (result.regency_id, result.rows_accepted, result.rows_rejected) == ("53.05", 1, 1)
    assert result.reason_counts == {"outside_user_regency": 1}
    assert job.result["result_url"] == reverse("registry:import_detail", args=[result.pk])
    assert result.job_reference == f"job:{job.pk}"


def test_upload_refuses_bad_edition_and_other_file_types(client, province_officer):
    client.force_login(province_officer)
    response = client.post(
        reverse("registry:upload"),
        {"file": SimpleUploadedFile("calon.csv", b"NIK\n"), "edition": "2025-13"},
    )
    assert response.status_code == 200 and "edition" in response.context["form"].errors
    response = client.post(
        reverse("registry:upload"), {"file": SimpleUploadedFile("calon.pdf", b"%PDF")}
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert Job.objects.count() == 0


def test_auditor_cannot_upload_or_review(client, imported, auditor):
    client.force_login(auditor)
    assert client.get(reverse("registry:upload")).status_code == 403
    pair = DuplicateCandidate.objects.get()
    url = reverse("registry:review_duplicate", args=[pair.pk])
    assert client.post(url, {"status": "confirmed"}).status_code == 403
    pair.refresh_from_db()
    assert pair.status == "open"


def test_page_writes_keep_the_request_id_of_the_audit_middleware(
    client, imported, province_officer
):
    pair = DuplicateCandidate.objects.get()
    client.force_login(province_officer)
    url = reverse("registry:review_duplicate", args=[pair.pk])
    response = client.post(url, {"status": "confirmed"}, headers={"X-Request-ID": "req-7f3a"})
    assert response["X-Request-ID"] == "req-7f3a"
    event = AuditEvent.objects.get(action="registry.review_duplicate")
    assert (event.source, event.source_reference) == ("request", "req-7f3a")


def test_review_duplicate_is_audited_and_only_once(client, imported, province_officer):
    pair = DuplicateCandidate.objects.get()
    client.force_login(province_officer)
    queue = client.get(reverse("registry:duplicates"))
    assert [d.pk for d in queue.context["page"]] == [pair.pk]
    url = reverse("registry:review_duplicate", args=[pair.pk])
    client.post(url, {"status": "dismissed", "note": "kembar, orang berbeda"})
    pair.refresh_from_db()
    assert (pair.status, pair.note, pair.reviewed_by_id) == (
        "dismissed",
        "kembar, orang berbeda",
        province_officer.pk,
    )
    event = AuditEvent.objects.get(action="registry.review_duplicate")
    assert event.changes["status"] == ["open", "dismissed"]
    client.post(url, {"status": "confirmed"})
    pair.refresh_from_db()
    assert pair.status == "dismissed"
    assert AuditEvent.objects.filter(action="registry.review_duplicate").count() == 1
    assert Person.objects.count() == 3  # never merged
