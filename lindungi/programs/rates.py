"""Monthly contributions from the rate table (RateRule rows), in integer rupiah.

Rounding: each component is computed with integers and rounded half up to whole rupiah once its
discount (if any) is applied; the total is the sum of the rounded components. So JKK at 1% of
Rp1,000,000 halved is Rp5,000 and JKM Rp6,800 halved is Rp3,400: Rp8,400 in all.

Discounts never stack: when several discount rules match a component and month, the most
favourable one (the smallest payable share) applies.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from lindungi.core.dates import Month
from lindungi.core.errors import InvalidInput
from lindungi.programs.choices import Component, Package, RateKind
from lindungi.programs.models import RateRule


@dataclass(frozen=True)
class Contribution:
    jkk: int
    jkm: int
    jht: int

    @property
    def total(self) -> int:
        return self.jkk + self.jkm + self.jht


@dataclass(frozen=True)
class ContributionKey:
    """What decides a contribution: the set-based billing path groups people by this."""

    package: str
    basis: int
    sector: str
    funding_source: str


def _round_div(numerator: int, denominator: int) -> int:
    """Integer division rounded half up (amounts are never negative)."""
    return (numerator + denominator // 2) // denominator


def _applies(rule: RateRule, *, sector: str, funding_source: str) -> bool:
    if rule.only_sector and rule.only_sector != sector:
        return False
    if rule.except_sector and rule.except_sector == sector:
        return False
    return funding_source not in (rule.excluded_funding_sources or [])


class RateTable:
    """The rules in force in one month, loaded once, for computing many contributions."""

    def __init__(self, month: Month, rules: Iterable[RateRule] | None = None) -> None:
        self.month = month
        day = month.first_day
        if rules is None:
            rules = RateRule.objects.all()
        self.rules = [
            rule
            for rule in rules
            if rule.effective_from <= day
            and (rule.effective_to is None or day <= rule.effective_to)
        ]

    def component(self, component: str, *, basis: int, sector: str, funding_source: str) -> int:
        base_rules = [
            rule
            for rule in self.rules
            if rule.component == component
            and rule.kind != RateKind.DISCOUNT
            and _applies(rule, sector=sector, funding_source=funding_source)
        ]
        if len(base_rules) != 1:
            raise InvalidInput(
                f"{len(base_rules)} base rates for {component} in {self.month}; expected one",
                code="rate_table_incomplete",
            )
        rule = base_rules[0]
        if rule.kind == RateKind.PERCENT_OF_BASIS:
            numerator, denominator = basis * rule.value, 10_000
        else:
            numerator, denominator = rule.value, 1
        payable = min(
            (
                discount.value
                for discount in self.rules
                if discount.component == component
                and discount.kind == RateKind.DISCOUNT
                and _applies(discount, sector=sector, funding_source=funding_source)
            ),
            default=10_000,
        )
        return _round_div(numerator * payable, denominator * 10_000)

    def contribution(
        self, *, package: str, basis: int, sector: str, funding_source: str
    ) -> Contribution:
        if basis <= 0:
            raise InvalidInput("the income basis must be positive", code="invalid_basis")
        components = Package(package).components
        amounts = {
            name: self.component(name, basis=basis, sector=sector, funding_source=funding_source)
            if name in components
            else 0
            for name in (Component.JKK, Component.JKM, Component.JHT)
        }
        return Contribution(
            jkk=amounts[Component.JKK], jkm=amounts[Component.JKM], jht=amounts[Component.JHT]
        )


def monthly_contribution(
    *, package: str, basis: int, month: Month, sector: str, funding_source: str
) -> Contribution:
    """The monthly contribution of one participant, with its JKK/JKM/JHT breakdown."""
    return RateTable(month).contribution(
        package=package, basis=basis, sector=sector, funding_source=funding_source
    )


def contributions_for_groups(
    *, month: Month, keys: Iterable[ContributionKey]
) -> dict[ContributionKey, Contribution]:
    """One contribution per distinct group, from one read of the rate table.

    Billing groups its people in SQL by (package, basis, sector, funding source), a handful of
    rows however many people there are, and multiplies.
    """
    table = RateTable(month)
    return {
        key: table.contribution(
            package=key.package,
            basis=key.basis,
            sector=key.sector,
            funding_source=key.funding_source,
        )
        for key in set(keys)
    }
