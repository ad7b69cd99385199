import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from lindungi.registry.models import Person
from lindungi.registry.tests.factories import PersonFactory

TTU_VILLAGE = "53.03.01.2005"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def alor_person(db):
    return PersonFactory()


@pytest.fixture
def ttu_person(db):
    return PersonFactory(village_code=TTU_VILLAGE, full_name="ORANG TTU")


def test_regency_officer_lists_only_their_people(api, regency_officer, alor_person, ttu_person):
    api.force_authenticate(regency_officer)
    response = api.get("/api/people/")
    assert response.status_code == 200
    assert [row["nik"] for row in response.json()["results"]] == [alor_person.nik]


def test_regency_officer_cannot_read_another_regency_by_detail(
    api, regency_officer, alor_person, ttu_person
):
    api.force_authenticate(regency_officer)
    assert api.get(f"/api/people/{ttu_person.nik}/").status_code == 404
    assert api.get(f"/api/people/{alor_person.nik}/").json()["full_name"] == alor_person.full_name


def test_regency_officer_cannot_filter_into_another_regency(
    api, regency_officer, alor_person, ttu_person
):
    api.force_authenticate(regency_officer)
    assert api.get("/api/people/", {"regency": "53.03"}).json()["results"] == []
    assert api.get("/api/people/", {"nik": ttu_person.nik}).json()["results"] == []


def test_province_officer_filters_by_regency(api, province_officer, alor_person, ttu_person):
    api.force_authenticate(province_officer)
    rows = api.get("/api/people/", {"regency": "53.03"}).json()["results"]
    assert [row["nik"] for row in rows] == [ttu_person.nik]


def test_village_filter_finds_the_village_and_stays_in_scope(
    api, province_officer, regency_officer, alor_person, ttu_person
):
    api.force_authenticate(province_officer)
    rows = api.get("/api/people/", {"village": TTU_VILLAGE}).json()["results"]
    assert [row["nik"] for row in rows] == [ttu_person.nik]
    # The undotted code names the same village (the pages' region pickers accept both).
    undotted = TTU_VILLAGE.replace(".", "")
    rows = api.get("/api/people/", {"village": undotted}).json()["results"]
    assert [row["nik"] for row in rows] == [ttu_person.nik]
    refused = api.get("/api/people/", {"village": TTU_VILLAGE[:-1] + "X"})
    assert refused.status_code == 400
    assert refused.json()["errors"]["village"][0]["code"] == "bad_code"
    api.force_authenticate(regency_officer)
    assert api.get("/api/people/", {"village": TTU_VILLAGE}).json()["results"] == []


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_auditor_cannot_write(api, auditor, alor_person, method):
    api.force_authenticate(auditor)
    url = "/api/people/" if method == "post" else f"/api/people/{alor_person.nik}/"
    response = getattr(api, method)(url, {"full_name": "DIUBAH"}, format="json")
    assert response.status_code == 403
    alor_person.refresh_from_db()
    assert alor_person.full_name != "DIUBAH"
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    "url", ["/api/people/", "/api/decisions/", "/api/enrollments/", "/api/invoices/"]
)
def test_anonymous_is_refused(api, url, alor_person):
    assert api.get(url).status_code in {401, 403}


def test_insurer_liaison_cannot_read_money(api, insurer_liaison):
    api.force_authenticate(insurer_liaison)
    assert api.get("/api/invoices/").status_code == 403
    assert api.get("/api/invoice-lines/").status_code == 403
    assert api.get("/api/people/").status_code == 200


def test_regions_are_readable_by_any_role(api, outsider):
    api.force_authenticate(outsider)
    response = api.get("/api/regencies/53.05/")
    assert response.status_code == 200
    assert response.json()["name"] == "Kabupaten Alor"
    assert api.get("/api/regencies/").json()["count"] == 22


def test_public_aggregates_need_no_login(api, alor_person):
    from lindungi.reports.services import refresh_summaries

    refresh_summaries()
    rows = api.get("/api/public/regencies/").json()
    assert len(rows) == 22
    alor = next(row for row in rows if row["code"] == "53.05")
    assert alor["candidates"] is None  # one person: suppressed
    assert alor_person.nik not in str(rows)


def test_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/people/{nik}/" in (tmp_path / "schema.yml").read_text()


def test_docs_page_serves_swagger_ui_from_the_app_without_a_cdn(client, auditor):
    client.force_login(auditor)
    html = client.get("/api/docs/").content.decode()
    assert "/static/swagger-ui/swagger-ui-bundle.js" in html
    assert "/api/schema/" in html
    import re

    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith(("/static/", "data:")) for source in sources), sources
