"""Money actions a second person approves (issue 19, point 3), through `core.checker`.

- A bank payment above `settings.LINDUNGI_PAYMENT_APPROVAL_ABOVE` is held by `record_payment`
  (a `HeldPayment`); `decide_payment` by another user with `RECORD_PAYMENT` records it (the
  `Payment` row, recorded by its preparer) or refuses it.
- A write-off of an invoice's unpaid rest, with a reason, is proposed by a user with
  `MANAGE_BILLING` (`propose_write_off`) and takes effect when another such user approves it
  (`decide_write_off`). An approved write-off lowers the invoice's outstanding balance (arrears,
  the attention list) but pays for nobody: coverage and lapse follow the money
  (`contributions.allocation`).

Every step is audited with both people; a decided record is frozen in the database
(migration 0010's triggers).
"""

from django.db import models, transaction
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.contributions.choices import InvoiceKind, PaymentSource
from lindungi.contributions.models import HeldPayment, Invoice, Payer, Payment, WriteOff
from lindungi.contributions.payments import balances
from lindungi.core.checker import ApprovalStatus, check_decidable, checker_summary, decide
from lindungi.core.errors import InvalidInput, InvalidTransition
from lindungi.core.permissions import Action, can, require

MIN_REASON = 10


def _lock_payer(payer_id: int) -> None:
    Payer.objects.select_for_update().filter(pk=payer_id).first()


def decide_payment(*, held: HeldPayment, approve: bool, user, note: str = "") -> HeldPayment:
    """Approve (record the payment) or refuse a held payment; never by its preparer."""
    require(user, Action.RECORD_PAYMENT)
    with transaction.atomic():
        held = HeldPayment.objects.select_for_update().select_related("invoice").get(pk=held.pk)
        _lock_payer(held.invoice.payer_id)
        check_decidable(held, user=user)
        if approve:
            held.payment = Payment.objects.create(
                invoice=held.invoice,
                source=PaymentSource.BANK,
                paid_on=held.paid_on,
                amount=held.amount,
                bank_reference=held.bank_reference,
                recorded_by=held.prepared_by,
            )
        decide(held, user=user, approve=approve, note=note, fields=("payment",))
        record_event(
            action="contributions.payment_approved" if approve else "contributions.payment_refused",
            target=held,
            user=user,
            before={"status": ApprovalStatus.PENDING},
            after={"status": held.status, "note": held.decision_note},
            summary={
                **checker_summary(held),
                "invoice": held.invoice.number,
                "amount": held.amount,
                "bank_reference": held.bank_reference,
            },
        )
    return held


def propose_write_off(*, invoice: Invoice, reason: str, user) -> WriteOff:
    """Propose writing off what is still owed on `invoice`; a second person approves it."""
    require(user, Action.MANAGE_BILLING)
    if invoice.kind != InvoiceKind.INVOICE:
        raise InvalidInput(_("Only an invoice can be written off."), code="not_an_invoice")
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise InvalidInput(
            _("Write the reason for the write-off (at least 10 characters)."),
            code="reason_required",
        )
    with transaction.atomic():
        _lock_payer(invoice.payer_id)
        outstanding = balances(Invoice.objects.filter(pk=invoice.pk))[invoice.pk].outstanding
        if outstanding <= 0:
            raise InvalidInput(_("Nothing is owed on this invoice."), code="nothing_owed")
        if WriteOff.objects.filter(invoice=invoice, status=ApprovalStatus.PENDING).exists():
            raise InvalidTransition(
                _("A write-off of this invoice already waits for approval."),
                code="already_proposed",
            )
        write_off = WriteOff.objects.create(
            invoice=invoice, amount=outstanding, reason=reason, prepared_by=user
        )
        record_event(
            action="contributions.write_off_proposed",
            target=write_off,
            user=user,
            after={"invoice": invoice.number, "amount": outstanding, "reason": reason},
        )
    return write_off


def decide_write_off(*, write_off: WriteOff, approve: bool, user, note: str = "") -> WriteOff:
    """Approve or refuse a proposed write-off; never by its preparer. Approval is refused when
    the invoice's balance changed since the proposal (a payment came in): propose again."""
    require(user, Action.MANAGE_BILLING)
    with transaction.atomic():
        write_off = (
            WriteOff.objects.select_for_update().select_related("invoice").get(pk=write_off.pk)
        )
        _lock_payer(write_off.invoice.payer_id)
        check_decidable(write_off, user=user)
        if approve:
            invoice = write_off.invoice
            outstanding = balances(Invoice.objects.filter(pk=invoice.pk))[invoice.pk].outstanding
            if outstanding != write_off.amount:
                raise InvalidTransition(
                    _(
                        "The invoice's balance changed since the write-off was proposed;"
                        " refuse it and propose again."
                    ),
                    code="balance_changed",
                )
        decide(write_off, user=user, approve=approve, note=note)
        record_event(
            action="contributions.write_off_approved"
            if approve
            else "contributions.write_off_refused",
            target=write_off,
            user=user,
            before={"status": ApprovalStatus.PENDING},
            after={"status": write_off.status, "note": write_off.decision_note},
            summary={
                **checker_summary(write_off),
                "invoice": write_off.invoice.number,
                "amount": write_off.amount,
                "reason": write_off.reason,
            },
        )
    return write_off


def waiting_for(user) -> tuple[models.QuerySet[HeldPayment], models.QuerySet[WriteOff]]:
    """What waits for this user as a checker: pending records someone else prepared, for the
    rights the user holds (empty querysets otherwise)."""
    held = HeldPayment.objects.none()
    write_offs = WriteOff.objects.none()
    if can(user, Action.RECORD_PAYMENT):
        held = HeldPayment.objects.filter(status=ApprovalStatus.PENDING).exclude(prepared_by=user)
    if can(user, Action.MANAGE_BILLING):
        write_offs = WriteOff.objects.filter(status=ApprovalStatus.PENDING).exclude(
            prepared_by=user
        )
    return (
        held.select_related("invoice", "invoice__payer", "prepared_by"),
        write_offs.select_related("invoice", "invoice__payer", "prepared_by"),
    )


def waiting_count(user) -> int:
    """How many records wait for this user as the checker, in one query (the menu's count)."""
    held, write_offs = waiting_for(user)
    first, second = (rows.order_by().values_list("pk") for rows in (held, write_offs))
    return first.union(second, all=True).count()
