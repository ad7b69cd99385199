"""Invoices per payer and month, their per-regency lines and per-person detail, payments,
budgets, payment standing and the insurer's statements.

Issued financial records (Invoice, InvoiceLine, InvoiceDetail, Payment) are append-only:
corrections are new rows (adjustment lines, credit notes, payments from credit), never edits.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lindungi.contributions.choices import (
    AppropriationKind,
    HolidayKind,
    InvoiceKind,
    LineKind,
    MonthRule,
    PaymentSource,
    ReconciliationCategory,
    Standing,
    StatementRejection,
)
from lindungi.core.checker import MakerChecker
from lindungi.core.errors import InvalidTransition

# Payers became programme records (issue 13); re-exported for the code that bills them.
from lindungi.programs.models import Payer


class ImmutableQuerySet(models.QuerySet):
    """Refuses bulk edits of issued records; corrections are new rows."""

    def update(self, **kwargs):
        raise InvalidTransition(
            f"{self.model.__name__} rows are issued records and cannot be changed",
            code="issued_record_immutable",
        )

    def delete(self):
        raise InvalidTransition(
            f"{self.model.__name__} rows are issued records and cannot be deleted",
            code="issued_record_immutable",
        )


class ImmutableModel(models.Model):
    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # An invariant, not a business flow: an issued record is written exactly once.
        if not self._state.adding:
            raise InvalidTransition(
                f"{type(self).__name__} {self.pk} is issued and cannot be changed",
                code="issued_record_immutable",
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise InvalidTransition(
            f"{type(self).__name__} {self.pk} is issued and cannot be deleted",
            code="issued_record_immutable",
        )


class BillingPolicy(models.Model):
    """Billing settings of one programme; a programme without a row uses the defaults."""

    programme = models.OneToOneField(
        "programs.Programme", on_delete=models.CASCADE, related_name="billing_policy"
    )
    month_rule = models.CharField(
        _("month rule"), max_length=20, choices=MonthRule.choices, default=MonthRule.ANY_DAY
    )
    # DOMAIN.md §2: arrears may be paid for 3 months; after more the membership ends.
    lapse_after_months = models.PositiveSmallIntegerField(
        _("unpaid months before lapse"), default=3
    )
    # The insurer's branch accepted that the government payer pays late (budget process).
    payer_delay_accepted = models.BooleanField(
        _("late payment accepted by the insurer"), default=False
    )
    payer_delay_note = models.CharField(_("agreement reference"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(lapse_after_months__gte=1), name="contrib_policy_lapse_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme}: {self.month_rule}"


class Invoice(ImmutableModel):
    """One payer's bill for one programme and month, or a credit note correcting one."""

    kind = models.CharField(max_length=12, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE)
    number = models.CharField(_("number"), max_length=60, unique=True)
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="invoices")
    programme = models.ForeignKey(
        "programs.Programme", on_delete=models.PROTECT, related_name="invoices"
    )
    # First day of the contribution month.
    month = models.DateField(_("month"))
    due_date = models.DateField(_("due date"))
    # Credit notes point at the invoice they correct.
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes"
    )
    headcount = models.IntegerField(_("headcount"))
    jkk = models.BigIntegerField(default=0)
    jkm = models.BigIntegerField(default=0)
    jht = models.BigIntegerField(default=0)
    adjustments = models.BigIntegerField(_("adjustments"), default=0)
    total = models.BigIntegerField(_("total"))
    # What the invoice was computed from (rates, month rule, shares), frozen at issue.
    basis = models.JSONField(default=dict)
    # Set by the issuing write (billing.finalise_header). From then on the database itself
    # refuses any change to the invoice, its lines and its detail (migration 0004).
    is_final = models.BooleanField(default=False, db_default=False)
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-month", "payer__name", "id"]
        constraints = [
            # Billing a month twice, or from two workers at once, yields one invoice.
            models.UniqueConstraint(
                fields=["payer", "programme", "month"],
                condition=Q(kind=InvoiceKind.INVOICE),
                name="contrib_invoice_one_per_payer_month",
            ),
            models.CheckConstraint(
                condition=Q(kind=InvoiceKind.INVOICE, corrects__isnull=True)
                | Q(kind=InvoiceKind.CREDIT_NOTE, corrects__isnull=False, total__lte=0),
                name="contrib_invoice_credit_note_corrects",
            ),
            models.CheckConstraint(
                condition=Q(total=F("jkk") + F("jkm") + F("jht")),
                name="contrib_invoice_total_adds_up",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class InvoiceLine(ImmutableModel):
    """One regency and cohort of an invoice: headcount and the payer's share per component."""

    REGENCY_SCOPE_FIELD = "regency_id"

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    kind = models.CharField(max_length=12, choices=LineKind.choices, default=LineKind.REGULAR)
    regency = models.ForeignKey("regions.Regency", on_delete=models.PROTECT, related_name="+")
    cohort = models.ForeignKey("programs.Cohort", on_delete=models.PROTECT, related_name="+")
    # The month this line bills (for an adjustment, the earlier month it corrects).
    service_month = models.DateField()
    corrects = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="corrected_by"
    )
    headcount = models.IntegerField()
    # The payer's share in basis points of this cohort's cost.
    share_bp = models.PositiveIntegerField()
    jkk = models.BigIntegerField()
    jkm = models.BigIntegerField()
    jht = models.BigIntegerField()
    total = models.BigIntegerField()

    class Meta:
        ordering = ["invoice", "kind", "service_month", "regency", "cohort"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "kind", "service_month", "regency", "cohort"],
                name="contrib_line_unique",
            ),
            models.CheckConstraint(
                condition=Q(total=F("jkk") + F("jkm") + F("jht")),
                name="contrib_line_total_adds_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice} {self.regency_id} {self.cohort_id}"


class InvoiceDetail(ImmutableModel):
    """One person in one invoice: the full monthly contribution, frozen as it was billed.

    Amounts are the person's whole contribution (negative in a removal); the payer's share of
    each line is apportioned on the line, so the shares add up exactly.

    A month writes one row per person (a million for a large programme), so the row is
    narrow and cheap to write. It names the enrollment, not the person: NIK, KPJ and name
    are joined when the detail is exported (the registry keeps every version of a person),
    and leaving out the copied text cut the write by ~40% on PostgreSQL. Enrollment,
    regency and cohort are copied by INSERT .. SELECT from the enrollment row they name in
    the same statement, so they carry no database foreign key (no per-row check) and no
    index of their own. Rows are written only by the billing SQL and never changed
    (ImmutableModel), and PROTECT still guards deletes in Django. One index remains: what
    was billed for a person in a month, for the adjustment pass and the lapse rule. A wider
    covering index was tried: on PostgreSQL it tripled the insert time.
    """

    REGENCY_SCOPE_FIELD = "regency_id"

    # No database constraint: the billing run inserts the invoice and then its rows in one
    # transaction, and a deferred check of a million rows at commit cost ~5 s on PostgreSQL.
    # No index either (~1 s per million rows written): the run sums what it writes, or reads
    # it back by id range; only the XLSX export scans for an invoice's rows.
    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.PROTECT,
        related_name="details",
        db_constraint=False,
        db_index=False,
    )
    kind = models.CharField(max_length=12, choices=LineKind.choices, default=LineKind.REGULAR)
    service_month = models.DateField()
    enrollment = models.ForeignKey(
        "enrollment.Enrollment",
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
    cohort = models.ForeignKey(
        "programs.Cohort",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    # +1 billed, -1 removed by an adjustment.
    sign = models.SmallIntegerField(default=1)
    jkk = models.BigIntegerField()
    jkm = models.BigIntegerField()
    jht = models.BigIntegerField()

    class Meta:
        ordering = ["invoice", "regency", "enrollment"]
        indexes = [
            # What a payer billed for a person and month: adjustments and the lapse rule.
            models.Index(fields=["service_month", "enrollment"], name="contrib_detail_month"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice} {self.enrollment_id}"


class Payment(ImmutableModel):
    """Money received against an invoice (or settled from the payer's credit)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    source = models.CharField(max_length=10, choices=PaymentSource.choices, default="bank")
    paid_on = models.DateField(_("date paid"))
    amount = models.BigIntegerField(_("amount"))
    bank_reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="contrib_payment_positive"),
            # A bank transfer is recorded once; the same reference twice is a duplicate entry.
            models.UniqueConstraint(
                fields=["invoice", "bank_reference"],
                condition=Q(source="bank"),
                name="contrib_payment_reference_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice} {self.amount}"


class Appropriation(models.Model):
    """A budget line (APBD) for contributions: the original amount or an amendment to it."""

    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="appropriations")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    account_code = models.CharField(_("APBD account code"), max_length=60)
    kind = models.CharField(
        max_length=12, choices=AppropriationKind.choices, default=AppropriationKind.ORIGINAL
    )
    # Amendments may reduce the budget, so the amount may be negative for them.
    amount = models.BigIntegerField(_("amount"))
    amends = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="amendments"
    )
    document_reference = models.CharField(_("budget document"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["payer", "fiscal_year", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=AppropriationKind.ORIGINAL, amends__isnull=True, amount__gte=0)
                | Q(kind=AppropriationKind.AMENDMENT, amends__isnull=False),
                name="contrib_appropriation_amendment_points_back",
            ),
            models.UniqueConstraint(
                fields=["payer", "fiscal_year", "account_code"],
                condition=Q(kind=AppropriationKind.ORIGINAL),
                name="contrib_appropriation_one_original",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payer} {self.fiscal_year} {self.account_code}"


class EnrollmentStanding(models.Model):
    """An enrollment whose payer is behind: at risk, then lapsed (DOMAIN.md §2)."""

    REGENCY_SCOPE_FIELD = "regency_id"

    enrollment = models.OneToOneField(
        "enrollment.Enrollment", on_delete=models.CASCADE, related_name="+"
    )
    regency = models.ForeignKey("regions.Regency", on_delete=models.PROTECT, related_name="+")
    standing = models.CharField(max_length=10, choices=Standing.choices)
    unpaid_months = models.PositiveSmallIntegerField()
    # The oldest month of the unpaid run.
    unpaid_since = models.DateField()
    assessed_on = models.DateField()

    class Meta:
        ordering = ["regency", "enrollment"]

    def __str__(self) -> str:
        return f"{self.enrollment_id} {self.standing}"


class StatementImport(models.Model):
    """The insurer's bill for one programme (or one of its payers) and month, as imported.

    A statement is identified by its scope (the whole programme, or one payer's cohorts) and
    month. Importing the same file again is refused (`content_hash`); a different file for
    the same scope and month becomes the next version and supersedes the current one, so a
    month is never reconciled twice over.
    """

    programme = models.ForeignKey(
        "programs.Programme", on_delete=models.PROTECT, related_name="statements"
    )
    month = models.DateField(_("month"))
    # Null: the statement covers every cohort of the programme.
    payer = models.ForeignKey(
        Payer, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # "programme" or "payer:<id>": a non-null key for the uniqueness rules below.
    scope = models.CharField(max_length=40, default="programme")
    version = models.PositiveIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current"), default=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    # SHA-256 of the file as uploaded.
    content_hash = models.CharField(max_length=64, blank=True)
    file_name = models.CharField(max_length=255)
    rows_read = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    insurer_total = models.BigIntegerField(default=0)
    expected_total = models.BigIntegerField(default=0)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-month", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "scope", "month", "version"], name="contrib_stmt_version"
            ),
            models.UniqueConstraint(
                fields=["programme", "scope", "month"],
                condition=Q(is_current=True),
                name="contrib_stmt_one_current",
            ),
            models.UniqueConstraint(
                fields=["programme", "scope", "month", "content_hash"],
                condition=~Q(content_hash=""),
                name="contrib_stmt_same_file_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.month:%Y-%m} v{self.version} ({self.file_name})"


class StatementRejectedRow(models.Model):
    """A statement row that could not be reconciled: its cells as read and why."""

    # The unique (statement, row_number) index serves reads by statement.
    statement = models.ForeignKey(
        StatementImport, on_delete=models.CASCADE, related_name="rejected_rows", db_index=False
    )
    row_number = models.PositiveIntegerField()
    # The cells as read, header -> value.
    original = models.JSONField(default=dict)
    code = models.CharField(max_length=20, choices=StatementRejection.choices)
    kpj = models.CharField(max_length=40, blank=True)
    nik = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["statement", "row_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "row_number"], name="contrib_stmt_reject_row_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.statement_id} row {self.row_number}: {self.code}"


class StatementLine(models.Model):
    """One person in the comparison of the insurer's statement with our coverage."""

    REGENCY_SCOPE_FIELD = "regency_id"

    # Only the (statement, category) index: each index costs a fifth of the bulk insert of a
    # 100,000-line statement, and lines are always read by statement first. No database
    # checks on the keys either (like InvoiceDetail): the import writes them from the
    # enrollment rows it joined in the same statement, and on PostgreSQL the deferred checks
    # of 100,000 rows cost more at commit than the whole insert.
    statement = models.ForeignKey(
        StatementImport,
        on_delete=models.CASCADE,
        related_name="lines",
        db_index=False,
        db_constraint=False,
    )
    # The file's row number; null for people active here but missing from the file.
    row_number = models.PositiveIntegerField(null=True)
    kpj = models.CharField(max_length=20, blank=True)
    nik = models.CharField(max_length=16, blank=True)
    insurer_amount = models.BigIntegerField(default=0)
    expected_amount = models.BigIntegerField(default=0)
    enrollment = models.ForeignKey(
        "enrollment.Enrollment",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    # Null when the statement names someone we cannot place.
    regency = models.ForeignKey(
        "regions.Regency",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    category = models.CharField(max_length=20, choices=ReconciliationCategory.choices)
    resolved = models.BooleanField(default=False)
    resolution_note = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    class Meta:
        ordering = ["statement", "category", "row_number", "id"]
        indexes = [models.Index(fields=["statement", "category"], name="contrib_stmt_category")]

    def __str__(self) -> str:
        return f"{self.statement_id} {self.kpj or self.nik} {self.category}"


class Holiday(models.Model):
    """A day off that may move a due date (DOMAIN.md §2: due by the 15th, next working day).

    Records an administrator maintains (Django admin), one set per year from the SKB 3 Menteri,
    not a table in the code. Cuti bersama are recorded but do not move a due date unless marked
    so: banks and the regional treasury settle on them. A regional holiday (with a regency)
    moves only the due dates of that regency's payer.
    """

    day = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(
        _("kind"), max_length=15, choices=HolidayKind.choices, default=HolidayKind.NATIONAL
    )
    regency = models.ForeignKey(
        "regions.Regency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moves_due_date = models.BooleanField(_("moves a due date"), default=True)
    source = models.CharField(_("legal basis"), max_length=200, blank=True)
    provisional = models.BooleanField(_("provisional"), default=False)

    class Meta:
        ordering = ["day", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["day", "kind", "regency"], name="contrib_holiday_once"),
            models.CheckConstraint(
                condition=Q(kind=HolidayKind.REGIONAL, regency__isnull=False)
                | (~Q(kind=HolidayKind.REGIONAL) & Q(regency__isnull=True)),
                name="contrib_holiday_regional_has_regency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"


class HeldPayment(MakerChecker):
    """A bank payment above `settings.LINDUNGI_PAYMENT_APPROVAL_ABOVE`, waiting for a second
    person: approved, it becomes the `Payment` (recorded by its preparer); refused, nothing."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="held_payments")
    paid_on = models.DateField(_("date paid"))
    amount = models.BigIntegerField(_("amount"))
    bank_reference = models.CharField(_("bank reference"), max_length=100)
    payment = models.OneToOneField(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="held_as"
    )

    class Meta:
        ordering = ["-prepared_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="contrib_held_positive"),
            models.UniqueConstraint(
                fields=["invoice", "bank_reference"],
                condition=Q(status="pending"),
                name="contrib_held_reference_unique",
            ),
        ]


class WriteOff(MakerChecker):
    """Writing off the unpaid rest of an invoice, with a reason; effective once a second person
    approves it. It closes the debt, it pays for nobody: the lapse rule still reads the money."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="write_offs")
    amount = models.BigIntegerField(_("amount"))
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["-prepared_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="contrib_write_off_positive"),
            # One write-off waits per invoice at a time.
            models.UniqueConstraint(
                fields=["invoice"],
                condition=Q(status="pending"),
                name="contrib_write_off_one_pending",
            ),
        ]
