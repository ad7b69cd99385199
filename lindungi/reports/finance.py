"""Money figures for the dashboards: billed and paid per month, and the budget burn-down.

Invoices are one row per payer and month (dozens a year), so these aggregate live; only the
per-regency billed share reads invoice lines, which are per regency and cohort, not per person.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Sum

from lindungi.contributions.models import Appropriation, Invoice, InvoiceLine, Payment
from lindungi.contributions.selectors import regency_paid_by_month
from lindungi.core.dates import Month, months_between
from lindungi.core.permissions import Action, regency_scope, require, scoped
from lindungi.programs.models import Programme


@dataclass(frozen=True)
class MonthMoney:
    month: date
    billed: int
    # None where the user may not see payments (they are made per payer, not per regency).
    paid: int | None


def billed_and_paid(
    *, user, programme: Programme | None, regency: str | None = None
) -> list[MonthMoney]:
    """Per contribution month: billed and paid, for the programme or one regency's share."""
    require(user, Action.VIEW_MONEY)
    if programme is None:
        return []
    lines = scoped(user, InvoiceLine.objects.filter(invoice__programme=programme))
    if regency:
        lines = lines.filter(regency_id=regency)
    billed = dict(
        lines.values("invoice__month")
        .annotate(total=Sum("total"))
        .order_by()
        .values_list("invoice__month", "total")
    )
    paid: dict[date, int] = {}
    # Payments are per payer; a regency (its own officer's view, or a province officer looking
    # at one regency) sees its share of them, in proportion to its invoice lines.
    regency = regency or regency_scope(user)
    if regency:
        paid = regency_paid_by_month(programme=programme, regency=regency)
    else:
        paid = dict(
            Payment.objects.filter(invoice__programme=programme)
            .values("invoice__month")
            .annotate(total=Sum("amount"))
            .order_by()
            .values_list("invoice__month", "total")
        )
    months = sorted(set(billed) | set(paid))
    return [
        MonthMoney(month, int(billed.get(month, 0)), int(paid.get(month, 0))) for month in months
    ]


@dataclass(frozen=True)
class BurnDownPoint:
    month: date
    remaining: int
    forecast: bool


@dataclass(frozen=True)
class BurnDown:
    budget: int
    points: list[BurnDownPoint]
    # The first month the forecast cannot pay in full, or None if the budget lasts the year.
    runs_out: date | None


def budget_burn_down(*, user, programme: Programme | None) -> BurnDown | None:
    """The programme payers' appropriations for its year, less what each month billed.

    After the last billed month the forecast repeats that month's bill to the end of the
    coverage window. Budgets belong to payers, not regencies: province-wide users only.
    """
    require(user, Action.VIEW_MONEY)
    if programme is None or regency_scope(user) is not None:
        return None
    invoices = Invoice.objects.filter(programme=programme)
    payer_ids = set(invoices.values_list("payer_id", flat=True))
    if not payer_ids:
        return None
    budget = int(
        Appropriation.objects.filter(payer_id__in=payer_ids, fiscal_year=programme.year).aggregate(
            total=Sum("amount")
        )["total"]
        or 0
    )
    billed = dict(
        invoices.values("month")
        .annotate(total=Sum("total"))
        .order_by()
        .values_list("month", "total")
    )
    window = months_between(Month.of(programme.coverage_start), Month.of(programme.coverage_end))
    remaining = budget
    last_bill = 0
    runs_out = None
    points = []
    for month in window:
        day = month.first_day
        forecast = day not in billed
        amount = last_bill if forecast else int(billed[day])
        last_bill = amount
        if remaining - amount < 0 and runs_out is None:
            runs_out = day
        remaining -= amount
        points.append(BurnDownPoint(day, remaining, forecast))
    return BurnDown(budget, points, runs_out)
