"""Payments against invoices, payer credit, and the lapse rule for unpaid months.

An invoice's amount due is its total plus the credit notes that correct it. Paying more than
is due leaves a credit with the payer, which `apply_credit` settles later invoices from.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.contributions.choices import InvoiceKind, LineKind, PaymentSource, Standing
from lindungi.contributions.coverage import ENROLLMENT
from lindungi.contributions.models import (
    EnrollmentStanding,
    Invoice,
    InvoiceDetail,
    Payer,
    Payment,
)
from lindungi.contributions.policy import policy_for
from lindungi.core.changes import notify
from lindungi.core.dates import Month, local_today
from lindungi.core.errors import InvalidInput
from lindungi.core.permissions import Action, require
from lindungi.core.sql import table
from lindungi.programs.models import Programme


@dataclass(frozen=True)
class Balance:
    due: int  # total plus credit notes
    paid: int

    @property
    def outstanding(self) -> int:
        return max(self.due - self.paid, 0)

    @property
    def credit(self) -> int:
        return max(self.paid - self.due, 0)

    @property
    def is_paid(self) -> bool:
        return self.paid >= self.due


def balances(
    invoices: models.QuerySet[Invoice], *, as_of: date | None = None
) -> dict[int, Balance]:
    """Due and paid per invoice, in two grouped queries; `as_of` counts payments made by then."""
    rows = list(invoices.filter(kind=InvoiceKind.INVOICE).values_list("pk", "total"))
    ids = [pk for pk, _ in rows]
    corrections = dict(
        Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE, corrects_id__in=ids)
        .values("corrects_id")
        .annotate(total=models.Sum("total"))
        .values_list("corrects_id", "total")
    )
    payments = Payment.objects.filter(invoice_id__in=ids)
    if as_of is not None:
        payments = payments.filter(paid_on__lte=as_of)
    paid = dict(
        payments.values("invoice_id")
        .annotate(total=models.Sum("amount"))
        .values_list("invoice_id", "total")
    )
    return {
        pk: Balance(due=total + corrections.get(pk, 0), paid=paid.get(pk, 0)) for pk, total in rows
    }


def payer_credit(payer: Payer) -> int:
    """Over-payments not yet used to settle another invoice."""
    surplus = sum(b.credit for b in balances(Invoice.objects.filter(payer=payer)).values())
    used = Payment.objects.filter(invoice__payer=payer, source=PaymentSource.CREDIT).aggregate(
        total=models.Sum("amount")
    )["total"]
    return surplus - (used or 0)


def _lock_payer(payer: Payer) -> None:
    # Payments of one payer are serialised so two clerks cannot spend the same credit.
    Payer.objects.select_for_update().filter(pk=payer.pk).first()


def record_payment(
    *, invoice: Invoice, paid_on: date, amount: int, bank_reference: str, user
) -> Payment:
    """Record money received. Partial payments leave the rest outstanding; over-payments
    become the payer's credit."""
    require(user, Action.RECORD_PAYMENT)
    if invoice.kind != InvoiceKind.INVOICE:
        raise InvalidInput(
            _("Payments are recorded against invoices, not credit notes."), code="not_an_invoice"
        )
    if not isinstance(amount, int) or amount <= 0:
        raise InvalidInput(_("The amount must be a positive number of rupiah."), code="amount")
    bank_reference = bank_reference.strip()
    if not bank_reference:
        raise InvalidInput(_("The bank reference is required."), code="reference_required")
    with transaction.atomic():
        _lock_payer(invoice.payer)
        if Payment.objects.filter(
            invoice=invoice, source=PaymentSource.BANK, bank_reference=bank_reference
        ).exists():
            raise InvalidInput(
                _("Bank reference %(ref)s is already recorded for this invoice.")
                % {"ref": bank_reference},
                code="duplicate_reference",
            )
        before = balances(Invoice.objects.filter(pk=invoice.pk))[invoice.pk]
        payment = Payment.objects.create(
            invoice=invoice,
            source=PaymentSource.BANK,
            paid_on=paid_on,
            amount=amount,
            bank_reference=bank_reference,
            recorded_by=user,
        )
        record_event(
            action="contributions.payment_recorded",
            target=payment,
            user=user,
            after={
                "invoice": invoice.number,
                "amount": amount,
                "paid_on": paid_on,
                "bank_reference": bank_reference,
            },
            summary={
                "outstanding_before": before.outstanding,
                "credit_created": max(amount - before.outstanding, 0),
            },
        )
    return payment


def apply_credit(*, invoice: Invoice, user) -> Payment:
    """Settle as much of an invoice as the payer's credit allows."""
    require(user, Action.RECORD_PAYMENT)
    with transaction.atomic():
        _lock_payer(invoice.payer)
        outstanding = balances(Invoice.objects.filter(pk=invoice.pk))[invoice.pk].outstanding
        amount = min(payer_credit(invoice.payer), outstanding)
        if amount <= 0:
            raise InvalidInput(_("There is no credit to apply to this invoice."), code="no_credit")
        payment = Payment.objects.create(
            invoice=invoice,
            source=PaymentSource.CREDIT,
            paid_on=local_today(),
            amount=amount,
            recorded_by=user,
        )
        record_event(
            action="contributions.credit_applied",
            target=payment,
            user=user,
            after={"invoice": invoice.number, "amount": amount},
        )
    return payment


def unpaid_run(programme: Programme, as_of: date) -> dict[int, list[Month]]:
    """Per cohort, the latest consecutive past-due months not fully paid (oldest first).

    A month is unpaid for a cohort when any invoice of any of its payers for that month that
    bills the cohort is past due and not fully paid.
    """
    invoices = Invoice.objects.filter(
        kind=InvoiceKind.INVOICE, programme=programme, due_date__lt=as_of
    )
    balance = balances(invoices)
    cohort_months: dict[int, dict[Month, bool]] = defaultdict(dict)
    for invoice_id, cohort_id, month in (
        invoices.filter(lines__kind=LineKind.REGULAR)
        .values_list("pk", "lines__cohort_id", "month")
        .distinct()
    ):
        key = Month.of(month)
        paid = balance[invoice_id].is_paid
        cohort_months[cohort_id][key] = cohort_months[cohort_id].get(key, True) and paid
    runs: dict[int, list[Month]] = {}
    for cohort_id, months in cohort_months.items():
        run: list[Month] = []
        for month in sorted(months, reverse=True):
            if months[month]:
                break
            run.insert(0, month)
        runs[cohort_id] = run
    return runs


@dataclass(frozen=True)
class StandingResult:
    at_risk: int
    lapsed: int


def assess_standing(*, programme: Programme, as_of: date, user) -> StandingResult:
    """Flag the enrollments whose payer is behind: at risk once the unpaid run reaches the
    policy's limit (the last month arrears may still be paid), lapsed beyond it. Nobody is
    flagged when the insurer accepted that the government payer pays late."""
    require(user, Action.MANAGE_BILLING)
    policy = policy_for(programme)
    limit = policy.lapse_after_months
    with transaction.atomic():
        EnrollmentStanding.objects.filter(enrollment__programme=programme).delete()
        counts = {Standing.AT_RISK: 0, Standing.LAPSED: 0}
        if not policy.payer_delay_accepted:
            for cohort_id, run in unpaid_run(programme, as_of).items():
                if len(run) < limit:
                    continue
                standing = Standing.LAPSED if len(run) > limit else Standing.AT_RISK
                counts[standing] += _flag(programme, cohort_id, run, standing, as_of)
        notify("contributions.billing")
        record_event(
            action="contributions.standing_assessed",
            target=programme,
            user=user,
            summary={
                "as_of": as_of,
                "limit": limit,
                "delay_accepted": policy.payer_delay_accepted,
                "at_risk": counts[Standing.AT_RISK],
                "lapsed": counts[Standing.LAPSED],
            },
        )
    return StandingResult(at_risk=counts[Standing.AT_RISK], lapsed=counts[Standing.LAPSED])


def _flag(programme, cohort_id: int, run: list[Month], standing: str, as_of: date) -> int:
    """Flag everyone billed (net) for the latest unpaid month of the cohort, set-based."""
    standing_table = table(EnrollmentStanding)
    detail, invoice = table(InvoiceDetail), table(Invoice)
    sql = (
        f"INSERT INTO {standing_table} (enrollment_id, regency_id, standing, unpaid_months,"  # noqa: S608 (names are ours)
        f" unpaid_since, assessed_on)"
        f" SELECT e.id, e.regency_id, %s, %s, %s, %s FROM {ENROLLMENT} e"
        f" WHERE e.programme_id = %s AND e.cohort_id = %s AND EXISTS ("
        f" SELECT 1 FROM {detail} d JOIN {invoice} i ON i.id = d.invoice_id"
        f" WHERE d.enrollment_id = e.id AND d.service_month = %s AND i.programme_id = %s"
        f" GROUP BY d.enrollment_id HAVING SUM(d.sign) > 0)"
    )
    params = [standing, len(run), run[0].first_day, as_of, programme.pk, cohort_id]
    params += [run[-1].first_day, programme.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
