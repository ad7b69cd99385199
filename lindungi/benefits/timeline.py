"""A person's claims as lines of their timeline (reports/timeline.py asks for them)."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from lindungi.core.permissions import Action, can, scoped
from lindungi.core.timeline import TimelineEntry


def claim_entries(person, user) -> Iterable[TimelineEntry]:
    from lindungi.benefits.models import Claim

    if not can(user, Action.VIEW_CLAIMS):
        return
    for claim in scoped(user, Claim.objects.filter(person=person)).order_by("incident_date"):
        yield TimelineEntry(
            claim.incident_date,
            "benefits",
            _("Claim %(number)s: %(kind)s")
            % {"number": claim.number, "kind": claim.get_kind_display()},
            " · ".join((claim.get_status_display(), claim.get_verdict_display())),
            recorded_at=claim.created_at,
        )
