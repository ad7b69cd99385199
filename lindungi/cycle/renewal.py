"""Renewing a programme into next year: the preview and the renewal itself.

`renew_programme` creates next year's programme from this year's in one transaction: coverage
1 January to 31 December, the same package, basis and rules (with "continued from last year"
ranked first), every cohort with its quota and the funding shares in force in this year's last
month, a budget per payer costed month by month at the rates in force (PP 50/2025's discount
reaches CSR- and self-paid shares from April 2026, never APBD/APBN-paid ones), and the
re-verification diff of the continuing participants. Renewing again returns the same renewal
(one programme, guarded by the unique constraint on Renewal.from_programme); renewing a draft
is refused (renewal is prepared while the old year is still active, so 1 January has no gap);
a failure leaves nothing behind.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.contributions.budget import add_appropriation
from lindungi.contributions.models import Appropriation
from lindungi.core.dates import Month, months_between
from lindungi.core.errors import InvalidInput, InvalidTransition
from lindungi.core.money import largest_remainder
from lindungi.core.permissions import Action, require
from lindungi.cycle.models import Renewal
from lindungi.programs.choices import Criterion, ProgrammeStatus, QuotaMethod, Sector
from lindungi.programs.funding import ShareSpec, shares_in_force
from lindungi.programs.models import Cohort, Payer, Programme
from lindungi.programs.rates import RateTable
from lindungi.programs.services import add_cohort, create_programme, set_quotas

# Belanja iuran jaminan sosial (APBD), the account the demo's budgets use as well.
BUDGET_ACCOUNT = "5.1.02.01.01.0024"
RENEWABLE = (ProgrammeStatus.ACTIVE, ProgrammeStatus.CLOSING)
COPIED_FIELDS = (
    "package",
    "income_basis",
    "min_age",
    "max_age",
    "max_desil",
    "exclude_active_participants",
    "exclude_wage_earners",
    "exclude_other_programmes",
    "quota_method",
    "redistribute_surplus",
)


@dataclass
class CohortPlan:
    source: Cohort
    name: str
    headcount: int
    regency_id: str | None
    shares: list[ShareSpec]
    quotas: dict[str, int]


@dataclass
class RenewalPreview:
    programme: Programme
    year: int
    name: str
    coverage_start: date
    coverage_end: date
    criteria: list[str]
    cohorts: list[CohortPlan]
    # Funding source -> monthly contribution per person, per month of the new year.
    rates: dict[str, list[tuple[str, int]]]
    # Payer -> cost of its shares over the year (the budget the renewal records).
    budgets: dict[Payer, int]
    continuing: int
    existing: Renewal | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def months(self) -> list[str]:
        return [month for month, _amount in next(iter(self.rates.values()), [])]

    @property
    def target(self) -> int:
        return sum(plan.headcount for plan in self.cohorts)


def _renamed(text: str, old_year: int, year: int) -> str:
    if str(old_year) in text:
        return text.replace(str(old_year), str(year))
    return f"{text} {year}"


def _check_renewable(programme: Programme, year: int) -> None:
    if programme.status == ProgrammeStatus.DRAFT:
        raise InvalidTransition(
            _(
                "%(name)s is still a draft: only an active programme can be renewed, so that "
                "its participants continue on 1 January without a gap."
            )
            % {"name": programme.name},
            code="renew_draft",
        )
    if programme.status not in RENEWABLE:
        raise InvalidTransition(
            _("%(name)s is closed: renew it while it is active or closing.")
            % {"name": programme.name},
            code="renew_closed",
        )
    if year != programme.year + 1:
        raise InvalidInput(
            _("%(name)s (%(old)s) can only be renewed into %(next)s.")
            % {"name": programme.name, "old": programme.year, "next": programme.year + 1},
            code="renew_year_invalid",
        )


def _continuing_count(programme: Programme) -> int:
    from lindungi.cycle.verification import continuing_places

    return continuing_places(programme).count()


def preview_renewal(
    *, programme: Programme, year: int, headcounts: dict[int, int] | None = None
) -> RenewalPreview:
    """What `renew_programme` would create; nothing is written.

    `headcounts` (this year's cohort id -> places next year) changes how many places a cohort
    funds next year (2026: the province funds 50,000 of 2025's 100,000); quotas typed in for
    a cohort whose headcount changes are not copied (they would no longer add up).
    """
    headcounts = headcounts or {}
    if any(value <= 0 for value in headcounts.values()):
        raise InvalidInput(_("The headcount must be positive."), code="headcount_invalid")
    existing = Renewal.objects.filter(from_programme=programme).first()
    if existing is None:
        _check_renewable(programme, year)
    last_month = Month.of(programme.coverage_end)
    shares = shares_in_force(programme, last_month)
    plans = []
    for cohort in Cohort.objects.filter(programme=programme).order_by("position", "pk"):
        headcount = headcounts.get(cohort.pk, cohort.headcount)
        plans.append(
            CohortPlan(
                source=cohort,
                name=_renamed(cohort.name, programme.year, year),
                headcount=headcount,
                regency_id=cohort.regency_id,
                shares=[ShareSpec(share.payer, share.share_bp) for share in shares[cohort.pk]],
                quotas=dict(cohort.quotas.values_list("regency_id", "headcount"))
                if headcount == cohort.headcount
                else {},
            )
        )
    months = months_between(Month(year, 1), Month(year, 12))
    sources = sorted({spec.payer.funding_source for plan in plans for spec in plan.shares})
    tables = {month: RateTable(month) for month in months}
    rates = {
        source: [
            (
                str(month),
                tables[month]
                .contribution(
                    package=programme.package,
                    basis=programme.income_basis,
                    sector=Sector.OTHER,
                    funding_source=source,
                )
                .total,
            )
            for month in months
        ]
        for source in sources
    }
    budgets: dict[Payer, int] = defaultdict(int)
    for plan in plans:
        for month_index in range(len(months)):
            weights = [(spec.payer, spec.share_bp) for spec in plan.shares]
            # Each payer's part at the rate its own money attracts (largest remainder).
            for spec in plan.shares:
                cost = plan.headcount * rates[spec.payer.funding_source][month_index][1]
                budgets[spec.payer] += largest_remainder(cost, weights)[spec.payer]
    criteria = [Criterion.CONTINUED.value] + [
        item for item in programme.criteria if item != Criterion.CONTINUED
    ]
    return RenewalPreview(
        programme=programme,
        year=year,
        name=_renamed(programme.name, programme.year, year),
        coverage_start=date(year, 1, 1),
        coverage_end=date(year, 12, 31),
        criteria=criteria,
        cohorts=plans,
        rates=rates,
        budgets=dict(budgets),
        continuing=_continuing_count(programme),
        existing=existing,
    )


def renew_programme(
    *, user, programme: Programme, year: int, headcounts: dict[int, int] | None = None
) -> Renewal:
    """Create next year's programme from this year's (see the module docstring)."""
    require(user, Action.MANAGE_PROGRAMMES)
    existing = Renewal.objects.filter(from_programme=programme).first()
    if existing is not None:
        return existing
    preview = preview_renewal(programme=programme, year=year, headcounts=headcounts)
    try:
        with transaction.atomic():
            locked = Programme.objects.select_for_update().get(pk=programme.pk)
            _check_renewable(locked, year)
            new = create_programme(
                user=user,
                name=preview.name,
                year=year,
                coverage_start=preview.coverage_start,
                coverage_end=preview.coverage_end,
                target_headcount=preview.target,
                province_code=programme.province_id,
                regency_code=programme.regency_id,
                criteria=preview.criteria,
                **{name: getattr(programme, name) for name in COPIED_FIELDS},
            )
            cohort_map = {}
            for plan in preview.cohorts:
                cohort = add_cohort(
                    user=user,
                    programme=new,
                    name=plan.name,
                    headcount=plan.headcount,
                    regency_code=plan.regency_id,
                    position=plan.source.position,
                    shares=plan.shares,
                )
                if plan.quotas and new.quota_method == QuotaMethod.MANUAL:
                    set_quotas(user=user, cohort=cohort, headcounts=plan.quotas)
                cohort_map[str(plan.source.pk)] = cohort.pk
            budgets_added, budgets_kept = _add_budgets(user, new, preview)
            renewal = Renewal.objects.create(
                from_programme=programme,
                to_programme=new,
                cohort_map=cohort_map,
                created_by=user,
            )
            record_event(
                action="cycle.programme_renewed",
                target=renewal,
                summary={
                    "from": programme.pk,
                    "to": new.pk,
                    "year": year,
                    "cohorts": len(cohort_map),
                    "budgets_added": budgets_added,
                    "budgets_kept": budgets_kept,
                },
                user=user,
            )
            from lindungi.cycle.verification import reverify

            reverify(user=user, renewal=renewal)
    except IntegrityError:
        # A concurrent renewal of the same programme won the unique constraint: use its.
        existing = Renewal.objects.filter(from_programme=programme).first()
        if existing is None:
            raise
        return existing
    return Renewal.objects.get(pk=renewal.pk)


def _add_budgets(user, programme: Programme, preview: RenewalPreview) -> tuple[int, int]:
    """One appropriation per payer for the new year, unless the payer already has one."""
    added = kept = 0
    for payer, amount in sorted(preview.budgets.items(), key=lambda item: item[0].pk):
        if Appropriation.objects.filter(
            payer=payer, fiscal_year=programme.year, account_code=BUDGET_ACCOUNT
        ).exists():
            kept += 1
            continue
        add_appropriation(
            payer=payer,
            fiscal_year=programme.year,
            account_code=BUDGET_ACCOUNT,
            amount=amount,
            document_reference=_("Renewal of %(name)s") % {"name": preview.programme.name},
            user=user,
        )
        added += 1
    return added, kept


def renewal_year(text: str) -> int:
    if not re.fullmatch(r"\d{4}", text or ""):
        raise InvalidInput(_("The year has four digits."), code="year_invalid")
    return int(text)
