"""A confirmed duplicate resolved: the registry keeps one record; enrollment ends the double
place (issue 19, point 2).

`registry.services.resolve_duplicate` records which NIK is kept and whether the other one is
merged into it or excluded, with the reason. Here, in the same transaction: every open place of
the other person in a programme where the kept person also holds an open place ends
(`ExitReason.DUPLICATE`, the event note naming the kept NIK), and the freed places go to the
waitlist like any exit. Where the kept person holds no place, the other person's place is left
as it is: it is the one place this human holds, and ending it would leave them uncovered (the
selection's "why" and the person page say they were merged or excluded).
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from lindungi.audit.services import record_event
from lindungi.core.changes import notify
from lindungi.core.dates import local_today
from lindungi.enrollment.choices import OPEN_STATES, EnrollmentState, ExitReason
from lindungi.enrollment.models import Enrollment
from lindungi.enrollment.replacement import replace_freed_places
from lindungi.enrollment.services import end_places
from lindungi.enrollment.sql import record_transitions
from lindungi.registry.models import DuplicateCandidate, Person
from lindungi.registry.services import resolve_duplicate


@dataclass(frozen=True)
class PairResolved:
    duplicate: DuplicateCandidate
    places_ended: int
    places_kept: int  # the other person's open places where the kept person holds none
    replacements: int


def resolve_duplicate_pair(
    *,
    duplicate: DuplicateCandidate,
    keep: Person,
    resolution: str,
    reason: str,
    user,
    on: date | None = None,
) -> PairResolved:
    """Resolve the pair in the registry and end the other person's double places."""
    on = on or local_today()
    with transaction.atomic():
        pair = resolve_duplicate(
            duplicate=duplicate, user=user, keep=keep, resolution=resolution, reason=reason
        )
        other_open = Enrollment.objects.filter(
            person_id=pair.other_person_id, state__in=OPEN_STATES
        )
        kept_in_same = Enrollment.objects.filter(
            person_id=keep.pk, programme_id=OuterRef("programme_id"), state__in=OPEN_STATES
        )
        double = other_open.filter(Exists(kept_in_same)).order_by()
        ids = list(double.values_list("pk", flat=True))
        kept = other_open.count() - len(ids)
        replacements = 0
        if ids:
            group = Enrollment.objects.filter(pk__in=ids)
            record_transitions(
                group,
                to_state=EnrollmentState.ENDED,
                on=on,
                actor_id=user.pk,
                note=f"{ExitReason.DUPLICATE}: {keep.nik}",
            )
            end_places(group, reason=ExitReason.DUPLICATE, ended_on=on, updated_at=timezone.now())
            replacements = replace_freed_places(user=user, vacated_ids=ids, on=on)
            notify("enrollment.exit")
        record_event(
            action="enrollment.duplicate_places_ended",
            target=pair,
            summary={
                "kept_nik": keep.nik,
                "resolution": pair.resolution,
                "ended": len(ids),
                "left_open": kept,
                "replacements": replacements,
            },
            user=user,
        )
    return PairResolved(
        duplicate=pair, places_ended=len(ids), places_kept=kept, replacements=replacements
    )
