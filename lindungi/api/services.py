"""Writes of the API app: API clients (create, revoke) and their token use.

Each service takes the acting user, checks the permission through core.permissions and records
its audit event in the same transaction.
"""

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.api.choices import ClientRole
from lindungi.api.models import ApiClient
from lindungi.audit.services import record_event
from lindungi.core.errors import InvalidInput
from lindungi.core.permissions import Action, require
from lindungi.regions.models import Regency

TOKEN_PREFIX = "lnd_"  # noqa: S105 (a marker, not a secret)
PREFIX_LENGTH = 10


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def split_token(token: str) -> str | None:
    """The lookup prefix of a well-formed token, else None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    prefix, _sep, secret = token[len(TOKEN_PREFIX) :].partition("_")
    if len(prefix) != PREFIX_LENGTH or not secret:
        return None
    return prefix


def _new_token() -> tuple[str, str]:
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    return prefix, f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"


def create_api_client(
    *, user, name: str, role: str, regency: str | None = None, signing_key: str = ""
) -> tuple[ApiClient, str]:
    """A new client and its token (returned once, never stored in clear)."""
    require(user, Action.MANAGE_USERS)
    name = " ".join((name or "").split())
    if not name or len(name) > 80:
        raise InvalidInput(_("Give the client a name of 1 to 80 characters."), code="bad_name")
    if role not in ClientRole.values:
        raise InvalidInput(
            _("Unknown role %(role)s; choose one of %(roles)s.")
            % {"role": role, "roles": ", ".join(ClientRole.values)},
            code="bad_role",
        )
    region = None
    if role == ClientRole.REGENCY_OFFICER:
        region = Regency.objects.filter(code=regency or "").first()
        if region is None:
            raise InvalidInput(
                _("A regency client needs the code of an existing regency (e.g. 53.05)."),
                code="bad_region",
            )
    elif regency:
        raise InvalidInput(
            _("Only a regency client is bound to a region."), code="region_not_allowed"
        )
    prefix, token = _new_token()
    User = get_user_model()
    try:
        with transaction.atomic():
            system_user = User(
                username=f"api:{name}"[:150],
                role=role,
                regency=region,
                first_name=name[:150],
            )
            system_user.set_unusable_password()
            system_user.save()
            client = ApiClient.objects.create(
                name=name,
                role=role,
                regency=region,
                user=system_user,
                token_prefix=prefix,
                token_hash=hash_token(token),
                signing_key=signing_key.strip(),
                created_by=user,
            )
            record_event(
                action="api.client_create",
                target=client,
                after={"name": name, "role": role, "regency": region.pk if region else None},
                user=user,
            )
    except IntegrityError:
        raise InvalidInput(
            _("A client named %(name)s exists already.") % {"name": name}, code="duplicate_name"
        ) from None
    return client, token


def revoke_api_client(*, user, client: ApiClient) -> ApiClient:
    """The token stops working at once; the client's history stays."""
    require(user, Action.MANAGE_USERS)
    with transaction.atomic():
        client = ApiClient.objects.select_for_update().get(pk=client.pk)
        if client.revoked_at is not None:
            return client
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        type(client.user).objects.filter(pk=client.user_id).update(is_active=False)
        record_event(action="api.client_revoke", target=client, user=user)
    return client


def authenticate_token(token: str) -> ApiClient | None:
    """The active client holding `token`, or None. Compared in constant time."""
    prefix = split_token(token)
    if prefix is None:
        return None
    client = ApiClient.objects.select_related("user").filter(token_prefix=prefix).first()
    if client is None or not secrets.compare_digest(client.token_hash, hash_token(token)):
        return None
    if client.revoked_at is not None or not client.user.is_active:
        return None
    now = timezone.now()
    # Note the use at most once a minute: a write on every request would cost more than it says.
    if client.last_used_at is None or (now - client.last_used_at).total_seconds() > 60:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
    return client
