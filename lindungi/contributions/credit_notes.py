"""Credit notes: corrections of an issued invoice when no later invoice will carry them
(typically after the programme's last month), pointing at the invoice they correct."""

from django.db import transaction
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.contributions.billing import (
    build_lines,
    finalise_header,
    insert_removals,
    last_detail_id,
)
from lindungi.contributions.choices import InvoiceKind
from lindungi.contributions.models import Invoice
from lindungi.contributions.policy import cohort_shares, policy_for
from lindungi.core.dates import Month
from lindungi.core.errors import InvalidInput
from lindungi.core.permissions import Action, require


def issue_credit_note(*, invoice: Invoice, user) -> Invoice:
    """Credit the people billed on `invoice`'s month who turn out not to have been covered."""
    require(user, Action.MANAGE_BILLING)
    if invoice.kind != InvoiceKind.INVOICE:
        raise InvalidInput(_("Only an invoice can be corrected."), code="not_an_invoice")
    programme = invoice.programme
    rule = policy_for(programme).month_rule
    with transaction.atomic():
        month = Month.of(invoice.month)
        shares = [s for s in cohort_shares(programme, month) if s.payer.pk == invoice.payer_id]
        sequence = Invoice.objects.filter(corrects=invoice).count() + 1
        note = Invoice.objects.create(
            kind=InvoiceKind.CREDIT_NOTE,
            number=f"{invoice.number}/KR{sequence}",
            payer=invoice.payer,
            programme=programme,
            month=invoice.month,
            due_date=invoice.due_date,
            corrects=invoice,
            headcount=0,
            total=0,
            basis={"month_rule": rule, "corrects": invoice.number},
            issued_by=user,
        )
        written_after = last_detail_id()
        insert_removals(
            invoice=note,
            payer=invoice.payer,
            service_month=Month.of(invoice.month),
            rule=rule,
            cohort_ids=[share.cohort.pk for share in shares],
        )
        totals = build_lines(note, shares, written_after=written_after)
        if not totals:
            raise InvalidInput(
                _("Nothing billed on %(number)s needs correcting.") % {"number": invoice.number},
                code="nothing_to_correct",
            )
        finalise_header(note, totals)
        record_event(
            action="contributions.credit_note_issued",
            target=note,
            user=user,
            summary={"corrects": invoice.number, "total": note.total},
        )
    return note
