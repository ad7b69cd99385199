"""Writes on users. Every write records an audit row in the same transaction."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from lindungi.accounts.models import User
from lindungi.core.roles import Role


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    regency_code: str | None


DEMO_LOGINS = [
    DemoLogin("admin", Role.PROVINCE_ADMIN, None),
    DemoLogin("provinsi", Role.PROVINCE_OFFICER, None),
    DemoLogin("alor", Role.REGENCY_OFFICER, "53.05"),
    DemoLogin("ttu", Role.REGENCY_OFFICER, "53.03"),
    DemoLogin("bpjs", Role.INSURER_LIAISON, None),
    DemoLogin("auditor", Role.AUDITOR, None),
    DemoLogin("panel", Role.PANEL_MEMBER, None),
]


def create_user(
    *,
    username: str,
    password: str,
    role: str,
    regency_code: str | None = None,
    is_superuser: bool = False,
    first_name: str = "",
    last_name: str = "",
) -> User:
    from lindungi.audit.services import record_event

    with transaction.atomic():
        user = User(
            username=username,
            role=role,
            regency_id=regency_code,
            is_superuser=is_superuser,
            is_staff=is_superuser,
            first_name=first_name,
            last_name=last_name,
        )
        user.full_clean(exclude=["password"])
        validate_password(password, user)
        user.set_password(password)
        user.save()
        record_event(
            action="accounts.create_user",
            target=user,
            after={"username": username, "role": role, "regency": regency_code},
        )
    return user


def create_demo_users() -> list[tuple[DemoLogin, bool]]:
    """Create the demo logins that do not exist yet; re-running changes nothing."""
    created = []
    for login in DEMO_LOGINS:
        exists = User.objects.filter(username=login.username).exists()
        if not exists:
            create_user(
                username=login.username,
                password=settings.LINDUNGI_DEMO_PASSWORD,
                role=login.role,
                regency_code=login.regency_code,
                is_superuser=login.username == "admin",
            )
        created.append((login, not exists))
    return created
