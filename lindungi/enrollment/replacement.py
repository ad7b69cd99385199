"""Giving a freed place to the next eligible person on the same regency's waitlist.

The programme's ReplacementPolicy says until when (cut-off date) and how (select automatically,
or propose for approval). The new place keeps the vacated place's cohort (its payer), and rides
the next submission batch like any other "selected" enrollment.
"""

from collections import defaultdict
from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.core.changes import notify
from lindungi.core.dates import local_today
from lindungi.core.errors import InvalidTransition
from lindungi.core.permissions import Action, require
from lindungi.enrollment.choices import (
    EnrollmentState,
    ExitReason,
    ReplacementMode,
    ReplacementStatus,
)
from lindungi.enrollment.models import Enrollment, Replacement, ReplacementPolicy
from lindungi.enrollment.sectors import assign_sectors
from lindungi.enrollment.selectors import list_next_waitlisted
from lindungi.enrollment.sql import record_transitions


def replace_freed_places(*, user, vacated_ids: list[int], on: date | None = None) -> int:
    """Replace (or propose replacements for) the given ended enrollments where policy allows.

    A place counts as freed on the later of its exit date and the day it is recorded (`on`);
    only places freed on or before the cut-off date are refilled. Call inside the transaction
    that ended them. Returns the number of replacements made or proposed.
    """
    on = on or local_today()
    vacated = (
        # Ended places, and places the insurer refused (issue 19, point 5): both are empty.
        Enrollment.objects.filter(
            pk__in=vacated_ids, state__in=(EnrollmentState.ENDED, EnrollmentState.REJECTED)
        )
        .exclude(end_reason=ExitReason.PROGRAMME_ENDED)
        .exclude(Exists(Replacement.objects.filter(vacated=OuterRef("pk"))))
        .exclude(replaced_by__isnull=False)
        .order_by("ended_on", "pk")
    )
    policies = {
        policy.programme_id: policy
        for policy in ReplacementPolicy.objects.filter(
            programme_id__in=vacated.values("programme_id")
        )
    }
    groups: dict[tuple[int, str], list[Enrollment]] = defaultdict(list)
    for enrollment in vacated:
        policy = policies.get(enrollment.programme_id)
        freed_on = max(enrollment.ended_on or on, on)
        if policy is None or freed_on > policy.cutoff_date:
            continue
        groups[(enrollment.programme_id, enrollment.regency_id)].append(enrollment)
    made = 0
    with transaction.atomic():
        for (programme_id, regency_id), places in sorted(groups.items()):
            policy = policies[programme_id]
            candidates = list(
                list_next_waitlisted(programme_id=programme_id, regency_id=regency_id)[
                    : len(places)
                ]
            )
            # When the waitlist runs dry, the remaining places simply stay empty.
            pairs = list(zip(places, candidates, strict=False))
            if not pairs:
                continue
            now = timezone.now()
            if policy.mode == ReplacementMode.AUTOMATIC:
                new_places = Enrollment.objects.bulk_create(
                    Enrollment(
                        person_id=decision.person_id,
                        programme_id=programme_id,
                        cohort_id=place.cohort_id,
                        regency_id=regency_id,
                        decision_id=decision.pk,
                        replaces_id=place.pk,
                        created_at=now,
                        updated_at=now,
                    )
                    for place, decision in pairs
                )
                assign_sectors(Enrollment.objects.filter(pk__in=[item.pk for item in new_places]))
                record_transitions(
                    Enrollment.objects.filter(pk__in=[item.pk for item in new_places]),
                    to_state=EnrollmentState.SELECTED,
                    created=True,
                    on=on,
                    actor_id=getattr(user, "pk", None),
                    note=_("replacement"),
                )
                Replacement.objects.bulk_create(
                    Replacement(
                        vacated_id=place.pk,
                        decision_id=decision.pk,
                        status=ReplacementStatus.SELECTED,
                        enrollment_id=new.pk,
                        decided_at=now,
                    )
                    for (place, decision), new in zip(pairs, new_places, strict=True)
                )
            else:
                Replacement.objects.bulk_create(
                    Replacement(
                        vacated_id=place.pk,
                        decision_id=decision.pk,
                        status=ReplacementStatus.PROPOSED,
                    )
                    for place, decision in pairs
                )
            made += len(pairs)
        if made:
            notify("enrollment.exit")
            record_event(
                action="enrollment.places_replaced",
                object_type="enrollment.replacement",
                object_repr=f"{made} places",
                summary={"replacements": made, "vacated": sorted(vacated_ids)[:50]},
                user=user,
            )
    return made


def decide_replacement(*, user, replacement: Replacement, accept: bool) -> Replacement:
    """Accept (create the new place) or decline a proposed replacement."""
    require(user, Action.MANAGE_PROGRAMMES)
    with transaction.atomic():
        current = Replacement.objects.select_for_update().get(pk=replacement.pk)
        if current.status != ReplacementStatus.PROPOSED:
            raise InvalidTransition(
                _("This replacement has already been decided."), code="replacement_decided"
            )
        now = timezone.now()
        if accept:
            vacated = current.vacated
            decision = current.decision
            new = Enrollment.objects.create(
                person_id=decision.person_id,
                programme_id=vacated.programme_id,
                cohort_id=vacated.cohort_id,
                regency_id=vacated.regency_id,
                decision=decision,
                replaces=vacated,
            )
            assign_sectors(Enrollment.objects.filter(pk=new.pk))
            record_transitions(
                Enrollment.objects.filter(pk=new.pk),
                to_state=EnrollmentState.SELECTED,
                created=True,
                on=local_today(),
                actor_id=user.pk,
                note=_("replacement"),
            )
            current.enrollment = new
            current.status = ReplacementStatus.SELECTED
        else:
            current.status = ReplacementStatus.DECLINED
        current.decided_by = user
        current.decided_at = now
        current.save(update_fields=["enrollment", "status", "decided_by", "decided_at"])
        notify("enrollment.exit")
        record_event(
            action="enrollment.replacement_decided",
            target=current,
            after={"status": current.status},
            user=user,
        )
    return current
