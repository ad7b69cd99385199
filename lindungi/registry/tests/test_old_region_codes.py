"""A NIK whose district is unknown to our tables but whose province is real is accepted with
a flag for verification, not turned away (issue 19, point 6)."""

import pytest
from django.urls import reverse

from lindungi.registry.importing import import_candidates
from lindungi.registry.models import Person
from lindungi.registry.selectors import nik_district_known
from lindungi.registry.tests.helpers import candidate, write_csv

pytestmark = pytest.mark.django_db


def test_unknown_district_of_a_real_province_is_accepted_and_flagged(
    tmp_path, client, auditor, province_officer
):
    old = candidate(1, prefix="530599")  # NTT, a district number in no edition since 2015
    bogus = candidate(2, prefix="999901")  # no such province
    path = write_csv(tmp_path / "calon.csv", [old, bogus])
    result = import_candidates(file=path, file_name="calon.csv", user=province_officer)
    assert (result.rows_accepted, result.rows_rejected) == (1, 1)
    assert result.reason_counts == {"nik_unknown_region": 1}
    person = Person.objects.get()
    assert person.nik.startswith("530599")
    assert not nik_district_known(person.nik)
    client.force_login(auditor)
    page = client.get(reverse("registry:person", args=[person.pk])).content.decode()
    assert "verifikasi" in page or "verify" in page


def test_a_known_district_is_not_flagged():
    assert nik_district_known("5305011503850001")
