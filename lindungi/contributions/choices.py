"""States and codes of the contributions app. Values are stable: they are stored and exported."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The month rule is a coverage rule: enrollment owns it (enrollment.coverage).
from lindungi.enrollment.choices import MonthRule  # noqa: F401 (kept importable from here)


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class LineKind(models.TextChoices):
    REGULAR = "regular", _("Month billed")
    # A correction of an earlier month: negative for a past-dated exit, positive for a late
    # activation. It points at the invoice it corrects.
    ADJUSTMENT = "adjustment", _("Adjustment of an earlier month")


class PaymentSource(models.TextChoices):
    BANK = "bank", _("Bank transfer")
    # Settled from the payer's credit (an over-payment or a credit note).
    CREDIT = "credit", _("Payer credit")


class AppropriationKind(models.TextChoices):
    ORIGINAL = "original", _("Original budget (APBD murni)")
    AMENDMENT = "amendment", _("Amendment (APBD perubahan)")


class Standing(models.TextChoices):
    """An enrollment's standing when its payer is behind with payment."""

    AT_RISK = "at_risk", _("At risk: unpaid months")
    LAPSED = "lapsed", _("Lapsed: too many unpaid months")


class ReconciliationCategory(models.TextChoices):
    MATCHED = "matched", _("Matched")
    NOT_ACTIVE_HERE = "not_active_here", _("Billed by the insurer, not active here")
    NOT_BILLED = "not_billed", _("Active here, not billed by the insurer")
    AMOUNT_MISMATCH = "amount_mismatch", _("Amount differs")


class StatementRejection(models.TextChoices):
    """Why a statement row was not reconciled. Values are stable: stored and exported."""

    INVALID_AMOUNT = "invalid_amount", _("The amount is not a whole number of rupiah")
    OTHER_MONTH = "other_month", _("The row names another month")
    NO_IDENTITY = "no_identity", _("The row has neither KPJ nor NIK")
    UNKNOWN_PERSON = "unknown_person", _("No enrollment of the programme has this KPJ or NIK")
    OTHER_PAYER = "other_payer", _("The person belongs to a cohort of another payer")
    DUPLICATE = "duplicate", _("The person is already on an earlier row of the statement")
    # Rows the file intake could not read (core.intake.IntakeReason).
    NUL_BYTE = "nul_byte", _("The row contains a NUL byte (damaged text)")
    CELL_TOO_LONG = "cell_too_long", _("A cell of the row is far too long")
    ROW_UNREADABLE = "row_unreadable", _("The row cannot be read as CSV")


AGING_BUCKETS = (
    ("not_due", _("Not yet due"), None, 0),
    ("1_30", _("1-30 days"), 1, 30),
    ("31_60", _("31-60 days"), 31, 60),
    ("61_90", _("61-90 days"), 61, 90),
    ("over_90", _("Over 90 days"), 91, None),
)


class HolidayKind(models.TextChoices):
    NATIONAL = "national", _("National holiday")
    COLLECTIVE_LEAVE = "cuti_bersama", _("Collective leave (cuti bersama)")
    REGIONAL = "regional", _("Regional holiday")
