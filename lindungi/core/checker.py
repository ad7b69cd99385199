"""Maker-checker (issue 19, point 3): one mechanism for every action a second person approves.

An action that needs a checker is prepared by one user and decided (approved or refused) by
another user with the right, never by the one who prepared it. Approving a selection run
(`programs.approval.approve_run`) compares the run's `created_by`; a record that waits for its
checker (a payment above the threshold, a write-off of arrears, a rate change) subclasses
`MakerChecker`, which keeps who prepared it, who decided and when, and is decided through
`decide()`: the same
second-person check, the same fields, frozen once decided (the owning app's migration adds the
database triggers). The audit event of the decision names both people (`checker_summary`).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindungi.core.errors import InvalidTransition


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("Waiting for a second person")
    APPROVED = "approved", gettext_lazy("Approved")
    REFUSED = "refused", gettext_lazy("Refused")


def require_second_person(*, prepared_by_id: int | None, user, message: str | None = None) -> None:
    """Refuse when the checker is the person who prepared the action (`self_approval`)."""
    if prepared_by_id is not None and prepared_by_id == user.pk:
        raise InvalidTransition(
            message or _("A second person approves this, not the one who prepared it."),
            code="self_approval",
        )


class MakerChecker(models.Model):
    """Who prepared a record that waits for a checker, and who decided it."""

    status = models.CharField(
        max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)

    class Meta:
        abstract = True


def check_decidable(record: MakerChecker, *, user) -> None:
    """A record is decided once, and by a second person."""
    if record.status != ApprovalStatus.PENDING:
        raise InvalidTransition(_("This is already decided."), code="decided")
    require_second_person(prepared_by_id=record.prepared_by_id, user=user)


def decide(
    record: MakerChecker, *, user, approve: bool, note: str = "", fields: tuple[str, ...] = ()
) -> None:
    """Mark a pending record (locked by the caller) approved or refused by a second person;
    `fields` are further fields the caller set on it, saved in the same (last) write."""
    check_decidable(record, user=user)
    record.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REFUSED
    record.decided_by = user
    record.decided_at = timezone.now()
    record.decision_note = note.strip()[:500]
    record.save(update_fields=["status", "decided_by", "decided_at", "decision_note", *fields])


def checker_summary(record: MakerChecker) -> dict:
    """Both people, for the audit event of the decision."""
    return {
        "prepared_by": record.prepared_by.username,
        "decided_by": record.decided_by.username if record.decided_by else None,
        "status": record.status,
    }
