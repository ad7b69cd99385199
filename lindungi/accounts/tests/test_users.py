import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from lindungi.accounts.models import User
from lindungi.accounts.services import DEMO_LOGINS, create_user
from lindungi.audit.models import AuditEvent
from lindungi.core.roles import Role

pytestmark = pytest.mark.django_db


def test_regency_officer_must_have_a_regency_and_others_must_not():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="x", role=Role.REGENCY_OFFICER)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="y", role=Role.AUDITOR, regency_id="53.05")
    assert not User.objects.filter(username__in=["x", "y"]).exists()


def test_create_user_validates_and_records_an_audit_row(province_admin):
    user = create_user(
        username="officer_alor",
        password="a-long-password-1",
        role=Role.REGENCY_OFFICER,
        regency_code="53.05",
    )
    event = AuditEvent.objects.get(action="accounts.create_user")
    assert event.object_id == str(user.pk)
    assert event.changes["role"] == [None, "regency_officer"]
    with pytest.raises(ValidationError):
        create_user(username="bad", password="x", role="pope")
    assert not User.objects.filter(username="bad").exists()


def test_demo_users_are_created_once_and_rerunning_changes_nothing(capsys):
    call_command("create_demo_users")
    first = capsys.readouterr().out
    assert "admin" in first and "created" in first
    count = User.objects.count()
    events = AuditEvent.objects.count()
    call_command("create_demo_users")
    second = capsys.readouterr().out
    assert "[exists]" in second and "[created]" not in second
    assert User.objects.count() == count == len(DEMO_LOGINS)
    assert AuditEvent.objects.count() == events
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.role == Role.PROVINCE_ADMIN
    assert admin.check_password("lindungi-demo-2025")
    assert User.objects.get(username="alor").regency_id == "53.05"
