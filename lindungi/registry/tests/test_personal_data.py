"""Issue 12.8: each role sees the personal fields its work needs, and opening a person's full
record is audited."""

import pytest
from django.urls import reverse

from lindungi.audit.models import AuditEvent
from lindungi.core.permissions import mask_nik
from lindungi.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(db):
    return PersonFactory(address="Jl. Kenari 7, RT 002", phone="081299998888")


def test_mask_nik_keeps_the_district_and_the_last_four_digits():
    assert mask_nik("5305011503850001") == "530501******0001"
    assert mask_nik("123") == "***"


def test_insurer_liaison_sees_neither_contact_details_nor_the_full_nik(
    client, person, insurer_liaison
):
    client.force_login(insurer_liaison)
    body = client.get(reverse("registry:person", args=[person.pk])).content.decode()
    assert person.full_name in body
    for secret in (person.address, person.phone, person.nik, person.kk_number):
        assert secret not in body
    assert mask_nik(person.nik) in body
    listing = client.get(reverse("registry:people")).content.decode()
    assert person.nik not in listing and mask_nik(person.nik) in listing


@pytest.mark.parametrize("persona", ["regency_officer", "province_officer", "auditor"])
def test_roles_whose_work_needs_them_see_the_details(client, person, persona, request):
    client.force_login(request.getfixturevalue(persona))
    body = client.get(reverse("registry:person", args=[person.pk])).content.decode()
    for detail in (person.address, person.phone, person.nik):
        assert detail in body


def test_opening_a_persons_record_is_audited(client, person, regency_officer):
    client.force_login(regency_officer)
    client.get(reverse("registry:person", args=[person.pk]))
    event = AuditEvent.objects.get(action="registry.view_person")
    assert (event.actor_id, event.object_type, event.object_id) == (
        regency_officer.pk,
        "registry.person",
        str(person.pk),
    )
    assert event.source == "request"


def test_downloading_rejected_rows_is_audited(client, tmp_path, regency_officer):
    from lindungi.registry.importing import import_candidates
    from lindungi.registry.tests.helpers import candidate, write_csv

    path = write_csv(tmp_path / "a.csv", [candidate(1), {**candidate(2), "NIK": "1"}])
    result = import_candidates(file=path, file_name="a.csv", user=regency_officer,
                               regency="53.05")  # fmt: skip
    client.force_login(regency_officer)
    response = client.get(reverse("registry:import_rejects", args=[result.pk, "csv"]))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="export.registry_rejects")
    assert (event.actor_id, event.object_id) == (regency_officer.pk, str(result.pk))
    assert event.changes["summary"] == {"format": "csv"}
