"""The keyed hash chain: each row's hash is an HMAC-SHA256, under a key kept outside the
database (settings.AUDIT_CHAIN_KEY, from the environment or a file), of its content and the
previous row's hash. Someone who can write to the database but does not hold the key cannot
recompute the chain after changing a row (issue 12.7)."""

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

from django.conf import settings
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
    return hmac.new(chain_key(), payload.encode("utf-8"), hashlib.sha256).hexdigest()


def chain_key() -> bytes:
    return settings.AUDIT_CHAIN_KEY.encode("utf-8")


def sign(text: str) -> str:
    """The signature of a checkpoint: an HMAC under a key derived from the chain key, so a
    checkpoint signature can never be replayed as a row hash."""
    key = hmac.new(chain_key(), b"lindungi.audit.checkpoint", hashlib.sha256).digest()
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


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
