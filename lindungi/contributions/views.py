"""Invoice pages and documents. Thin: parse, call a selector, render."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from lindungi.contributions.documents import detail_xlsx_chunks, invoice_pdf
from lindungi.contributions.selectors import get_invoice, list_details, list_invoices, list_lines
from lindungi.core.permissions import regency_scope

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def invoice_list(request):
    invoices = list_invoices(request.user)
    return render(request, "contributions/invoice_list.html", {"invoices": invoices[:500]})


@login_required
def invoice_detail(request, pk: int):
    invoice = get_invoice(request.user, pk)
    lines = list_lines(request.user, invoice).select_related("regency", "cohort")
    return render(
        request,
        "contributions/invoice_detail.html",
        {
            "invoice": invoice,
            "lines": lines,
            "scoped": regency_scope(request.user) is not None,
        },
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
    response = StreamingHttpResponse(
        detail_xlsx_chunks(list_details(request.user, invoice)), content_type=XLSX
    )
    name = invoice.number.replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="{name}-rincian.xlsx"'
    return response
