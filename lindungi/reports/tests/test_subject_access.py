"""The data subject's access (UU 27/2022 art. 7, issue 12.8): everything held about one person in
one workbook, for the province office only, audited as an export of personal data."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lindungi.accounts.testing import acting_officer
from lindungi.audit.models import AuditEvent
from lindungi.benefits.choices import ClaimKind, ClaimSource, Consequence, HeirRelation
from lindungi.benefits.models import Claim, Heir
from lindungi.contributions.billing import bill_month
from lindungi.contributions.tests.conftest import (  # noqa: F401 (fixtures)
    cohort,
    enroll,
    programme,
)
from lindungi.core.dates import Month
from lindungi.registry.services import record_person_viewed

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(cohort):  # noqa: F811 (the imported fixture)
    enrollment = enroll(cohort)
    person = enrollment.person
    person.phone = "=HYPERLINK(1)"  # a formula in the data must stay text in the file
    person.save(update_fields=["phone"])
    officer = acting_officer()
    bill_month(user=officer, programme=cohort.programme, month=Month(2025, 7))
    claim = Claim.objects.create(
        number="K-77",
        source=ClaimSource.PROVINCE_FORM,
        person=person,
        regency_id=person.regency_id,
        kind=ClaimKind.JKM_DEATH,
        consequence=Consequence.DEATH,
        incident_date=datetime.date(2025, 9, 1),
    )
    Heir.objects.create(claim=claim, position=1, name="ANAK PEKERJA", relation=HeirRelation.CHILD)
    return person


def _download(client, user, person):
    client.force_login(user)
    return client.get(reverse("reports:subject_access", args=[person.pk]))


def _sheets(response) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


def test_the_province_gets_every_fact_about_the_person_in_one_workbook(
    client,
    worker,
    province_officer,
    cohort,  # noqa: F811 (the imported fixture)
):
    record_person_viewed(user=province_officer, person=worker)
    response = _download(client, province_officer, worker)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert worker.nik not in response["Content-Disposition"]
    sheets = _sheets(response)
    assert list(sheets) == [
        "Orang",
        "Versi sebelumnya",
        "Keputusan",
        "Kepesertaan",
        "Bulan iuran",
        "Klaim",
        "Ahli waris",
        "Jejak audit",
    ]
    person = {row[0]: (row[1] if len(row) > 1 else None) for row in sheets["Orang"][1:]}
    assert person["NIK"] == worker.nik
    assert person["Nama"] == worker.full_name
    assert person["Nomor HP"] == "'=HYPERLINK(1)"  # neutralised, not a formula
    assert sheets["Keputusan"][0][-1] == "Alasan"  # the "why"; no run considered this person
    (enrollment,) = sheets["Kepesertaan"][1:]
    assert enrollment[0] == cohort.programme.name
    assert enrollment[3]  # the KPJ
    (month,) = sheets["Bulan iuran"][1:]
    assert month[0].date() == datetime.date(2025, 7, 1)
    assert month[4] > 0
    (claim,) = sheets["Klaim"][1:]
    assert claim[0] == "K-77"
    (heir,) = sheets["Ahli waris"][1:]
    assert heir[:3] == ("K-77", 1, "ANAK PEKERJA")
    actions = [row[2] for row in sheets["Jejak audit"][1:]]
    assert "registry.view_person" in actions
    # The export itself is audited, and listed in the file it produced.
    assert actions[-1] == "export.subject_access"


def test_the_download_is_audited_as_an_export_of_personal_data(client, worker, province_admin):
    before = AuditEvent.objects.filter(action="export.subject_access").count()
    assert _download(client, province_admin, worker).status_code == 200
    event = AuditEvent.objects.filter(action="export.subject_access").get()
    assert before == 0
    assert event.actor_username == province_admin.username
    assert (event.object_type, event.object_id) == ("registry.person", str(worker.pk))


@pytest.mark.parametrize("role", ["regency_officer", "auditor", "insurer_liaison"])
def test_no_other_role_may_download_it(client, worker, role, request):
    user = request.getfixturevalue(role)
    assert _download(client, user, worker).status_code == 403
    assert not AuditEvent.objects.filter(action="export.subject_access").exists()


def test_the_person_page_offers_the_button_to_the_province_only(
    client, worker, province_officer, regency_officer
):
    url = reverse("reports:subject_access", args=[worker.pk])
    client.force_login(province_officer)
    page = client.get(reverse("registry:person", args=[worker.pk])).content.decode()
    assert url in page
    assert "Unduh data pribadi orang ini (XLSX)" in page
    client.force_login(regency_officer)
    page = client.get(reverse("registry:person", args=[worker.pk])).content.decode()
    assert url not in page


def test_an_unknown_person_is_404(client, province_officer):
    client.force_login(province_officer)
    assert client.get(reverse("reports:subject_access", args=[999999])).status_code == 404
