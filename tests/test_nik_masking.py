"""NIK masking by role beyond the registry pages (issue 12.8).

The insurer liaison reads people (VIEW_PEOPLE) but its work does not need the full NIK
(`Action.VIEW_FULL_NIK`): it sees `core.permissions.mask_nik`'s form on pages, in exports and in
the API. The province, regency officers and auditors see the full number. The panel member reads
no people at all (the authorization matrix proves it), so the liaison is the one masked role.
"""

import csv
import io

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from lindungi.contributions.tests.conftest import (  # noqa: F401 (fixtures)
    cohort,
    enroll,
    programme,
)
from lindungi.core.permissions import Action, can, mask_nik, nik_shown_to
from lindungi.core.roles import Role
from lindungi.registry.importing import import_candidates
from lindungi.registry.tests.helpers import candidate, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(cohort):  # noqa: F811 (the imported fixture)
    return enroll(cohort).person


def test_the_liaison_is_the_only_role_reading_people_with_masked_niks():
    masked = [
        role
        for role in Role.values
        if _role_can(role, Action.VIEW_PEOPLE) and not _role_can(role, Action.VIEW_FULL_NIK)
    ]
    assert masked == [Role.INSURER_LIAISON]


def _role_can(role, action) -> bool:
    class Someone:
        is_authenticated = is_active = True
        is_superuser = False

    user = Someone()
    user.role = role  # type: ignore[attr-defined]
    return can(user, action)


def test_nik_shown_to_masks_for_the_liaison_only(insurer_liaison, province_officer, auditor):
    nik = "5305011503850001"
    assert nik_shown_to(insurer_liaison)(nik) == "530501******0001" == mask_nik(nik)
    assert nik_shown_to(province_officer)(nik) == nik
    assert nik_shown_to(auditor)(nik) == nik
    assert nik_shown_to(None)(nik) == mask_nik(nik)


def test_enrollment_list_page_masks_the_nik_for_the_liaison(
    client, person, insurer_liaison, province_officer
):
    client.force_login(insurer_liaison)
    page = client.get(reverse("enrollment:list")).content.decode()
    assert mask_nik(person.nik) in page
    assert person.nik not in page

    client.force_login(province_officer)
    page = client.get(reverse("enrollment:list")).content.decode()
    assert person.nik in page


def test_person_timeline_page_masks_the_nik_for_the_liaison(client, person, insurer_liaison):
    client.force_login(insurer_liaison)
    page = client.get(reverse("reports:timeline", args=[person.pk])).content.decode()
    assert mask_nik(person.nik) in page
    assert person.nik not in page


@pytest.fixture
def rejected_import(regency_officer, tmp_path):
    good = candidate(901)
    bad = {**candidate(902), "TANGGAL_LAHIR": "kemarin"}
    path = write_csv(tmp_path / "alor.csv", [good, bad])
    done = import_candidates(
        file=path, file_name="alor.csv", user=regency_officer, regency=regency_officer.regency_id
    )
    assert done.rows_rejected == 1
    return done, str(bad["NIK"]), str(bad["NO_KK"])


def _rejects_csv(client, user, candidate_import) -> list[dict]:
    client.force_login(user)
    response = client.get(reverse("registry:import_rejects", args=[candidate_import.pk, "csv"]))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_rejects_export_masks_nik_and_kk_for_the_liaison(
    client, rejected_import, insurer_liaison, regency_officer
):
    candidate_import, nik, kk = rejected_import
    (row,) = _rejects_csv(client, insurer_liaison, candidate_import)
    assert (row["NIK"], row["NO_KK"]) == (mask_nik(nik), mask_nik(kk))
    assert row["TANGGAL_LAHIR"] == "kemarin"  # the other values stay as read

    (row,) = _rejects_csv(client, regency_officer, candidate_import)
    assert (row["NIK"], row["NO_KK"]) == (nik, kk)


@pytest.mark.parametrize("endpoint", ["api:enrollment-list", "api:person-list"])
def test_api_masks_the_nik_for_the_liaison(endpoint, person, insurer_liaison, province_officer):
    api = APIClient()
    api.force_login(insurer_liaison)
    body = api.get(reverse(endpoint)).json()
    (item,) = [entry for entry in body["results"] if entry["nik"].endswith(person.nik[-4:])]
    assert item["nik"] == mask_nik(person.nik)
    if "kk_number" in item:
        assert item["kk_number"] == mask_nik(person.kk_number)
    assert person.nik not in api.get(reverse(endpoint)).content.decode()

    api.force_login(province_officer)
    body = api.get(reverse(endpoint)).json()
    assert person.nik in [entry["nik"] for entry in body["results"]]
