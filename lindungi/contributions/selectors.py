"""Reads of the contributions app, limited to what the user may see.

A regency officer sees only their regency's share: the lines and detail rows of their
regency, and invoice figures summed from those lines.
"""

from django.db.models import F, QuerySet, Sum
from django.shortcuts import get_object_or_404

from lindungi.contributions.models import Invoice, InvoiceDetail, InvoiceLine, StatementLine
from lindungi.core.permissions import Action, regency_scope, require, scoped


def list_invoices(user) -> QuerySet[Invoice]:
    """Invoices with `visible_total`: the whole total, or the regency's share of it."""
    require(user, Action.VIEW_MONEY)
    invoices = Invoice.objects.select_related("payer", "programme")
    limit = regency_scope(user)
    if limit is None:
        return invoices.annotate(visible_total=F("total")).order_by("-month", "payer__name", "id")
    return (
        invoices.filter(lines__regency_id=limit)
        .annotate(visible_total=Sum("lines__total"))
        .order_by("-month", "payer__name", "id")
    )


def get_invoice(user, pk: int) -> Invoice:
    return get_object_or_404(list_invoices(user), pk=pk)


def list_lines(user, invoice: Invoice) -> QuerySet[InvoiceLine]:
    return scoped(user, InvoiceLine.objects.filter(invoice=invoice))


def list_details(user, invoice: Invoice) -> QuerySet[InvoiceDetail]:
    return scoped(user, InvoiceDetail.objects.filter(invoice=invoice))


def list_statement_lines(user, statement_id: int) -> QuerySet[StatementLine]:
    require(user, Action.VIEW_MONEY)
    return scoped(user, StatementLine.objects.filter(statement_id=statement_id))
