"""Sign-ins in the audit trail: every success, failure and lock-out, from pages and the API.

Django announces logins through signals (the only hook its auth views and DRF's basic
authentication share), so these receivers are the one place that records them.
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from lindungi.accounts.middleware import mark_seen
from lindungi.audit.services import record_event


def _address(request) -> str:
    meta = getattr(request, "META", None) or {}
    return str(meta.get("REMOTE_ADDR", ""))[:45]


def _channel(request) -> str:
    path = str(getattr(request, "path", "") or "")
    return "api" if path.startswith("/api/") else "web"


@receiver(user_logged_in, dispatch_uid="lindungi.audit_login")
def audit_login(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        mark_seen(session)  # the idle timer starts at sign-in
    record_event(
        action="accounts.login",
        target=user,
        user=user,
        summary={"address": _address(request), "channel": _channel(request)},
    )


@receiver(user_logged_out, dispatch_uid="lindungi.audit_logout")
def audit_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        record_event(action="accounts.logout", target=user, user=user)


@receiver(user_login_failed, dispatch_uid="lindungi.audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # The username tried is kept (it shows guessing); the password never (Django masks it).
    username = str(credentials.get("username", ""))[:150]
    record_event(
        action="accounts.login_failed",
        object_type="accounts.user",
        object_repr=username,
        summary={"username": username, "address": _address(request), "channel": _channel(request)},
    )


def audit_lockout(sender, request, username, ip_address, **kwargs) -> None:
    record_event(
        action="accounts.login_locked_out",
        object_type="accounts.user",
        object_repr=str(username or "")[:150],
        summary={"username": str(username or "")[:150], "address": str(ip_address or "")},
    )
