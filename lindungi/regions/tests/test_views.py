"""Region pages: the served regencies, one regency, and the code look-up."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_regency_list_shows_ntt_with_missing_poverty_figures_marked(client, regency_officer):
    client.force_login(regency_officer)
    response = client.get(reverse("regions:list"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 22
    assert len(response.context["shapes"]["features"]) == 22
    assert response.content.decode().count("tidak dipublikasikan") == 2


def test_regency_detail_lists_its_districts(client, auditor):
    client.force_login(auditor)
    response = client.get(reverse("regions:detail", args=["53.05"]))
    assert response.status_code == 200
    assert response.context["districts"].count() == 18
    assert client.get(reverse("regions:detail", args=["99.99"])).status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("53.05.01.1001", "Kalabahi Barat"),
        ("5305011001", "Kalabahi Barat"),
        ("5305011503850001", "Teluk Mutiara"),
        ("357801", "Karang Pilang"),
    ],
)
def test_lookup_answers_village_codes_and_nik_prefixes(client, auditor, query, expected):
    client.force_login(auditor)
    response = client.get(reverse("regions:lookup"), {"q": query})
    assert expected in response.content.decode()


def test_lookup_of_an_unknown_code_says_so(client, auditor):
    client.force_login(auditor)
    response = client.get(reverse("regions:lookup"), {"q": "9999999999"})
    assert response.context["village"] is None and response.context["nik"] is None
    assert 'role="alert"' in response.content.decode()


def test_region_pages_need_a_login(client):
    response = client.get(reverse("regions:list"))
    assert response.status_code == 302
