"""Budgets: appropriations per payer and fiscal year, what they have been billed and paid,
how long they last at the current headcount, and what-if scenarios."""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.contributions.choices import AppropriationKind, InvoiceKind, LineKind
from lindungi.contributions.models import Appropriation, Invoice, InvoiceLine, Payer, Payment
from lindungi.core.dates import Month
from lindungi.core.errors import InvalidInput
from lindungi.core.money import largest_remainder
from lindungi.core.permissions import Action, require
from lindungi.programs.funding import WHOLE, shares_in_force


def add_appropriation(
    *,
    payer: Payer,
    fiscal_year: int,
    account_code: str,
    amount: int,
    document_reference: str = "",
    user,
) -> Appropriation:
    require(user, Action.MANAGE_BUDGET)
    account_code = account_code.strip()
    if not account_code:
        raise InvalidInput(_("The APBD account code is required."), code="account_required")
    if amount < 0:
        raise InvalidInput(_("A budget cannot be negative."), code="negative_budget")
    with transaction.atomic():
        if Appropriation.objects.filter(
            payer=payer,
            fiscal_year=fiscal_year,
            account_code=account_code,
            kind=AppropriationKind.ORIGINAL,
        ).exists():
            raise InvalidInput(
                _("This account already has a budget for %(year)s; record an amendment.")
                % {"year": fiscal_year},
                code="duplicate_appropriation",
            )
        appropriation = Appropriation.objects.create(
            payer=payer,
            fiscal_year=fiscal_year,
            account_code=account_code,
            amount=amount,
            document_reference=document_reference,
            recorded_by=user,
        )
        record_event(
            action="contributions.appropriation_added",
            target=appropriation,
            user=user,
            after={"amount": amount, "account_code": account_code, "year": fiscal_year},
        )
    return appropriation


def amend_appropriation(
    *, appropriation: Appropriation, change: int, document_reference: str, user
) -> Appropriation:
    """An amendment (APBD perubahan) is a new row; the original stays as it was passed."""
    require(user, Action.MANAGE_BUDGET)
    if change == 0:
        raise InvalidInput(_("An amendment must change the amount."), code="zero_change")
    if not document_reference.strip():
        raise InvalidInput(_("Name the budget document of the amendment."), code="reference")
    original = appropriation.amends or appropriation
    with transaction.atomic():
        current = appropriated(
            payer=original.payer,
            fiscal_year=original.fiscal_year,
            account_code=original.account_code,
        )
        if current + change < 0:
            raise InvalidInput(
                _("The amendment would make the budget negative."), code="negative_budget"
            )
        amendment = Appropriation.objects.create(
            payer=original.payer,
            fiscal_year=original.fiscal_year,
            account_code=original.account_code,
            kind=AppropriationKind.AMENDMENT,
            amount=change,
            amends=original,
            document_reference=document_reference.strip(),
            recorded_by=user,
        )
        record_event(
            action="contributions.appropriation_amended",
            target=amendment,
            user=user,
            before={"amount": current},
            after={"amount": current + change},
        )
    return amendment


def appropriated(*, payer: Payer, fiscal_year: int, account_code: str | None = None) -> int:
    rows = Appropriation.objects.filter(payer=payer, fiscal_year=fiscal_year)
    if account_code is not None:
        rows = rows.filter(account_code=account_code)
    return rows.aggregate(total=Sum("amount"))["total"] or 0


@dataclass(frozen=True)
class Forecast:
    remaining: int
    months_left: int
    # The last month the budget pays for at the current cost.
    guaranteed_until: Month
    # The first month it cannot pay for; None when it lasts to the end of the year.
    runs_out_in: Month | None
    # The largest headcount the remaining budget carries to the end of the year.
    max_headcount: int


def forecast(
    *,
    remaining: int,
    monthly_cost: int,
    per_person_cost: int,
    next_month: Month,
    monthly_costs: list[int] | None = None,
) -> Forecast:
    """Budget arithmetic from the first month not yet billed to December.

    `monthly_costs` (one per month from `next_month` to December) when the cost changes from
    a month on (the payer's funding shares change); else every month costs `monthly_cost`.
    """
    months_left = 13 - next_month.month
    december = Month(next_month.year, 12)
    costs = monthly_costs if monthly_costs is not None else [monthly_cost] * months_left
    affordable, left = 0, max(remaining, 0)
    for cost in costs:
        if cost > left:
            break
        left -= max(cost, 0)
        affordable += 1
    if affordable >= months_left:
        guaranteed, runs_out = december, None
    else:
        runs_out = next_month
        for _step in range(affordable):
            runs_out = runs_out.next()
        # Not even the next month: guaranteed only up to the last month already billed.
        guaranteed = runs_out.previous()
    max_headcount = max(remaining, 0) // (per_person_cost * months_left) if per_person_cost else 0
    return Forecast(remaining, months_left, guaranteed, runs_out, max_headcount)


@dataclass
class BudgetOverview:
    payer: Payer
    fiscal_year: int
    appropriated: int
    billed: int
    paid: int
    headcount: int
    monthly_cost: int
    forecast: Forecast | None
    # Month label -> (billed in the month, budget left after it), for the burn-down chart.
    burn_down: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def remaining(self) -> int:
        return self.appropriated - self.billed


def _future_costs(payer: Payer, latest: Invoice, next_month: Month) -> list[int]:
    """The payer's cost of each month from `next_month` to December, following the funding
    shares in force in each month (a kabupaten taking over half a cohort from July lowers the
    province's cost from July): each cohort's whole cost in the latest billed month (every
    payer's regular lines), apportioned over that month's payers by largest remainder in
    payer id order, as billing does. Rates and headcounts stay as in the latest month."""
    whole = dict(
        InvoiceLine.objects.filter(
            invoice__programme_id=latest.programme_id,
            invoice__kind=InvoiceKind.INVOICE,
            invoice__month=latest.month,
            kind=LineKind.REGULAR,
        )
        .values("cohort_id")
        .annotate(total=Sum("total"))
        .values_list("cohort_id", "total")
    )
    costs = []
    month = next_month
    while month.year == next_month.year:
        cost = 0
        for cohort_id, shares in shares_in_force(latest.programme, month).items():
            weights = [(share.payer_id, share.share_bp) for share in shares]
            if whole.get(cohort_id, 0) > 0 and any(pid == payer.pk for pid, _bp in weights):
                cost += largest_remainder(whole[cohort_id], weights)[payer.pk]
        costs.append(cost)
        month = month.next()
    return costs


def budget_overview(*, payer: Payer, fiscal_year: int) -> BudgetOverview:
    invoices = Invoice.objects.filter(payer=payer, month__year=fiscal_year)
    billed_by_month = dict(
        invoices.values("month").annotate(total=Sum("total")).values_list("month", "total")
    )
    budget = appropriated(payer=payer, fiscal_year=fiscal_year)
    billed = sum(billed_by_month.values())
    paid = Payment.objects.filter(invoice__in=invoices).aggregate(total=Sum("amount"))["total"]
    latest = invoices.filter(kind=InvoiceKind.INVOICE).order_by("-month").first()
    headcount = latest.headcount if latest else 0
    monthly_cost = (latest.total - latest.adjustments) if latest else 0
    result = None
    if latest and headcount and Month.of(latest.month).month < 12:
        next_month = Month.of(latest.month).next()
        result = forecast(
            remaining=budget - billed,
            monthly_cost=monthly_cost,
            # Rounded up: a forecast must never promise more places than the budget holds.
            per_person_cost=-(-monthly_cost // headcount),
            next_month=next_month,
            monthly_costs=_future_costs(payer, latest, next_month),
        )
    left, burn_down = budget, []
    for number in range(1, 13):
        month = Month(fiscal_year, number)
        spent = billed_by_month.get(month.first_day, 0)
        left -= spent
        burn_down.append((month.label(), spent, left))
    return BudgetOverview(
        payer, fiscal_year, budget, billed, paid or 0, headcount, monthly_cost, result, burn_down
    )


@dataclass(frozen=True)
class Scenario:
    headcount: int
    months: int
    monthly_contribution: int
    # Payer name -> cost per month, and for the whole period.
    per_month: dict[str, int]
    per_period: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.per_period.values())


def scenario(
    *, headcount: int, months: int, monthly_contribution: int, shares: list[tuple[str, int]]
) -> Scenario:
    """Cost per payer of `headcount` people for `months` months; shares in basis points.

    50,000 people x 12 months x Rp16,800 = Rp10,080,000,000 for a single payer.
    """
    if headcount < 0 or months < 1 or monthly_contribution < 0:
        raise InvalidInput(
            _("Headcount, months and contribution must be positive."), code="invalid_scenario"
        )
    if not shares or sum(bp for _, bp in shares) != WHOLE:
        raise InvalidInput(_("The payers' shares must add up to 100%."), code="shares_not_whole")
    monthly_total = headcount * monthly_contribution
    per_month = largest_remainder(monthly_total, shares)
    return Scenario(
        headcount,
        months,
        monthly_contribution,
        per_month,
        {name: amount * months for name, amount in per_month.items()},
    )
