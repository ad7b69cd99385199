"""Payments against invoices, payer credit, and the lapse rule for unpaid months.

An invoice's amount due is its total plus the credit notes that correct it. Paying more than
is due leaves a credit with the payer, which `apply_credit` settles later invoices from.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.contributions.allocation import flag_unpaid_people
from lindungi.contributions.choices import InvoiceKind, PaymentSource, Standing
from lindungi.contributions.models import (
    EnrollmentStanding,
    HeldPayment,
    Invoice,
    Payer,
    Payment,
    WriteOff,
)
from lindungi.contributions.policy import policy_for
from lindungi.core.changes import notify
from lindungi.core.checker import ApprovalStatus
from lindungi.core.dates import local_today
from lindungi.core.errors import InvalidInput
from lindungi.core.permissions import Action, require
from lindungi.programs.models import Programme


@dataclass(frozen=True)
class Balance:
    due: int  # total plus credit notes
    paid: int
    written_off: int = 0  # approved write-offs (a second person's): closes debt, pays nobody

    @property
    def outstanding(self) -> int:
        return max(self.due - self.paid - self.written_off, 0)

    @property
    def credit(self) -> int:
        return max(self.paid - self.due, 0)

    @property
    def is_paid(self) -> bool:
        """Paid in money (a write-off closes the debt but pays for nobody: claims' cover and
        the lapse rule read this)."""
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
    written_off = dict(
        WriteOff.objects.filter(invoice_id__in=ids, status=ApprovalStatus.APPROVED)
        .values("invoice_id")
        .annotate(total=models.Sum("amount"))
        .values_list("invoice_id", "total")
    )
    return {
        pk: Balance(
            due=total + corrections.get(pk, 0),
            paid=paid.get(pk, 0),
            written_off=written_off.get(pk, 0),
        )
        for pk, total in rows
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
) -> Payment | HeldPayment:
    """Record money received. Partial payments leave the rest outstanding; over-payments
    become the payer's credit. Above `settings.LINDUNGI_PAYMENT_APPROVAL_ABOVE` the payment
    is held for a second person (`contributions.approvals.decide_payment`) and counts once
    approved."""
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
        if (
            Payment.objects.filter(
                invoice=invoice, source=PaymentSource.BANK, bank_reference=bank_reference
            ).exists()
            or HeldPayment.objects.filter(
                invoice=invoice, status=ApprovalStatus.PENDING, bank_reference=bank_reference
            ).exists()
        ):
            raise InvalidInput(
                _("Bank reference %(ref)s is already recorded for this invoice.")
                % {"ref": bank_reference},
                code="duplicate_reference",
            )
        threshold = settings.LINDUNGI_PAYMENT_APPROVAL_ABOVE
        if threshold is not None and amount > threshold:
            held = HeldPayment.objects.create(
                invoice=invoice,
                paid_on=paid_on,
                amount=amount,
                bank_reference=bank_reference,
                prepared_by=user,
            )
            record_event(
                action="contributions.payment_held",
                target=held,
                user=user,
                after={
                    "invoice": invoice.number,
                    "amount": amount,
                    "paid_on": paid_on,
                    "bank_reference": bank_reference,
                },
                summary={"approval_above": threshold},
            )
            return held
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


@dataclass(frozen=True)
class StandingResult:
    at_risk: int
    lapsed: int


def assess_standing(*, programme: Programme, as_of: date, user) -> StandingResult:
    """Flag the enrollments whose payer is behind FOR THEM: a partial payment is allocated per
    person (`contributions.allocation`: oldest month first, then in the invoice's detail
    order), and each person's own unpaid run counts: at risk once it reaches the policy's limit
    (the last month arrears may still be paid), lapsed beyond it. Nobody is flagged when the
    insurer accepted that the government payer pays late."""
    require(user, Action.MANAGE_BILLING)
    policy = policy_for(programme)
    limit = policy.lapse_after_months
    with transaction.atomic():
        EnrollmentStanding.objects.filter(enrollment__programme=programme).delete()
        if not policy.payer_delay_accepted:
            flag_unpaid_people(programme_id=programme.pk, as_of=as_of, limit=limit)
        counts: dict[str, int] = {Standing.AT_RISK: 0, Standing.LAPSED: 0}
        for standing, count in (
            EnrollmentStanding.objects.filter(enrollment__programme=programme)
            .values("standing")
            .annotate(n=models.Count("pk"))
            .values_list("standing", "n")
        ):
            counts[standing] = count
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
