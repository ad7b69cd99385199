"""Persona fixtures shared by every test suite: one user per role, plus an outsider."""

import pytest

from lindungi.core.roles import Role

# Alor is "our" regency in tests; Timor Tengah Utara belongs to the outsider.
HOME_REGENCY = "53.05"
OTHER_REGENCY = "53.03"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached figures (the menu's count of work waiting,
    keyed by user id) must not leak from one test's database into the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the NTT regions and the national code history once per test database."""
    from lindungi.regions.services import load_regions

    with django_db_blocker.unblock():
        load_regions(province_codes=["53"])


def _make_user(username: str, role: str, regency: str | None = None, **extra):
    from lindungi.accounts.models import User

    user = User(username=username, role=role, regency_id=regency, **extra)
    user.set_password("test-password-123")
    user.save()
    return user


@pytest.fixture
def province_admin(db):
    return _make_user("prov_admin", Role.PROVINCE_ADMIN)


@pytest.fixture
def province_officer(db):
    return _make_user("prov_officer", Role.PROVINCE_OFFICER)


@pytest.fixture
def regency_officer(db):
    return _make_user("alor_officer", Role.REGENCY_OFFICER, HOME_REGENCY)


@pytest.fixture
def outsider(db):
    """An officer of another regency: must never see the home regency's people."""
    return _make_user("ttu_officer", Role.REGENCY_OFFICER, OTHER_REGENCY)


@pytest.fixture
def insurer_liaison(db):
    return _make_user("bpjs_liaison", Role.INSURER_LIAISON)


@pytest.fixture
def auditor(db):
    return _make_user("auditor", Role.AUDITOR)


@pytest.fixture
def superuser(db):
    return _make_user("root", "", is_superuser=True, is_staff=True)


@pytest.fixture
def personas(province_admin, province_officer, regency_officer, outsider, insurer_liaison, auditor):
    return {
        "province_admin": province_admin,
        "province_officer": province_officer,
        "regency_officer": regency_officer,
        "outsider": outsider,
        "insurer_liaison": insurer_liaison,
        "auditor": auditor,
    }
