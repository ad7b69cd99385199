"""The hash chain: each row's hash covers its content and the previous row's hash."""

import hashlib
import json
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

GENESIS_HASH = "0" * 64


def normalise_json(value: Any) -> Any:
    """What the database will give back for this value (dates and decimals become strings)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def compute_hash(
    *,
    previous_hash: str,
    occurred_at: datetime,
    actor_id: int | None,
    actor_username: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    changes: Any,
    source: str,
    source_reference: str,
) -> str:
    payload = json.dumps(
        [
            previous_hash,
            occurred_at.isoformat(timespec="microseconds"),
            actor_id,
            actor_username,
            action,
            object_type,
            object_id,
            object_repr,
            changes,
            source,
            source_reference,
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def hash_of(event) -> str:
    return compute_hash(
        previous_hash=event.previous_hash,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        actor_username=event.actor_username,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        object_repr=event.object_repr,
        changes=event.changes,
        source=event.source,
        source_reference=event.source_reference,
    )
