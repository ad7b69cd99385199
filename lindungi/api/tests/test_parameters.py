"""Issue 12, points 2 and 3: every bad parameter is a 400 with a stable code (never a 500, never
ignored), `limit` is capped, big lists page by cursor without a count; issue 12.6: the schema
and the docs need a login."""

import pytest
from rest_framework.test import APIClient

from lindungi.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(province_officer):
    client = APIClient()
    client.force_authenticate(province_officer)
    return client


def _refusal(response, parameter):
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid_parameter"
    return body["errors"][parameter][0]["code"]


@pytest.mark.parametrize(
    ("url", "parameter", "value", "code"),
    [
        ("/api/decisions/", "run", "abc", "bad_id"),
        ("/api/decisions/", "run", "99999999999999999999", "bad_id"),
        ("/api/decisions/", "outcome", "maybe", "unknown_value"),
        ("/api/decisions/", "nik", "123", "bad_format"),
        ("/api/enrollments/", "programme", "x1", "bad_id"),
        ("/api/enrollments/", "state", "sleeping", "unknown_value"),
        ("/api/invoice-lines/", "invoice", "-1", "bad_id"),
        ("/api/invoice-lines/", "regency", "53", "bad_format"),
        ("/api/people/", "limit", "100000000", "bad_limit"),
        ("/api/people/", "limit", "0", "bad_limit"),
        ("/api/people/", "limit", "ten", "bad_limit"),
        ("/api/imports/", "offset", "-5", "bad_offset"),
        ("/api/programmes/", "limit", "1001", "bad_limit"),
        ("/api/people/", "cursor", "not-a-cursor", "bad_cursor"),
        ("/api/people/", "desil", "11", "out_of_range"),
        ("/api/people/", "sex", "X", "unknown_value"),
        ("/api/people/", "age_min", "abc", "out_of_range"),
        ("/api/people/", "state", "sleeping", "unknown_value"),
        ("/api/people/", "kk", "12", "bad_format"),
        ("/api/people/", "colour", "blue", "unknown_parameter"),
        ("/api/regencies/", "colour", "blue", "unknown_parameter"),
    ],
)
def test_bad_parameters_are_refused_with_a_stable_code(api, url, parameter, value, code):
    assert _refusal(api.get(url, {parameter: value}), parameter) == code


def test_a_forged_cursor_position_is_refused_not_a_500(api):
    import base64

    forged = base64.b64encode(b"p=abc").decode()
    assert _refusal(api.get("/api/people/", {"cursor": forged}), "cursor") == "bad_cursor"


def test_people_page_by_cursor_without_a_count(api):
    people = PersonFactory.create_batch(5)
    first = api.get("/api/people/", {"limit": 2}).json()
    assert "count" not in first
    assert [row["nik"] for row in first["results"]] == [person.nik for person in people[:2]]
    second = APIClient()
    second.force_authenticate(api.handler._force_user)
    page = api.get(first["next"]).json()
    assert [row["nik"] for row in page["results"]] == [person.nik for person in people[2:4]]
    for row in first["results"]:
        assert row["nik"] not in first["next"]  # the cursor carries an id, not a NIK


def test_limit_is_capped(api):
    PersonFactory.create_batch(3)
    assert len(api.get("/api/people/", {"limit": 1000}).json()["results"]) == 3
    assert api.get("/api/people/", {"limit": 1001}).status_code == 400


def test_schema_and_docs_need_a_login(client, auditor):
    assert APIClient().get("/api/schema/").status_code in {401, 403}
    response = client.get("/api/docs/")
    assert response.status_code == 302 and "/login" in response["Location"]
    client.force_login(auditor)
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_errors_have_one_shape(api):
    body = APIClient().get("/api/people/").json()
    assert body["code"] in {"not_authenticated", "authentication_failed"}
    assert set(body) == {"code", "detail", "errors"}
    assert api.get("/api/people/5300000000000000/").json()["code"] == "not_found"
