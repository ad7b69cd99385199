"""Reads of the contributions app, limited to what the user may see.

A regency officer sees only their regency's share: the lines and detail rows of their
regency, and invoice figures summed from those lines.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from lindungi.contributions.budget import budget_overview
from lindungi.contributions.choices import AGING_BUCKETS, InvoiceKind, ReconciliationCategory
from lindungi.contributions.models import (
    Appropriation,
    EnrollmentStanding,
    Invoice,
    InvoiceDetail,
    InvoiceLine,
    Payer,
    Payment,
    StatementImport,
    StatementLine,
    StatementRejectedRow,
)
from lindungi.contributions.payments import Balance, balances
from lindungi.core.dates import Month
from lindungi.core.money import largest_remainder
from lindungi.core.permissions import Action, regency_scope, require, scoped
from lindungi.programs.choices import PayerType


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


def _regency_share(user) -> dict[int, tuple[int, int]] | None:
    """Per invoice, (the regency's line total, the invoice total) for a regency officer."""
    limit = regency_scope(user)
    if limit is None:
        return None
    rows = (
        InvoiceLine.objects.filter(regency_id=limit)
        .values("invoice_id")
        .annotate(share=Sum("total"))
        .values_list("invoice_id", "share", "invoice__total")
    )
    return {invoice_id: (share, total) for invoice_id, share, total in rows}


def share_of(amount: int, share: tuple[int, int]) -> int:
    """The regency's part of an invoice amount, in proportion to its lines (exact rupiah)."""
    part, whole = share
    if amount < 0:
        return -share_of(-amount, share)
    if whole <= 0 or part <= 0:
        return 0
    if part >= whole:
        return amount
    return largest_remainder(amount, [("regency", part), ("rest", whole - part)])["regency"]


def regency_paid_by_month(*, programme, regency: str) -> dict[date, int]:
    """Per contribution month, the regency's share of what was paid on the programme's invoices.

    Payments are made per invoice (per payer), not per regency; a regency's share of a payment
    is in proportion to its lines (`share_of`, exact rupiah), as on the invoice and arrears
    pages, so an invoice paid in full has every regency's lines paid in full.
    """
    lines = (
        InvoiceLine.objects.filter(invoice__programme=programme, regency_id=regency)
        .values("invoice_id")
        .annotate(share=Sum("total"))
        .values_list("invoice_id", "share", "invoice__total", "invoice__month")
    )
    shares = {invoice_id: (share, total, month) for invoice_id, share, total, month in lines}
    paid = dict(
        Payment.objects.filter(invoice_id__in=shares)
        .values("invoice_id")
        .annotate(total=Sum("amount"))
        .values_list("invoice_id", "total")
    )
    by_month: dict[date, int] = {}
    for invoice_id, (share, total, month) in shares.items():
        amount = share_of(int(paid.get(invoice_id, 0)), (share, total))
        by_month[month] = by_month.get(month, 0) + amount
    return by_month


@dataclass(frozen=True)
class PaymentRow:
    payment: Payment
    # The whole amount, or the regency's share of it for a regency officer.
    visible_amount: int


def list_payments(user, *, limit: int = 500) -> list[PaymentRow]:
    """Payments, newest first; a regency officer sees their regency's share of each."""
    require(user, Action.VIEW_MONEY)
    payments = Payment.objects.select_related("invoice", "invoice__payer").order_by(
        "-paid_on", "-id"
    )
    shares = _regency_share(user)
    if shares is None:
        return [PaymentRow(p, p.amount) for p in payments[:limit]]
    payments = payments.filter(invoice_id__in=list(shares))[:limit]
    return [PaymentRow(p, share_of(p.amount, shares[p.invoice_id])) for p in payments]


def invoice_balance(user, invoice: Invoice) -> Balance:
    """Due and paid for the invoice, or the regency's share of both."""
    balance = balances(Invoice.objects.filter(pk=invoice.pk))[invoice.pk]
    shares = _regency_share(user)
    if shares is None:
        return balance
    share = shares.get(invoice.pk, (0, invoice.total))
    return Balance(
        due=share_of(balance.due, share),
        paid=share_of(balance.paid, share),
        written_off=share_of(balance.written_off, share),
    )


def invoice_approvals(user, invoice: Invoice) -> dict[str, list]:
    """The invoice's held payments and write-offs with both people (whole-invoice amounts:
    province-wide readers only)."""
    if regency_scope(user) is not None:
        return {"held": [], "write_offs": []}
    people = ("prepared_by", "decided_by")
    return {
        "held": list(invoice.held_payments.select_related(*people)),
        "write_offs": list(invoice.write_offs.select_related(*people)),
    }


def list_invoice_payments(user, invoice: Invoice) -> list[PaymentRow]:
    shares = _regency_share(user)
    rows = invoice.payments.order_by("paid_on", "id")
    if shares is None:
        return [PaymentRow(p, p.amount) for p in rows]
    share = shares.get(invoice.pk, (0, invoice.total))
    return [PaymentRow(p, share_of(p.amount, share)) for p in rows]


@dataclass
class AgingRow:
    payer: Payer
    # Bucket key -> outstanding rupiah, in AGING_BUCKETS order.
    buckets: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.buckets.values())


def _bucket(days_overdue: int) -> str:
    for key, _label, low, high in AGING_BUCKETS:
        if (low is None or days_overdue >= low) and (high is None or days_overdue <= high):
            return key
    raise AssertionError(days_overdue)


def arrears_aging(user, *, as_of: date) -> list[AgingRow]:
    """Outstanding amounts per payer by days past the due date (regency share if scoped)."""
    require(user, Action.VIEW_MONEY)
    invoices = list(
        Invoice.objects.filter(kind=InvoiceKind.INVOICE, month__lte=as_of)
        .select_related("payer")
        .order_by("payer__name", "month")
    )
    shares = _regency_share(user)
    if shares is not None:
        invoices = [invoice for invoice in invoices if invoice.pk in shares]
    balance = balances(Invoice.objects.filter(pk__in=[invoice.pk for invoice in invoices]))
    rows: dict[int, AgingRow] = {}
    for invoice in invoices:
        outstanding = balance[invoice.pk].outstanding
        if shares is not None:
            outstanding = share_of(outstanding, shares[invoice.pk])
        if outstanding <= 0:
            continue
        row = rows.setdefault(
            invoice.payer_id,
            AgingRow(invoice.payer, {key: 0 for key, *_rest in AGING_BUCKETS}),
        )
        row.buckets[_bucket((as_of - invoice.due_date).days)] += outstanding
    return list(rows.values())


def aging_buckets() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, label, *_rest in AGING_BUCKETS]


def list_statements(user) -> QuerySet[StatementImport]:
    require(user, Action.VIEW_MONEY)
    return StatementImport.objects.select_related("programme", "payer").order_by("-month", "-id")


def list_statement_rejections(user, statement_id: int) -> QuerySet[StatementRejectedRow]:
    """Rejected rows name people we could not place in a regency: province-wide readers only."""
    require(user, Action.VIEW_MONEY)
    rows = StatementRejectedRow.objects.filter(statement_id=statement_id).order_by("row_number")
    return rows if regency_scope(user) is None else rows.none()


def get_statement(user, pk: int) -> StatementImport:
    return get_object_or_404(list_statements(user), pk=pk)


def statement_summary(user, statement: StatementImport) -> list[dict]:
    """Count, insurer and expected amounts and open lines per category, of the lines the
    user may see, in category order, with a total row last."""
    lines = list_statement_lines(user, statement.pk)
    found = {
        row["category"]: row
        for row in lines.values("category").annotate(
            count=Count("id"),
            insurer=Coalesce(Sum("insurer_amount"), 0),
            expected=Coalesce(Sum("expected_amount"), 0),
            open=Count("id", filter=Q(resolved=False)),
        )
    }
    empty = {"count": 0, "insurer": 0, "expected": 0, "open": 0}
    rows = [
        {"category": value, "label": label, **{k: found.get(value, empty)[k] for k in empty}}
        for value, label in ReconciliationCategory.choices
    ]
    total = {k: sum(row[k] for row in rows) for k in empty}
    return [*rows, {"category": "", "label": "", **total}]


def list_budget_payers(user) -> QuerySet[Payer]:
    """Payers whose budgets the user may see: a regency officer only their regency's."""
    require(user, Action.VIEW_MONEY)
    payers = Payer.objects.order_by("payer_type", "name")
    limit = regency_scope(user)
    return payers if limit is None else payers.filter(regency_id=limit)


def list_appropriations(user, fiscal_year: int) -> QuerySet[Appropriation]:
    return Appropriation.objects.filter(
        payer__in=list_budget_payers(user), fiscal_year=fiscal_year
    ).select_related("payer", "amends")


def guaranteed_until(programme) -> Month | None:
    """The earliest "guaranteed until" month of the programme's payers' budgets this year:
    the programme's cover is only as long as its shortest budget. None without budgets."""
    months = []
    for payer in Payer.objects.filter(invoices__programme=programme).distinct():
        if not Appropriation.objects.filter(payer=payer, fiscal_year=programme.year).exists():
            continue
        overview = budget_overview(payer=payer, fiscal_year=programme.year)
        if overview.forecast is not None:
            months.append(overview.forecast.guaranteed_until)
    return min(months) if months else None


def list_standings(programme, *, standing: str | None = None) -> QuerySet[EnrollmentStanding]:
    """The programme's enrollments flagged by the last `assess_standing` (no user scope:
    for services such as enrollment's `apply_lapses`, which scope nothing)."""
    rows = EnrollmentStanding.objects.filter(enrollment__programme=programme)
    return rows if standing is None else rows.filter(standing=standing)


def count_invoices_on_time(*, year: int) -> dict[str, tuple[int, int]]:
    """Regency code -> (invoices issued to that regency's government for months of the year,
    those paid in full by their due date). Aggregates only: the caller decides who sees them."""
    invoices = (
        Invoice.objects.filter(
            kind=InvoiceKind.INVOICE,
            payer__payer_type=PayerType.REGENCY,
            payer__regency__isnull=False,
            month__year=year,
        )
        .annotate(
            paid_by_due=Coalesce(
                Sum("payments__amount", filter=Q(payments__paid_on__lte=F("due_date"))), 0
            )
        )
        .values_list("payer__regency_id", "total", "paid_by_due")
        .order_by()
    )
    figures: dict[str, tuple[int, int]] = {}
    # A regency government has at most a dozen invoices a year per programme.
    for regency, total, paid_by_due in invoices:
        issued, on_time = figures.get(regency, (0, 0))
        figures[regency] = (issued + 1, on_time + (1 if paid_by_due >= total else 0))
    return figures
