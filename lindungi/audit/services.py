"""Recording audit events. Call `record_event` inside the transaction that makes the change."""

from datetime import UTC
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from lindungi.audit.chain import GENESIS_HASH, compute_hash, normalise_json
from lindungi.audit.context import current_context
from lindungi.audit.models import AuditEvent

# Any fixed number: the advisory lock that serialises appends to the chain on PostgreSQL.
_CHAIN_LOCK_KEY = 7_405_530_001


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose value changed, as {"field": [before, after]}."""
    keys = sorted(set(before) | set(after))
    return {
        key: [before.get(key), after.get(key)] for key in keys if before.get(key) != after.get(key)
    }


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite: transactions are BEGIN IMMEDIATE (see settings), so writers are already serialised.


def record_event(
    *,
    action: str,
    target: Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    summary: dict[str, Any] | None = None,
    user=None,
) -> AuditEvent:
    """Append one audit row. `before`/`after` are field values; only changed fields are kept."""
    context = current_context()
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
        object_repr = object_repr or str(target)[:200]
    changes: dict[str, Any] = diff(normalise_json(before or {}), normalise_json(after or {}))
    if summary:
        changes["summary"] = normalise_json(summary)
    actor_id = user.pk if user is not None else context.user_id
    actor_username = ""
    if user is not None:
        actor_username = user.get_username()
    elif actor_id is not None:
        from django.contrib.auth import get_user_model

        actor_username = (
            get_user_model().objects.filter(pk=actor_id).values_list("username", flat=True).first()
            or ""
        )
    with transaction.atomic():
        _lock_chain()
        previous_hash = (
            AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
            or GENESIS_HASH
        )
        # Microsecond UTC timestamps survive the round trip through both databases unchanged.
        occurred_at = timezone.now().astimezone(UTC)
        fields: dict[str, Any] = {
            "occurred_at": occurred_at,
            "actor_id": actor_id,
            "actor_username": actor_username,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "object_repr": object_repr,
            "changes": changes,
            "source": context.source,
            "source_reference": context.reference[:64],
        }
        event = AuditEvent(previous_hash=previous_hash, **fields)
        event.hash = compute_hash(previous_hash=previous_hash, **fields)
        event.save()
    return event


def record_export(*, user, kind: str, target: Model, file_format: str) -> AuditEvent:
    """A download of personal data (issue 12.7): who took which file, in which format.

    Actions are named "export.<kind>" so that readers can tell them from changes."""
    return record_event(
        action=f"export.{kind}", target=target, user=user, summary={"format": file_format}
    )
