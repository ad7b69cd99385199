"""The panel: members of a period, their conflicts of interest, and their scores.

Each member scores on their own: a member's page shows only their own scores until the
results are published. A member with a conflict of interest never scores that regency.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.awards.choices import PeriodStatus, SubmissionStatus
from lindungi.awards.models import (
    AssessmentPeriod,
    ConflictOfInterest,
    Criterion,
    Entry,
    PanelMember,
    Score,
)
from lindungi.core.errors import InvalidInput, InvalidTransition
from lindungi.core.permissions import Action, can, require
from lindungi.core.roles import Role


def appoint_member(*, user, period: AssessmentPeriod, member, seat: str) -> PanelMember:
    """Seat a user who holds the panel member role on the period's panel."""
    require(user, Action.MANAGE_AWARDS)
    if member.role != Role.PANEL_MEMBER or not member.is_active:
        raise InvalidInput(
            _("%(name)s does not hold the panel member role.") % {"name": member.username},
            code="not_panel_member",
        )
    if not seat.strip():
        raise InvalidInput(_("Name the seat (for example chair or secretary)."), code="seat")
    try:
        with transaction.atomic():
            seated = PanelMember.objects.create(period=period, user=member, seat=seat.strip())
            record_event(
                action="awards.appoint_member",
                target=seated,
                after={"period": period.year, "user": member.username, "seat": seated.seat},
                user=user,
            )
    except IntegrityError:
        raise InvalidInput(
            _("%(name)s already sits on this panel.") % {"name": member.username},
            code="member_exists",
        ) from None
    return seated


def declare_conflict(*, user, member: PanelMember, regency_code: str, reason: str):
    """Exclude a member from a regency's entries; the province or the member may declare it."""
    from lindungi.regions.models import Regency

    if not (can(user, Action.MANAGE_AWARDS) or member.user_id == getattr(user, "pk", None)):
        raise PermissionDenied("declare_conflict")
    if not reason.strip():
        raise InvalidInput(_("State the conflict of interest."), code="reason")
    if not Regency.objects.filter(code=regency_code).exists():
        raise InvalidInput(_("Unknown regency %(code)s.") % {"code": regency_code}, code="regency")
    try:
        with transaction.atomic():
            conflict = ConflictOfInterest.objects.create(
                member=member, regency_id=regency_code, reason=reason.strip()
            )
            # Scores given before the declaration no longer count (results skip them) but
            # stay in the table and the audit trail.
            record_event(
                action="awards.declare_conflict",
                target=member,
                after={"regency": regency_code, "reason": conflict.reason},
                user=user,
            )
    except IntegrityError:
        raise InvalidInput(
            _("This conflict of interest is already declared."), code="conflict_exists"
        ) from None
    return conflict


def membership(user, period: AssessmentPeriod) -> PanelMember | None:
    if not can(user, Action.SCORE_AWARDS):
        return None
    return PanelMember.objects.filter(period=period, user=user).first()


def is_conflicted(member: PanelMember, regency_code: str) -> bool:
    return ConflictOfInterest.objects.filter(member=member, regency_id=regency_code).exists()


def scoring_refusal(user, entry: Entry) -> str | None:
    """Why this user may not score this entry now, or None when they may."""
    period = entry.category.period
    member = membership(user, period)
    if member is None:
        return _("Only a member of this period's panel scores.")
    if is_conflicted(member, entry.regency_id):
        return _("You declared a conflict of interest with %(regency)s.") % {
            "regency": entry.regency.name
        }
    if period.status != PeriodStatus.REVIEW:
        return _("The panel scores during the review only.")
    if entry.status != SubmissionStatus.SUBMITTED:
        return _("The self-assessment is not submitted.")
    return None


def record_score(
    *, user, entry: Entry, criterion: Criterion, value: str | Decimal, note: str = ""
) -> Score:
    """Record or change this member's score of one criterion; audited with before and after."""
    require(user, Action.SCORE_AWARDS)
    if criterion.category_id != entry.category_id:
        raise InvalidInput(_("This criterion belongs to another category."), code="criterion")
    try:
        number = Decimal(str(value).replace(",", ".").strip())
    except InvalidOperation:
        raise InvalidInput(
            _("%(name)s: %(value)s is not a score.") % {"name": criterion.name, "value": value},
            code="score",
        ) from None
    if not number.is_finite() or not (criterion.scale_min <= number <= criterion.scale_max):
        raise InvalidInput(
            _("%(name)s: a score runs from %(low)s to %(high)s; %(value)s is outside the scale.")
            % {
                "name": criterion.name,
                "low": criterion.scale_min,
                "high": criterion.scale_max,
                "value": value,
            },
            code="score_out_of_scale",
        )
    if number != number.quantize(Decimal("0.01")):
        raise InvalidInput(
            _("%(name)s: a score has at most two decimals.") % {"name": criterion.name},
            code="score",
        )
    # Stored with two decimals: the audit trail then shows "85.00" before and after alike.
    number = number.quantize(Decimal("0.01"))
    with transaction.atomic():
        entry = (
            Entry.objects.select_for_update().select_related("category__period").get(pk=entry.pk)
        )
        refusal = scoring_refusal(user, entry)
        if refusal:
            raise InvalidTransition(refusal, code="scoring_refused")
        member = membership(user, entry.category.period)
        current = Score.objects.filter(entry=entry, criterion=criterion, member=member).first()
        before = {"score": str(current.value), "note": current.note} if current else {}
        score, _created = Score.objects.update_or_create(
            entry=entry,
            criterion=criterion,
            member=member,
            defaults={"value": number, "note": note.strip()},
        )
        record_event(
            action="awards.record_score",
            target=entry,
            object_repr=f"{entry} · {criterion.code} · {user.username}",
            before=before,
            after={"score": str(score.value), "note": score.note},
            user=user,
        )
    return score


def record_scores(*, user, entry: Entry, scores: list[tuple[Criterion, str, str]]) -> int:
    """Record several criteria at once, all or nothing: (criterion, score, note); a blank score
    is skipped. Returns how many were recorded."""
    recorded = 0
    with transaction.atomic():
        for criterion, value, note in scores:
            if str(value).strip() == "":
                continue
            record_score(user=user, entry=entry, criterion=criterion, value=value, note=note)
            recorded += 1
    return recorded
