"""Test helpers: an acting user for services that require one (every write service does)."""

from lindungi.core.roles import Role


def acting_officer(username: str = "officer", role: str = Role.PROVINCE_OFFICER):
    """A province officer (or the given role), created once per test database."""
    from lindungi.accounts.models import User

    user, _created = User.objects.get_or_create(username=username, defaults={"role": role})
    return user
