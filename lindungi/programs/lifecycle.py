"""What may change in each state of a programme, and the move from draft to active.

draft -> active (its selection is approved and its first people are covered) -> closing
(coverage ended; the last statements and payments still arrive) -> closed (the close-out
report is frozen). Closing and closing out need enrollment and money, so they live in the
`cycle` app; this module holds the rule table every writer consults.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindungi.audit.services import record_event
from lindungi.core.errors import InvalidTransition
from lindungi.programs.choices import ProgrammeStatus
from lindungi.programs.models import Programme

# What can change, by part of the programme. The page shows this table for the current state.
SECTIONS = {
    "name": gettext_lazy("Name"),
    "coverage": gettext_lazy("Coverage dates, package, income basis, target"),
    "eligibility": gettext_lazy("Eligibility rules, quota method, priority criteria"),
    "cohorts": gettext_lazy("Cohorts and quotas"),
    "selection": gettext_lazy("Selection runs"),
    "funding": gettext_lazy("Funding shares (from a month not yet billed)"),
    "enrollment": gettext_lazy("Submissions, insurer responses, exits"),
    "billing": gettext_lazy("Billing and adjustments"),
    "payments": gettext_lazy("Payments and insurer statements"),
}
EDITABLE: dict[str, frozenset[str]] = {
    ProgrammeStatus.DRAFT: frozenset(SECTIONS),
    ProgrammeStatus.ACTIVE: frozenset({"name", "funding", "enrollment", "billing", "payments"}),
    # Coverage is over: only the money of the months already covered still moves.
    ProgrammeStatus.CLOSING: frozenset({"billing", "payments"}),
    ProgrammeStatus.CLOSED: frozenset(),
}
FIELD_SECTIONS = {
    "name": "name",
    "year": "coverage",
    "coverage_start": "coverage",
    "coverage_end": "coverage",
    "package": "coverage",
    "income_basis": "coverage",
    "target_headcount": "coverage",
}
TRANSITIONS: dict[str, frozenset[str]] = {
    ProgrammeStatus.DRAFT: frozenset({ProgrammeStatus.ACTIVE}),
    ProgrammeStatus.ACTIVE: frozenset({ProgrammeStatus.CLOSING}),
    ProgrammeStatus.CLOSING: frozenset({ProgrammeStatus.CLOSED}),
    ProgrammeStatus.CLOSED: frozenset(),
}


def can_edit(programme: Programme, section: str) -> bool:
    return section in EDITABLE[ProgrammeStatus(programme.status)]


def check_editable(programme: Programme, section: str) -> None:
    if not can_edit(programme, section):
        raise InvalidTransition(
            _("The programme is %(status)s: %(part)s can no longer change.")
            % {
                "status": ProgrammeStatus(programme.status).label.lower(),
                "part": str(SECTIONS[section]).lower(),
            },
            code=f"{section}_locked",
        )


def check_fields_editable(programme: Programme, fields) -> None:
    for field in sorted(fields):
        check_editable(programme, FIELD_SECTIONS.get(field, "eligibility"))


def editable_table(programme: Programme) -> list[tuple[str, bool]]:
    """(section label, may change now) for the programme page."""
    allowed = EDITABLE[ProgrammeStatus(programme.status)]
    return [(str(label), key in allowed) for key, label in SECTIONS.items()]


def move_status(*, user, programme: Programme, to_status: str, summary: dict) -> Programme:
    """One step of the lifecycle, locked and audited. Callers check the preconditions."""
    with transaction.atomic():
        current = Programme.objects.select_for_update().get(pk=programme.pk)
        if to_status not in TRANSITIONS[ProgrammeStatus(current.status)]:
            raise InvalidTransition(
                _("A programme cannot go from %(from)s to %(to)s.")
                % {
                    "from": ProgrammeStatus(current.status).label,
                    "to": ProgrammeStatus(to_status).label,
                },
                code=f"programme_{current.status}_to_{to_status}",
            )
        before = current.status
        Programme.objects.filter(pk=current.pk).update(status=to_status)
        current.status = to_status
        record_event(
            action=f"programs.programme_{to_status}",
            target=current,
            before={"status": before},
            after={"status": to_status},
            summary=summary,
            user=user,
        )
    programme.status = to_status
    return current


def activate_if_started(*, user, programme: Programme, covered: int) -> bool:
    """Draft -> active once the approved selection's first people are covered.

    Called by the writers that make people covered (the insurer's response, the carrying
    over of continuing participants). Does nothing when the programme is not a draft.
    """
    from lindungi.programs.choices import RunStatus

    if covered <= 0:
        return False
    current = Programme.objects.get(pk=programme.pk)
    if current.status != ProgrammeStatus.DRAFT:
        return False
    if not current.runs.filter(status=RunStatus.APPROVED).exists():
        return False
    move_status(
        user=user, programme=current, to_status=ProgrammeStatus.ACTIVE, summary={"covered": covered}
    )
    programme.status = ProgrammeStatus.ACTIVE
    return True
