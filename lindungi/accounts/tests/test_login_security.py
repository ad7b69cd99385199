"""Issue 12.5: logins are throttled by account and address (pages and API basic auth),
audited, passwords pass the validators everywhere, and idle sessions expire."""

import base64
import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from lindungi.accounts.models import User
from lindungi.accounts.services import create_user
from lindungi.audit.models import AuditEvent
from lindungi.core.roles import Role

pytestmark = pytest.mark.django_db

PASSWORD = "test-password-123"  # the persona fixtures' password


def _web_login(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _api_get(client, username, password, address="10.0.0.1"):
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return client.get("/api/people/", HTTP_AUTHORIZATION=f"Basic {token}", REMOTE_ADDR=address)


def test_web_login_is_locked_after_repeated_failures_even_with_the_right_password(
    client, province_officer
):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _web_login(client, "prov_officer", "wrong-password").status_code == 200
    # The last allowed failure locks the account.
    assert _web_login(client, "prov_officer", "wrong-password").status_code == 429
    response = _web_login(client, "prov_officer", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_account_is_locked_from_another_address_too(client, province_officer):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _web_login(client, "prov_officer", "wrong", address=f"10.0.1.{attempt}")
    assert _web_login(client, "prov_officer", PASSWORD, address="10.9.9.9").status_code == 429


def test_address_is_locked_whichever_accounts_it_tries(client, province_officer, auditor):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _web_login(client, f"guess{attempt}", "wrong", address="10.0.2.1")
    assert _web_login(client, "auditor", PASSWORD, address="10.0.2.1").status_code == 429
    # Another address is not affected.
    assert _web_login(client, "auditor", PASSWORD, address="10.0.2.2").status_code == 302


def test_api_basic_auth_is_throttled_too(client, province_officer):
    assert _api_get(client, "prov_officer", PASSWORD).status_code == 200
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        assert _api_get(client, "prov_officer", "wrong").status_code in (401, 403)
    # Locked: the right password is refused (the API answers 401 to failed authentication).
    locked = _api_get(client, "prov_officer", PASSWORD)
    assert locked.status_code in (401, 403)
    assert locked.json()["code"] == "authentication_failed"


def test_logins_failures_and_lockouts_are_audited(client, province_officer):
    assert _web_login(client, "prov_officer", PASSWORD).status_code == 302
    login = AuditEvent.objects.get(action="accounts.login")
    assert (login.actor_id, login.object_id) == (province_officer.pk, str(province_officer.pk))
    assert login.changes["summary"] == {"address": "10.0.0.1", "channel": "web"}
    client.post(reverse("logout"))
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _web_login(client, "prov_officer", "wrong", address="10.0.3.1")
    failed = AuditEvent.objects.filter(action="accounts.login_failed")
    assert failed.count() == settings.AXES_FAILURE_LIMIT
    assert failed.first().changes["summary"]["username"] == "prov_officer"
    assert "wrong" not in str(list(failed.values_list("changes", flat=True)))
    assert AuditEvent.objects.filter(action="accounts.login_locked_out").exists()
    _api_get(client, "auditor", "wrong", address="10.0.3.2")
    assert (
        AuditEvent.objects.filter(action="accounts.login_failed")
        .first()
        .changes["summary"]["channel"]
        == "api"
    )


@pytest.mark.parametrize("weak", ["a", "12345678", "password"])
def test_every_way_of_creating_a_user_refuses_a_weak_password(weak, monkeypatch):
    with pytest.raises(ValidationError):
        User.objects.create_user(username="weak1", password=weak)
    with pytest.raises(ValidationError):
        User.objects.create_superuser(username="weak2", password=weak)
    with pytest.raises(ValidationError):
        create_user(username="weak3", password=weak, role=Role.AUDITOR)
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", weak)
    with pytest.raises((ValidationError, CommandError)):
        call_command("createsuperuser", "--noinput", username="weak4", email="")
    assert not User.objects.filter(username__startswith="weak").exists()


def test_a_strong_password_is_accepted():
    user = User.objects.create_user(username="strong", password="kopi-Alor-2025-pagi")
    assert user.check_password("kopi-Alor-2025-pagi")


def test_an_idle_session_expires(client, province_officer):
    client.force_login(province_officer)
    assert client.get(reverse("home")).status_code == 200
    session = Session.objects.get()
    idle = session.expire_date - timezone.now()
    assert datetime.timedelta(minutes=29) < idle <= datetime.timedelta(minutes=30)
    # A request more than a minute after the last renewal moves the expiry forward.
    session_data = client.session
    session_data["_lindungi_last_seen"] = 0
    session_data.save()
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=5))
    client.get(reverse("home"))
    idle = Session.objects.get().expire_date - timezone.now()
    assert idle > datetime.timedelta(minutes=29)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
