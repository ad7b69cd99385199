"""Issue 12.1: a regency officer's import never creates, changes or moves another regency's
person, never says where that person is registered, and the province sees such rows."""

import pytest
from django.urls import reverse

from lindungi.registry.importing import import_candidates
from lindungi.registry.models import Person, PersonVersion, RejectedRow
from lindungi.registry.tests.helpers import ALOR_VILLAGE, candidate, write_csv

pytestmark = pytest.mark.django_db

TTU_VILLAGE = "53.03.01.2005"


def _import(tmp_path, rows, *, name, **options):
    path = write_csv(tmp_path / name, rows)
    return import_candidates(file=path, file_name=name, **options)


def _ttu_person(tmp_path, province_officer):
    row = candidate(7, village=TTU_VILLAGE, NO_HP="081111111111")
    _import(tmp_path, [row], name="ttu.csv", user=province_officer, edition="2025-01")
    return row, Person.objects.get(nik=row["NIK"])


def _snapshot(person):
    person.refresh_from_db()
    return (person.regency_id, person.village_id, person.kk_number, person.phone, person.desil)


@pytest.mark.parametrize(
    ("edition", "overrides"),
    [
        ("2025-06", {}),  # a newer edition: the takeover of the issue
        ("", {}),  # no edition: used to tell the officer the NIK lives elsewhere
        ("2025-06", {"NAMA": "Orang Lain"}),  # another identity
    ],
)
def test_regency_import_cannot_take_over_another_regencys_person(
    tmp_path, province_officer, regency_officer, edition, overrides
):
    row, person = _ttu_person(tmp_path, province_officer)
    before = _snapshot(person)
    takeover = {
        **row,
        "KODE_DESA": ALOR_VILLAGE,
        "NO_KK": "5305010101999999",
        "NO_HP": "089999999999",
        "DESIL": 1,
        **overrides,
    }
    result = _import(
        tmp_path, [takeover], name="alor.csv", user=regency_officer, regency="53.05",
        edition=edition,
    )  # fmt: skip
    assert (result.rows_read, result.rows_accepted, result.rows_updated) == (1, 0, 0)
    assert (result.rows_unchanged, result.rows_rejected) == (0, 1)
    rejected = RejectedRow.objects.get(candidate_import=result)
    assert rejected.reason == "person_of_other_regency"
    assert rejected.related_nik == row["NIK"]
    # Nothing about where the person is registered, or what is registered about them.
    for revealing in ("53.03", "Timor", "TTU", "different name", TTU_VILLAGE):
        assert revealing not in rejected.message
    assert _snapshot(person) == before
    assert not PersonVersion.objects.exists()


def test_regency_import_still_updates_its_own_people(tmp_path, regency_officer):
    row = candidate(8)
    _import(tmp_path, [row], name="a.csv", user=regency_officer, regency="53.05", edition="2025-01")
    result = _import(
        tmp_path, [{**row, "NO_HP": "082222222222"}], name="b.csv", user=regency_officer,
        regency="53.05", edition="2025-06",
    )  # fmt: skip
    assert (result.rows_updated, result.rows_rejected) == (1, 0)
    assert Person.objects.get(nik=row["NIK"]).phone == "082222222222"


def test_province_import_may_still_move_a_person(tmp_path, province_officer):
    row, person = _ttu_person(tmp_path, province_officer)
    result = _import(
        tmp_path, [{**row, "KODE_DESA": ALOR_VILLAGE}], name="move.csv", user=province_officer,
        edition="2025-06",
    )  # fmt: skip
    assert result.rows_updated == 1
    assert _snapshot(person)[:2] == ("53.05", ALOR_VILLAGE)


def test_province_sees_the_rejected_rows_in_a_review_list(
    client, tmp_path, province_officer, regency_officer, outsider
):
    row, _person = _ttu_person(tmp_path, province_officer)
    _import(
        tmp_path, [{**row, "KODE_DESA": ALOR_VILLAGE}], name="alor.csv", user=regency_officer,
        regency="53.05", edition="2025-06",
    )  # fmt: skip
    url = reverse("registry:regency_moves")
    client.force_login(province_officer)
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert row["NIK"] in body
    assert "alor.csv" in body
    # Neither regency decides: their officers are refused the list.
    for officer in (regency_officer, outsider):
        client.force_login(officer)
        assert client.get(url).status_code == 403
