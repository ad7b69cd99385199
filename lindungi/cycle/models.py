"""The yearly cycle: a programme renewed into the next year, its re-verification diff, and the
frozen close-out report of a closed programme."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from lindungi.cycle.choices import EntryOutcome, LeaveReason, RenewalStatus


class Renewal(models.Model):
    """This year's programme renewed into next year's. One per programme: renewing twice finds
    this row (the unique constraint) instead of creating a second programme."""

    from_programme = models.OneToOneField(
        "programs.Programme", on_delete=models.PROTECT, related_name="renewal"
    )
    to_programme = models.OneToOneField(
        "programs.Programme", on_delete=models.PROTECT, related_name="renewed_from"
    )
    status = models.CharField(
        max_length=10, choices=RenewalStatus.choices, default=RenewalStatus.PREPARED
    )
    # Cohort of the old programme -> its copy in the new one (str keys: JSON).
    cohort_map = models.JSONField(default=dict)
    counts = models.JSONField(default=dict, blank=True)
    # The poverty-data edition the last re-verification read (Person.source_edition).
    verified_edition = models.CharField(max_length=7, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.from_programme_id} -> {self.to_programme_id}"


class RenewalEntry(models.Model):
    """One person in the re-verification diff: continues, leaves (with its reason), or is
    newly eligible. Written set-based by the re-verification; the province may override one
    person's outcome (an exception) and a regency officer may comment on their own people."""

    REGENCY_SCOPE_FIELD = "regency_id"

    renewal = models.ForeignKey(
        Renewal,
        on_delete=models.CASCADE,
        related_name="entries",
        db_index=False,
        db_constraint=False,
    )
    # Written a million at a time by INSERT..SELECT from rows the database already checked:
    # no foreign-key checks and no single-column indexes (the composite ones serve the reads).
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    # Last year's place (none for the newly eligible).
    previous = models.ForeignKey(
        "enrollment.Enrollment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    regency = models.ForeignKey(
        "regions.Regency",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    # As the re-verification computed it, and as it stands after the province's exceptions.
    computed_outcome = models.CharField(max_length=15, choices=EntryOutcome.choices)
    outcome = models.CharField(max_length=15, choices=EntryOutcome.choices)
    reason = models.CharField(max_length=20, choices=LeaveReason.choices, blank=True)
    # The values the reason was read from, so the diff explains itself later.
    desil = models.PositiveSmallIntegerField(null=True)
    age = models.SmallIntegerField(null=True)
    exception_note = models.CharField(max_length=300, blank=True)
    exception_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    comment = models.CharField(max_length=500, blank=True)
    commented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )

    class Meta:
        ordering = ["renewal", "regency", "person"]
        constraints = [
            models.UniqueConstraint(fields=["renewal", "person"], name="cycle_entry_once"),
            models.CheckConstraint(
                condition=(Q(outcome=EntryOutcome.LEAVES) & ~Q(reason=""))
                | (~Q(outcome=EntryOutcome.LEAVES) & Q(reason="")),
                name="cycle_entry_leaver_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["renewal", "regency"], name="cycle_entry_regency")]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.outcome}"


class CloseOut(models.Model):
    """The close-out report of a closed programme, frozen when it was closed."""

    programme = models.OneToOneField(
        "programs.Programme", on_delete=models.PROTECT, related_name="closeout"
    )
    report = models.JSONField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"close-out {self.programme_id}"
