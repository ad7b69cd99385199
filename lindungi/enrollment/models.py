"""Enrollments with the insurer: places, coverage periods, submission batches, responses, exits.

Coverage is [start_date, end_date] (both inclusive) of an active or ended enrollment; a place
that ended before its coverage began has neither (the database refuses an end before a start).
The database refuses overlapping periods for one person: triggers on both databases, because
neither form is portable (SQLite: per-row, migration 0002; PostgreSQL: one check per statement
under an advisory lock, migration 0005, which replaced 0002's slower exclusion constraint).
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lindungi.core.records import RejectedRowRecord
from lindungi.enrollment.choices import (
    BatchStatus,
    EnrollmentState,
    ExitReason,
    ExitRejectReason,
    ReplacementMode,
    ReplacementStatus,
    ResponseOutcome,
    ResponseRejectReason,
    RowResult,
)
from lindungi.enrollment.querysets import EnrollmentQuerySet
from lindungi.programs.choices import Sector

KPJ_VALIDATOR = RegexValidator(r"^\d{11}$", _("A KPJ number has 11 digits."))


class Enrollment(models.Model):
    """One person's place in one programme, from selection to the end of coverage."""

    REGENCY_SCOPE_FIELD = "regency_id"

    # person, programme and regency get no index of their own: the composite indexes below lead
    # with them, and every index is one more write on each of the 100,000-row state changes.
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    programme = models.ForeignKey(
        "programs.Programme", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    cohort = models.ForeignKey("programs.Cohort", on_delete=models.PROTECT, related_name="+")
    # Denormalised from the person at selection so scoping and billing need no join.
    regency = models.ForeignKey(
        "regions.Regency", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    decision = models.ForeignKey(
        "programs.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=EnrollmentState.choices, default=EnrollmentState.SELECTED
    )
    # A person keeps one KPJ for life, so it comes back in their next programme: unique per
    # programme here; "never two persons" is checked by the response import. NULL, not "",
    # while no KPJ is given, so the constraint lets every waiting place be without one.
    kpj = models.CharField(  # noqa: DJ001
        "KPJ", max_length=11, null=True, blank=True, validators=[KPJ_VALIDATOR]
    )
    start_date = models.DateField(_("coverage start"), null=True, blank=True)
    # Inclusive last covered day; empty while coverage runs.
    end_date = models.DateField(_("coverage end"), null=True, blank=True)
    end_reason = models.CharField(
        _("exit reason"), max_length=20, choices=ExitReason.choices, blank=True
    )
    # The date the exit takes effect; earlier than the day it was recorded for a past-dated exit.
    ended_on = models.DateField(_("exit date"), null=True, blank=True)
    rejection_reason = models.CharField(max_length=300, blank=True)
    # The participant's sector, read from their occupation when the place is created
    # (enrollment.sectors) and carried into next year's place: PP 50/2025 discounts the
    # transport sector from other months than the rest (DOMAIN.md §2), so billing needs it.
    sector = models.CharField(
        _("sector"),
        max_length=10,
        choices=Sector.choices,
        default=Sector.OTHER,
        db_default=Sector.OTHER,
    )
    # Set when this place replaces another one that freed up.
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["regency", "person__nik"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "person"], name="enrollment_one_place_per_programme"
            ),
            models.UniqueConstraint(fields=["programme", "kpj"], name="enrollment_kpj_once"),
            models.CheckConstraint(
                condition=~Q(state=EnrollmentState.ACTIVE)
                | Q(kpj__isnull=False, start_date__isnull=False, end_reason=""),
                name="enrollment_active_has_kpj_and_start",
            ),
            models.CheckConstraint(
                condition=~Q(state=EnrollmentState.ENDED)
                | (Q(ended_on__isnull=False) & ~Q(end_reason="")),
                name="enrollment_ended_has_reason_and_date",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(state=EnrollmentState.ENDED),
                name="enrollment_end_date_only_when_ended",
            ),
            # A coverage period never ends before it starts: a place that ends before its
            # coverage began has no period at all (issue 19, point 4).
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=False, end_date__gte=F("start_date")),
                name="enrollment_end_not_before_start",
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "state", "regency"], name="enrollment_prog_state"),
            models.Index(fields=["person", "state"], name="enrollment_person_state"),
            # A plain index: the FK's own would add a LIKE index on PostgreSQL nobody uses.
            models.Index(fields=["regency"], name="enrollment_regency"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.programme_id} ({self.state})"


class EnrollmentEvent(models.Model):
    """One transition of one enrollment: who, when, from and to which state, and why."""

    REGENCY_SCOPE_FIELD = "enrollment__regency_id"

    # No database FK check: events are written by INSERT..SELECT from the enrollment rows
    # themselves, 100,000 at a time, and the per-row check costs more than the insert.
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="events", db_constraint=False
    )
    from_state = models.CharField(max_length=10, choices=EnrollmentState.choices, blank=True)
    to_state = models.CharField(max_length=10, choices=EnrollmentState.choices)
    # The date the transition takes effect (coverage start, exit date, submission day).
    date = models.DateField()
    # Unchecked by the database like `enrollment`: one acting user repeated on 100,000 rows.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    note = models.CharField(max_length=300, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["enrollment", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.enrollment_id}: {self.from_state or '-'} -> {self.to_state}"


class SubmissionBatch(models.Model):
    """One file of people sent to the insurer for collective registration."""

    number = models.CharField(_("batch number"), max_length=30, unique=True)
    programme = models.ForeignKey("programs.Programme", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=BatchStatus.choices, default=BatchStatus.OPEN)
    start_date = models.DateField(_("requested coverage start"))
    file_name = models.CharField(max_length=255, blank=True)
    # sha256 of the CSV file exactly as written, so both sides can prove which file they hold.
    checksum = models.CharField(max_length=64, blank=True)
    people = models.PositiveIntegerField(default=0)
    # Regency code -> number of people, for the cover sheet.
    regency_totals = models.JSONField(default=dict, blank=True)
    monthly_contribution = models.PositiveBigIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.number


class BatchEntry(models.Model):
    """One person in one batch. `is_open` mirrors the batch status so the database can refuse
    a person in two batches that are not closed (a partial unique index needs a local column)."""

    REGENCY_SCOPE_FIELD = "enrollment__regency_id"

    # batch is covered by the (batch, nik) constraint's index and person by the open-batch one.
    # No column is checked again row by row: enrollment and person are copied by INSERT..SELECT
    # from existing enrollment rows, and batch is the one row the same transaction created.
    batch = models.ForeignKey(
        SubmissionBatch,
        on_delete=models.CASCADE,
        related_name="entries",
        db_index=False,
        db_constraint=False,
    )
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.PROTECT, related_name="entries", db_constraint=False
    )
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    nik = models.CharField(max_length=16)
    is_open = models.BooleanField(default=True)

    class Meta:
        ordering = ["batch", "nik"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(is_open=True),
                name="enrollment_person_in_one_open_batch",
            ),
            models.UniqueConstraint(fields=["batch", "nik"], name="enrollment_batch_nik_once"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.nik}"


class ResponseImport(models.Model):
    """One insurer response file and what became of its rows."""

    batch = models.ForeignKey(SubmissionBatch, on_delete=models.PROTECT, related_name="responses")
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_activated = models.PositiveIntegerField(default=0)
    rows_refused = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    # Places the insurer refused that the waitlist refilled (before the cut-off).
    replacements = models.PositiveIntegerField(default=0)
    reason_counts = models.JSONField(default=dict, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    rows_read=models.F("rows_activated")
                    + models.F("rows_refused")
                    + models.F("rows_unchanged")
                    + models.F("rows_rejected")
                ),
                name="enrollment_response_counts_add_up",
            )
        ]

    def __str__(self) -> str:
        return self.file_name


class ResponseRow(models.Model):
    """A valid response row as applied (kept so every activation can be traced to its file)."""

    REGENCY_SCOPE_FIELD = "enrollment__regency_id"

    # response is covered by the (response, row_number) index and is the row the same
    # transaction created; enrollment comes from the batch's own entries and nothing reads by
    # it. Neither is checked again row by row.
    response = models.ForeignKey(
        ResponseImport,
        on_delete=models.CASCADE,
        related_name="rows",
        db_index=False,
        db_constraint=False,
    )
    row_number = models.PositiveIntegerField()
    enrollment = models.ForeignKey(
        Enrollment,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    nik = models.CharField(max_length=16)
    outcome = models.CharField(max_length=10, choices=ResponseOutcome.choices)
    kpj = models.CharField(max_length=11, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    effective_date = models.DateField(null=True)
    result = models.CharField(max_length=10, choices=RowResult.choices)

    class Meta:
        ordering = ["response", "row_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "row_number"], name="enrollment_response_row_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.response_id}:{self.row_number} {self.result}"


class RejectedResponseRow(RejectedRowRecord):
    REGENCY_SCOPE_FIELD = "response__batch__programme__regency_id"

    response = models.ForeignKey(
        ResponseImport, on_delete=models.CASCADE, related_name="rejected_rows"
    )
    reason = models.CharField(max_length=30, choices=ResponseRejectReason.choices)

    class Meta:
        ordering = ["response", "row_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "row_number"], name="enrollment_rejected_response_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.response_id}:{self.row_number} {self.reason}"


class ExitImport(models.Model):
    """One file of exits (the insurer's wage-earner list, regency returns) or the civil
    registry's death list (kind "deaths": rows_ended counts the deaths recorded)."""

    REGENCY_SCOPE_FIELD = "regency_id"

    class Kind(models.TextChoices):
        EXITS = "exits", _("Exits")
        DEATHS = "deaths", _("Civil registry death list")

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.EXITS)

    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    # Set when a regency officer uploaded it: rows outside this regency are rejected.
    regency = models.ForeignKey(
        "regions.Regency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_ended = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    past_dated = models.PositiveIntegerField(default=0)
    replacements = models.PositiveIntegerField(default=0)
    # Death lists: the places of the deceased that the import ended.
    places_ended = models.PositiveIntegerField(default=0)
    reason_counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    rows_read=models.F("rows_ended")
                    + models.F("rows_unchanged")
                    + models.F("rows_rejected")
                ),
                name="enrollment_exit_counts_add_up",
            )
        ]

    def __str__(self) -> str:
        return self.file_name


class RejectedExitRow(RejectedRowRecord):
    REGENCY_SCOPE_FIELD = "exit_import__regency_id"

    exit_import = models.ForeignKey(
        ExitImport, on_delete=models.CASCADE, related_name="rejected_rows"
    )
    reason = models.CharField(max_length=30, choices=ExitRejectReason.choices)

    class Meta:
        ordering = ["exit_import", "row_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["exit_import", "row_number"], name="enrollment_rejected_exit_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.exit_import_id}:{self.row_number} {self.reason}"


class ReplacementPolicy(models.Model):
    """Whether and until when a freed place goes to the next person on the waitlist.

    Kept here rather than on Programme because the enrollment app owns replacement.
    """

    programme = models.OneToOneField(
        "programs.Programme", on_delete=models.CASCADE, related_name="+"
    )
    # Places freed after this day stay empty: too little coverage would be left to be worth it.
    cutoff_date = models.DateField(_("replacement cut-off date"))
    mode = models.CharField(
        max_length=10, choices=ReplacementMode.choices, default=ReplacementMode.AUTOMATIC
    )

    def __str__(self) -> str:
        return f"{self.programme_id} until {self.cutoff_date} ({self.mode})"


class Replacement(models.Model):
    """A freed place and the waitlisted person chosen (or proposed) to take it."""

    REGENCY_SCOPE_FIELD = "vacated__regency_id"

    vacated = models.OneToOneField(Enrollment, on_delete=models.PROTECT, related_name="+")
    decision = models.ForeignKey("programs.Decision", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=ReplacementStatus.choices)
    enrollment = models.OneToOneField(
        Enrollment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A waitlisted person is offered one place at a time.
            models.UniqueConstraint(
                fields=["decision"],
                condition=~Q(status=ReplacementStatus.DECLINED),
                name="enrollment_replacement_decision_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.vacated_id} -> {self.decision_id} ({self.status})"
