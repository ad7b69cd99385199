"""Issue 11.8: the registry page, the regency dashboard's people list, the REST API (and the
DCI search) read people through one search, so they agree; bad filter input is reported by
each of them, never silently ignored."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from lindungi.registry.search import InvalidSearch, PeopleSearch, parse_people_search
from lindungi.reports.services import refresh_summaries
from lindungi.reports.tests.conftest import ALOR_VILLAGE, people, programme  # noqa: F401

pytestmark = pytest.mark.django_db


def _registry_page(client, params) -> list[str]:
    response = client.get(reverse("registry:people"), params)
    assert response.status_code == 200
    return sorted(person.nik for person in response.context["page"])


def _dashboard(client, regency, params) -> list[str]:
    response = client.get(reverse("reports:regency", args=[regency]), params)
    assert response.status_code == 200
    return sorted(person.nik for person, _state in response.context["people_rows"])


def _api(api, params) -> list[str]:
    response = api.get("/api/people/", params)
    assert response.status_code == 200, response.content
    return sorted(row["nik"] for row in response.json()["results"])


@pytest.fixture
def surfaces(client, province_officer, people):  # noqa: F811
    client.force_login(province_officer)
    api = APIClient()
    api.force_authenticate(province_officer)
    refresh_summaries()
    return client, api


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "orang  ttu"},
        {"q": "orang ttu 1"},
        {"q": "5305"},
        {"village": ALOR_VILLAGE},
        {"q": "warga", "village": ALOR_VILLAGE},
    ],
)
@pytest.mark.parametrize("regency", ["53.05", "53.03"])
def test_page_dashboard_and_api_agree(surfaces, params, regency):
    client, api = surfaces
    if params.get("village") and not params["village"].startswith(regency):
        params = {**params, "village": ""}
    page = _registry_page(client, {**params, "regency": regency})
    assert page == _dashboard(client, regency, params)
    assert page == _api(api, {**params, "regency": regency})


def test_page_and_api_agree_on_every_person_filter(surfaces, people):  # noqa: F811
    client, api = surfaces
    cases = [
        {"desil": "2"},
        {"sex": "P"},
        {"occupation": "nelayan"},
        {"age_band": "other"},
        {"age_min": "70"},
        {"kk": people["alor"][3].kk_number},
        {"district": "53.05.01"},
        {"sex": "L", "desil": "1", "regency": "53.05"},
    ]
    for params in cases:
        page = _registry_page(client, params)
        assert page == _api(api, params), params
        assert page  # every case finds someone: an ignored filter would find everyone
        assert len(page) < 15, params
    assert _api(api, {"age_min": "70"}) == [people["alor"][10].nik]


def test_dashboard_and_api_agree_on_the_enrollment_state(
    surfaces,
    programme,  # noqa: F811
    province_admin,
    province_officer,
):
    from lindungi.enrollment.services import enroll_selected
    from lindungi.programs.approval import approve_run
    from lindungi.programs.selectors import current_run

    # Approved by a second person: whoever ran the selection may not approve it.
    run = approve_run(user=province_officer, run=current_run(programme))
    enroll_selected(run=run, user=province_admin)
    client, api = surfaces
    refresh_summaries()
    for state in ("selected", "active"):
        dashboard = _dashboard(client, "53.05", {"programme": programme.pk, "state": state})
        api_rows = _api(api, {"regency": "53.05", "programme": programme.pk, "state": state})
        assert dashboard == api_rows
    assert len(_api(api, {"regency": "53.05", "programme": programme.pk, "state": "selected"})) == 5


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"desil": "0"}, "desil"),
        ({"sex": "X"}, "sex"),
        ({"age_band": "bogus"}, "age_band"),
        ({"village": "53050112001"}, "village"),
        ({"q": "1" * 17}, "q"),
        ({"age_min": "40", "age_max": "30"}, "age_max"),
        ({"regency": "53.05", "village": "53.03.01.2005"}, "village"),
    ],
)
def test_bad_filters_are_reported_on_the_page_and_by_the_api(surfaces, params, parameter):
    client, api = surfaces
    response = client.get(reverse("registry:people"), params)
    assert parameter in response.context["form"].errors
    assert len(response.context["page"]) == 0
    refused = api.get("/api/people/", params)
    assert refused.status_code == 400
    assert parameter in refused.json()["errors"]


def test_dashboard_reports_a_bad_state(surfaces):
    client, _api_client = surfaces
    response = client.get(reverse("reports:regency", args=["53.05"]), {"state": "sleeping"})
    assert response.status_code == 200
    assert response.context["search_errors"]
    assert response.context["people_rows"] == []


def test_parse_reports_every_bad_parameter_at_once():
    with pytest.raises(InvalidSearch) as refused:
        parse_people_search({"desil": "x", "sex": "Q", "nik": "12"})
    assert set(refused.value.errors) == {"desil", "sex", "nik"}
    assert parse_people_search({"q": "  budi   santoso ", "page": "3"}) == PeopleSearch(
        query="budi santoso"
    )


def test_a_page_refuses_a_filter_it_does_not_offer():
    with pytest.raises(InvalidSearch) as refused:
        parse_people_search({"state": "active"}, only=frozenset({"q"}))
    assert refused.value.errors["state"][0] == "unknown_filter"
