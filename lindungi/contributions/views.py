"""Invoice, payment and arrears pages and documents. Thin: parse, call a selector or
service, render."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindungi.audit.services import record_export
from lindungi.contributions.credit_notes import issue_credit_note
from lindungi.contributions.documents import detail_xlsx_chunks, invoice_pdf
from lindungi.contributions.exports import is_large
from lindungi.contributions.forms import PaymentForm
from lindungi.contributions.jobs import INVOICE_XLSX_JOB_KIND
from lindungi.contributions.lapses import start_lapses_job
from lindungi.contributions.lists import INVOICES
from lindungi.contributions.models import HeldPayment
from lindungi.contributions.payments import apply_credit, payer_credit, record_payment
from lindungi.contributions.selectors import (
    aging_buckets,
    arrears_aging,
    get_invoice,
    invoice_approvals,
    invoice_balance,
    list_details,
    list_invoice_payments,
    list_lines,
    list_payments,
)
from lindungi.core.dates import local_today
from lindungi.core.errors import LindungiError
from lindungi.core.permissions import Action, can, nik_shown_to, regency_scope
from lindungi.jobs.services import start_job

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def invoice_list(request):
    listing = INVOICES.page(request)
    if listing.export is not None:
        return listing.export
    return render(
        request, "contributions/invoice_list.html", {"invoices": listing, "listing": listing}
    )


@login_required
def invoice_detail(request, pk: int, form: PaymentForm | None = None):
    invoice = get_invoice(request.user, pk)
    lines = list_lines(request.user, invoice).select_related("regency", "cohort")
    balance = invoice_balance(request.user, invoice)
    return render(
        request,
        "contributions/invoice_detail.html",
        {
            "invoice": invoice,
            "lines": lines,
            "scoped": regency_scope(request.user) is not None,
            "balance": balance,
            "payments": list_invoice_payments(request.user, invoice),
            "payment_form": form or PaymentForm(),
            "may_record_payment": can(request.user, Action.RECORD_PAYMENT),
            "may_correct": can(request.user, Action.MANAGE_BILLING),
            "payer_credit": payer_credit(invoice.payer) if balance.outstanding else 0,
            **invoice_approvals(request.user, invoice),
        },
        status=400 if form is not None else 200,
    )


@login_required
def invoice_pdf_view(request, pk: int):
    invoice = get_invoice(request.user, pk)
    if regency_scope(request.user) is not None:
        # The PDF is the payer's whole bill; a regency officer sees their share on the page.
        raise PermissionDenied("whole_invoice")
    response = HttpResponse(
        invoice_pdf(invoice, invoice.lines.all()), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{invoice.number.replace("/", "-")}.pdf"'
    )
    return response


@login_required
def invoice_xlsx(request, pk: int):
    invoice = get_invoice(request.user, pk)
    details = list_details(request.user, invoice)
    if is_large(details):
        # A hundred thousand people take seconds to write: the worker writes the file.
        job = start_job(
            kind=INVOICE_XLSX_JOB_KIND,
            params={"invoice_id": invoice.pk},
            user=request.user,
            label=_("Per-person detail of %(number)s") % {"number": invoice.number},
        )
        return redirect("jobs:detail", pk=job.pk)
    record_export(user=request.user, kind="invoice_lines", target=invoice, file_format="xlsx")
    response = StreamingHttpResponse(
        detail_xlsx_chunks(details, show_nik=nik_shown_to(request.user)), content_type=XLSX
    )
    name = invoice.number.replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="{name}-rincian.xlsx"'
    return response


@login_required
@require_POST
def payment_record(request, pk: int):
    invoice = get_invoice(request.user, pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            recorded = record_payment(invoice=invoice, user=request.user, **form.cleaned_data)
        except LindungiError as error:
            form.add_error(None, error.message)
        else:
            if isinstance(recorded, HeldPayment):
                messages.success(
                    request, _("The payment is held until a second person approves it.")
                )
            else:
                messages.success(request, _("Payment recorded."))
            return redirect("contributions:invoice", pk=invoice.pk)
    return invoice_detail(request, pk, form=form)


@login_required
@require_POST
def credit_note_issue(request, pk: int):
    """Correct an invoice no later invoice will carry (after the programme's last month)."""
    invoice = get_invoice(request.user, pk)
    try:
        note = issue_credit_note(invoice=invoice, user=request.user)
    except LindungiError as error:
        messages.error(request, error.message)
        return redirect("contributions:invoice", pk=invoice.pk)
    messages.success(request, _("Credit note %(number)s issued.") % {"number": note.number})
    return redirect("contributions:invoice", pk=note.pk)


@login_required
@require_POST
def credit_apply(request, pk: int):
    """Settle the invoice from the payer's over-payments."""
    invoice = get_invoice(request.user, pk)
    try:
        apply_credit(invoice=invoice, user=request.user)
    except LindungiError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Credit applied."))
    return redirect("contributions:invoice", pk=invoice.pk)


@login_required
@require_POST
def lapses_run(request):
    """Start the lapse rule now (it also runs daily): assess standing, end lapsed places."""
    try:
        as_of = date.fromisoformat(request.POST.get("as_of", ""))
    except ValueError:
        as_of = local_today()
    job = start_lapses_job(user=request.user, as_of=as_of)
    return redirect("jobs:detail", pk=job.pk)


@login_required
def payment_list(request):
    return render(
        request, "contributions/payment_list.html", {"payments": list_payments(request.user)}
    )


@login_required
def arrears(request):
    try:
        as_of = date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        as_of = local_today()
    rows = arrears_aging(request.user, as_of=as_of)
    buckets = aging_buckets()
    totals = {key: sum(row.buckets[key] for row in rows) for key, _label in buckets}
    return render(
        request,
        "contributions/arrears.html",
        {
            "as_of": as_of,
            "buckets": buckets,
            "rows": [(row, [row.buckets[key] for key, _label in buckets]) for row in rows],
            "totals": [totals[key] for key, _label in buckets],
            "grand_total": sum(totals.values()),
            "may_run_lapses": can(request.user, Action.MANAGE_BILLING),
        },
    )
