"""States and codes of the enrollment app. Values are stable: they are stored and exchanged."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EnrollmentState(models.TextChoices):
    SELECTED = "selected", _("Selected")
    SUBMITTED = "submitted", _("Submitted to the insurer")
    ACTIVE = "active", _("Active")
    REJECTED = "rejected", _("Rejected by the insurer")
    ENDED = "ended", _("Ended")


# The whole state machine. Anything not listed here is refused with InvalidTransition.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    # An exit before submission ends the place without coverage.
    EnrollmentState.SELECTED: frozenset({EnrollmentState.SUBMITTED, EnrollmentState.ENDED}),
    # Back to "selected" when a batch is closed without an answer, so the next batch carries it.
    EnrollmentState.SUBMITTED: frozenset(
        {
            EnrollmentState.ACTIVE,
            EnrollmentState.REJECTED,
            EnrollmentState.SELECTED,
            EnrollmentState.ENDED,
        }
    ),
    EnrollmentState.ACTIVE: frozenset({EnrollmentState.ENDED}),
    # A rejection caused by wrong data may be corrected and submitted again.
    EnrollmentState.REJECTED: frozenset({EnrollmentState.SELECTED}),
    EnrollmentState.ENDED: frozenset(),
}

# States whose [start_date, end_date] counts as coverage (and may never overlap).
COVERAGE_STATES = (EnrollmentState.ACTIVE, EnrollmentState.ENDED)
# States holding a place in the programme.
OPEN_STATES = (EnrollmentState.SELECTED, EnrollmentState.SUBMITTED, EnrollmentState.ACTIVE)


class MonthRule(models.TextChoices):
    """Which enrollments count as covered in a month (and so are billed for it)."""

    # The insurer bills whole months: covered on any day of the month bills the month.
    ANY_DAY = "any_day", _("Covered on any day of the month")
    # Only enrollments already covered on the first day of the month.
    FIRST_DAY = "first_day", _("Covered on the first day of the month")
    # Only enrollments covered on every day of the month.
    WHOLE_MONTH = "whole_month", _("Covered for the whole month")


class ExitReason(models.TextChoices):
    DEATH = "death", _("Died")
    WAGE_EARNER = "wage_earner", _("Became a wage earner")
    MOVED = "moved", _("Moved out of the region")
    WITHDREW = "withdrew", _("Withdrew")
    DUPLICATE = "duplicate", _("Duplicate registration")
    LAPSED = "lapsed", _("Lapsed for non-payment")
    PROGRAMME_ENDED = "programme_ended", _("Programme ended")


class BatchStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SENT = "sent", _("Sent to the insurer")
    CLOSED = "closed", _("Closed")


class ResponseOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class RowResult(models.TextChoices):
    """What a valid response row did."""

    ACTIVATED = "activated", _("Activated")
    REFUSED = "refused", _("Rejected by the insurer")
    UNCHANGED = "unchanged", _("Already recorded")


class ResponseRejectReason(models.TextChoices):
    """Why a response row was not applied. Stable codes: exports and reports refer to them."""

    MISSING_REQUIRED = "missing_required", _("A required value is missing")
    NIK_NOT_IN_BATCH = "nik_not_in_batch", _("NIK is not in this batch")
    NIK_REPEATED = "nik_repeated", _("NIK appears more than once in the file")
    OUTCOME_INVALID = "outcome_invalid", _("Status is neither accepted nor rejected")
    KPJ_MALFORMED = "kpj_malformed", _("KPJ is not 11 digits")
    KPJ_TWO_NIKS = "kpj_two_niks", _("The same KPJ is given to two NIKs")
    KPJ_TAKEN = "kpj_taken", _("KPJ already belongs to another person")
    DATE_INVALID = "date_invalid", _("Effective date is not a date")
    DATE_OUTSIDE_PROGRAMME = "date_outside_programme", _("Effective date is outside the programme")
    CONFLICTS_WITH_RECORD = "conflicts_with_record", _("Contradicts what is already recorded")
    COVERAGE_OVERLAP = "coverage_overlap", _("Overlaps another coverage period of the person")
    # The shared intake's reasons (lindungi.core.intake.IntakeReason), same values everywhere.
    NUL_BYTE = "nul_byte", _("The row contains a NUL byte (damaged text)")
    CELL_TOO_LONG = "cell_too_long", _("A cell of the row is far too long")
    ROW_UNREADABLE = "row_unreadable", _("The row cannot be read as CSV")


class ExitRejectReason(models.TextChoices):
    MISSING_REQUIRED = "missing_required", _("A required value is missing")
    NIK_INVALID = "nik_invalid", _("NIK is not 16 digits")
    NOT_ENROLLED = "not_enrolled", _("No open enrollment for this NIK")
    REASON_INVALID = "reason_invalid", _("Unknown exit reason")
    DATE_INVALID = "date_invalid", _("Exit date is not a date")
    DATE_FUTURE = "date_future", _("Exit date is in the future")
    NIK_REPEATED = "nik_repeated", _("NIK appears more than once in the file")
    OUTSIDE_USER_REGENCY = "outside_user_regency", _("Person is outside the uploader's regency")
    NIK_UNKNOWN = "nik_unknown", _("NIK is not in the registry")
    DEATH_CONFLICT = "death_conflict", _("A different date of death is already recorded")
    # The shared intake's reasons (lindungi.core.intake.IntakeReason), same values everywhere.
    NUL_BYTE = "nul_byte", _("The row contains a NUL byte (damaged text)")
    CELL_TOO_LONG = "cell_too_long", _("A cell of the row is far too long")
    ROW_UNREADABLE = "row_unreadable", _("The row cannot be read as CSV")


class ReplacementMode(models.TextChoices):
    AUTOMATIC = "auto", _("Select the next person automatically")
    PROPOSE = "propose", _("Propose the next person for approval")


class ReplacementStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    SELECTED = "selected", _("Selected")
    DECLINED = "declined", _("Declined")
