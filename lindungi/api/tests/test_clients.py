"""Issue 16.1: API clients: tokens shown once and kept hashed, scoped to a role and a region,
revocable, audited; the command and the page."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from lindungi.api.models import ApiClient
from lindungi.api.services import create_api_client, hash_token
from lindungi.audit.models import AuditEvent
from lindungi.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_command_prints_the_token_once_and_stores_only_its_hash(province_admin):
    out = io.StringIO()
    call_command("create_api_client", "dinsos alor", "--role", "regency_officer",
                 "--region", "53.05", "--as", province_admin.username, stdout=out)  # fmt: skip
    token = next(line for line in out.getvalue().splitlines() if line.startswith("token: "))[7:]
    client = ApiClient.objects.get()
    assert client.token_hash == hash_token(token) and token not in str(client.__dict__)
    assert client.user.role == "regency_officer" and client.user.regency_id == "53.05"
    assert AuditEvent.objects.filter(action="api.client_create").count() == 1
    alor, ttu = PersonFactory(), PersonFactory(village_code="53.03.01.2005")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    rows = api.get("/api/people/").json()["results"]
    assert [row["nik"] for row in rows] == [alor.nik]
    assert api.get(f"/api/people/{ttu.nik}/").status_code == 404


@pytest.mark.parametrize(
    "arguments",
    [
        ["x", "--role", "regency_officer"],  # no region
        ["x", "--role", "auditor", "--region", "53.05"],  # region on a province-wide role
        ["x", "--role", "regency_officer", "--region", "99.99"],
    ],
)
def test_command_refuses_bad_scopes(province_admin, arguments):
    with pytest.raises(CommandError):
        call_command("create_api_client", *arguments, "--as", province_admin.username)
    assert ApiClient.objects.count() == 0


def test_only_administrators_create_clients(province_officer):
    with pytest.raises(CommandError):
        call_command("create_api_client", "x", "--role", "auditor", "--as", "prov_officer")


def test_public_statistics_client_reads_no_people(province_admin):
    _client, token = create_api_client(user=province_admin, name="bps", role="public_statistics")
    PersonFactory()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/people/").status_code == 403
    assert api.get("/api/regencies/").status_code == 200


def test_clients_page_creates_lists_and_revokes(client, province_admin, regency_officer):
    client.force_login(regency_officer)
    assert client.get(reverse("api:clients")).status_code == 403
    client.force_login(province_admin)
    response = client.post(reverse("api:clients"), {"name": "bpjs", "role": "insurer_liaison"})
    token = response.context["token"]
    assert token and token in response.content.decode()
    listed = client.get(reverse("api:clients")).content.decode()
    assert "bpjs" in listed and token not in listed
    created = ApiClient.objects.get()
    client.post(reverse("api:client-revoke", args=[created.pk]))
    created.refresh_from_db()
    assert created.revoked_at is not None and not created.user.is_active
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/regencies/").status_code == 401
    assert AuditEvent.objects.filter(action="api.client_revoke").count() == 1


def test_clients_are_rate_limited(province_admin, settings):
    from django.core.cache import cache

    client, token = create_api_client(user=province_admin, name="busy", role="auditor")
    ApiClient.objects.filter(pk=client.pk).update(requests_per_minute=3)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    codes = [api.get("/api/regencies/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert api.get("/api/regencies/").json()["code"] == "throttled"
    # Counted in the process, not in the cache: clearing the cache does not reset the limit.
    cache.clear()
    assert api.get("/api/regencies/").status_code == 429
    # Another client has its own window.
    _other, other_token = create_api_client(user=province_admin, name="calm", role="auditor")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {other_token}")
    assert api.get("/api/regencies/").status_code == 200
