"""Reads of the audit trail."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import QuerySet
from django.utils import timezone

from lindungi.audit.chain import GENESIS_HASH, hash_of
from lindungi.audit.models import AuditEvent


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    reason: str  # "hash_mismatch" (row content changed) or "link_mismatch" (row removed/reordered)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_break: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.first_break is None


def verify_chain(*, chunk_size: int = 2000) -> ChainReport:
    """Walk the chain in insertion order and report the first row whose hash or link is wrong."""
    expected_previous = GENESIS_HASH
    checked = 0
    events = AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size)
    for event in events:
        checked += 1
        if event.previous_hash != expected_previous:
            return ChainReport(checked, ChainBreak(event.id, "link_mismatch"))
        if hash_of(event) != event.hash:
            return ChainReport(checked, ChainBreak(event.id, "hash_mismatch"))
        expected_previous = event.hash
    return ChainReport(checked, None)


def list_events(
    *,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.all()
    if actor:
        events = events.filter(actor_username__icontains=actor)
    if action:
        events = events.filter(action__icontains=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    zone = timezone.get_current_timezone()
    if date_from:
        events = events.filter(occurred_at__gte=datetime.combine(date_from, time.min, zone))
    if date_to:
        events = events.filter(occurred_at__lte=datetime.combine(date_to, time.max, zone))
    return events.order_by("-id")


def list_object_types() -> list[str]:
    return list(
        AuditEvent.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
    )
