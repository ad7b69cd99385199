"""What the regulation gives a family, from the rules in force on the incident date.

Pure arithmetic over a `RuleSet`: no amount is written here, every figure comes from a rule
row, and every item names the rule and legal basis that produced it. Money stays integer
rupiah; a percentage of a basis rounds half up to the rupiah.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from lindungi.benefits.choices import SCHOOL_ORDER, BenefitItem, SchoolLevel, TransportMode
from lindungi.benefits.rules import RuleSet, rules_on
from lindungi.core.errors import InvalidInput
from lindungi.core.money import format_rupiah

JKM = "jkm"
JKK_DEATH = "jkk-death"
JKK_TOTAL = "jkk-total-disability"
JKK_PARTIAL = "jkk-partial-disability"
JKK_STMB = "jkk-stmb"
JKK_TREATMENT = "jkk-treatment"
KINDS = (JKM, JKK_DEATH, JKK_TOTAL, JKK_PARTIAL, JKK_STMB, JKK_TREATMENT)
LEVEL_RULES = {
    SchoolLevel.TK_SD: "tk_sd",
    SchoolLevel.SMP: "smp",
    SchoolLevel.SMA: "sma",
    SchoolLevel.PT: "pt",
}


@dataclass(frozen=True)
class Case:
    """The facts a calculation needs. `children` are school levels, eldest first."""

    kind: str
    basis: int
    on: date
    percent_bp: int | None = None
    months_incapacitated: int | None = None
    transport_mode: str = ""
    transport_cost: int | None = None
    home_care_cost: int | None = None
    contribution_months: int | None = None
    children: tuple[str, ...] = ()
    # Birth dates of the same children where known (the age-23 end rule).
    birth_dates: tuple[date | None, ...] = ()


@dataclass(frozen=True)
class Entitlement:
    item: str
    child: int
    name: str
    amount: int
    rule: str
    legal_basis: str


@dataclass(frozen=True)
class ScheduleYear:
    school_year: str
    level: str
    amount: int


@dataclass
class Result:
    case: Case
    items: list[Entitlement] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Per child number: every school year's scholarship until the rules end it.
    schedules: dict[int, list[ScheduleYear]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(item.amount for item in self.items)

    def as_dict(self) -> dict:
        return {
            "kind": self.case.kind,
            "basis": self.case.basis,
            "date": self.case.on.isoformat(),
            "items": [
                {
                    "item": item.item,
                    "child": item.child,
                    "name": item.name,
                    "amount": item.amount,
                    "rule": item.rule,
                    "legal_basis": item.legal_basis,
                }
                for item in self.items
            ],
            "total": self.total,
            "notes": self.notes,
            "scholarship_schedules": {
                str(child): [
                    {"school_year": year.school_year, "level": year.level, "amount": year.amount}
                    for year in years
                ]
                for child, years in self.schedules.items()
            },
        }


def _share(amount: int, basis_points: int) -> int:
    """amount × basis_points / 10,000, rounded half up to the rupiah."""
    return (amount * basis_points * 2 + 10_000) // 20_000


def _percent(basis_points: int) -> str:
    return f"{basis_points / 100:g}%"


class _Builder:
    def __init__(self, case: Case, rules: RuleSet) -> None:
        self.case = case
        self.rules = rules
        self.result = Result(case)

    def add(self, item: str, amount: int, rule: str, code: str, *, child: int = 0) -> None:
        label = BenefitItem(item).label
        name = f"{label} ({_('child')} {child})" if child else str(label)
        self.result.items.append(
            Entitlement(item, child, name, amount, rule, self.rules[code].legal_basis)
        )

    def fixed(self, item: str, code: str) -> None:
        amount = self.rules.value(code)
        self.add(item, amount, f"{self.rules[code].name}: {format_rupiah(amount)}", code)

    def multiple(self, item: str, code: str) -> None:
        times = self.rules.value(code)
        basis = self.case.basis
        self.add(
            item, times * basis, f"{times} × {format_rupiah(basis)} ({self.rules[code].name})", code
        )


def _validate(case: Case, rules: RuleSet) -> None:
    if case.kind not in KINDS:
        raise InvalidInput(
            _("Unknown benefit case %(kind)s.") % {"kind": case.kind}, code="kind_invalid"
        )
    if case.basis < 0 or (case.basis == 0 and case.kind != JKM):
        # JKM's amounts are flat; every JKK benefit is a multiple of the basis or capped by it.
        raise InvalidInput(
            _("The income basis must be a positive whole rupiah amount."), code="basis_invalid"
        )
    if case.kind == JKK_PARTIAL:
        if case.percent_bp is None:
            raise InvalidInput(_("A partial disability needs its table percentage."))
        if case.percent_bp not in rules.disability_percents():
            raise InvalidInput(
                _("%(percent)s is not a percentage of the partial-disability table.")
                % {"percent": _percent(case.percent_bp)},
                code="percent_not_in_table",
            )
    if case.kind == JKK_STMB and (case.months_incapacitated or 0) <= 0:
        raise InvalidInput(_("Temporary incapacity needs the number of months (at least 1)."))
    if case.transport_mode and case.transport_mode not in TransportMode.values:
        raise InvalidInput(_("Unknown transport mode."), code="transport_invalid")
    for level in case.children:
        if level not in LEVEL_RULES:
            raise InvalidInput(
                _("Unknown school level %(level)s.") % {"level": level}, code="level_invalid"
            )


def _school_year(day: date, offset: int) -> str:
    # The Indonesian school year starts in July.
    first = (day.year if day.month >= 7 else day.year - 1) + offset
    return f"{first}/{first + 1}"


def _schedule(case: Case, rules: RuleSet, level: str, birth: date | None) -> list[ScheduleYear]:
    """The child's scholarship each school year: this level onwards, each for its years."""
    end_age = rules.value("scholarship.end_age")
    years: list[ScheduleYear] = []
    for later in SCHOOL_ORDER[SCHOOL_ORDER.index(SchoolLevel(level)) :]:
        code = LEVEL_RULES[later]
        amount = rules.value(f"scholarship.{code}_amount")
        for _year in range(rules.value(f"scholarship.{code}_years")):
            label = _school_year(case.on, len(years))
            if birth is not None:
                start = date(int(label[:4]), 7, 1)
                age = (
                    start.year - birth.year - ((start.month, start.day) < (birth.month, birth.day))
                )
                if age >= end_age:
                    return years
            years.append(ScheduleYear(label, str(later), amount))
    return years


def _scholarships(builder: _Builder) -> None:
    case, rules = builder.case, builder.rules
    if not case.children:
        return
    if case.kind == JKM:
        needed = rules.value("jkm.scholarship_min_months")
        have = case.contribution_months or 0
        if have < needed:
            builder.result.notes.append(
                _(
                    "No scholarship: JKM gives it after %(needed)s contribution months; "
                    "%(have)s are recorded."
                )
                % {"needed": needed, "have": have}
            )
            return
    limit = rules.value("scholarship.children")
    if len(case.children) > limit:
        builder.result.notes.append(
            _("Scholarships for at most %(limit)s children; the first %(limit)s are counted.")
            % {"limit": limit}
        )
    births = list(case.birth_dates) + [None] * len(case.children)
    for number, level in enumerate(case.children[:limit], start=1):
        schedule = _schedule(case, rules, level, births[number - 1])
        builder.result.schedules[number] = schedule
        if not schedule:
            builder.result.notes.append(
                _("Child %(child)s is past the scholarship age.") % {"child": number}
            )
            continue
        first = schedule[0]
        code = f"scholarship.{LEVEL_RULES[SchoolLevel(first.level)]}_amount"
        builder.add(
            BenefitItem.SCHOLARSHIP,
            first.amount,
            _("%(name)s, school year %(year)s; %(years)s years scheduled, %(total)s in all")
            % {
                "name": rules[code].name,
                "year": first.school_year,
                "years": len(schedule),
                "total": format_rupiah(sum(year.amount for year in schedule)),
            },
            code,
            child=number,
        )


def _transport_and_care(builder: _Builder) -> None:
    case, rules = builder.case, builder.rules
    if case.transport_mode and case.transport_cost:
        code = f"jkk.transport_{case.transport_mode}"
        ceiling = rules.value(code)
        builder.add(
            BenefitItem.TRANSPORT,
            min(case.transport_cost, ceiling),
            _("%(cost)s claimed, ceiling %(ceiling)s")
            % {"cost": format_rupiah(case.transport_cost), "ceiling": format_rupiah(ceiling)},
            code,
        )
    if case.home_care_cost:
        ceiling = rules.value("jkk.home_care_ceiling")
        builder.add(
            BenefitItem.HOME_CARE,
            min(case.home_care_cost, ceiling),
            _("%(cost)s claimed, ceiling %(ceiling)s")
            % {"cost": format_rupiah(case.home_care_cost), "ceiling": format_rupiah(ceiling)},
            "jkk.home_care_ceiling",
        )


def _stmb(builder: _Builder) -> None:
    case, rules = builder.case, builder.rules
    months = case.months_incapacitated or 0
    full_months = rules.value("jkk.stmb_full_months")
    first = min(months, full_months)
    later = months - first
    full_bp, after_bp = rules.value("jkk.stmb_full_bp"), rules.value("jkk.stmb_after_bp")
    amount = first * _share(case.basis, full_bp) + later * _share(case.basis, after_bp)
    builder.add(
        BenefitItem.STMB,
        amount,
        _("%(first)s months × %(full)s of %(basis)s + %(later)s months × %(after)s")
        % {
            "first": first,
            "full": _percent(full_bp),
            "basis": format_rupiah(case.basis),
            "later": later,
            "after": _percent(after_bp),
        },
        "jkk.stmb_full_bp",
    )


def calculate(case: Case, *, rules: RuleSet | None = None) -> Result:
    """Every benefit item the regulation gives for `case`, with its rule and legal basis."""
    rules = rules or rules_on(case.on)
    _validate(case, rules)
    builder = _Builder(case, rules)
    if case.kind == JKM:
        builder.fixed(BenefitItem.JKM_LUMP_SUM, "jkm.lump_sum")
        monthly = rules.value("jkm.periodic_monthly")
        months = rules.value("jkm.periodic_months")
        builder.add(
            BenefitItem.JKM_PERIODIC,
            monthly * months,
            f"{months} × {format_rupiah(monthly)}",
            "jkm.periodic_monthly",
        )
        builder.fixed(BenefitItem.FUNERAL, "jkm.funeral")
        _scholarships(builder)
        return builder.result
    if case.kind == JKK_DEATH:
        builder.multiple(BenefitItem.JKK_DEATH, "jkk.death_multiple")
        builder.fixed(BenefitItem.FUNERAL, "jkk.death_funeral")
        builder.fixed(BenefitItem.PERIODIC, "jkk.death_periodic")
        _scholarships(builder)
    elif case.kind == JKK_TOTAL:
        builder.multiple(BenefitItem.TOTAL_DISABILITY, "jkk.total_disability_multiple")
        builder.fixed(BenefitItem.PERIODIC, "jkk.total_disability_periodic")
        _scholarships(builder)
    elif case.kind == JKK_PARTIAL:
        times = rules.value("jkk.partial_disability_multiple")
        percent = case.percent_bp or 0
        builder.add(
            BenefitItem.PARTIAL_DISABILITY,
            _share(times * case.basis, percent),
            f"{_percent(percent)} × {times} × {format_rupiah(case.basis)}",
            "jkk.partial_disability_multiple",
        )
    if case.kind == JKK_STMB or (case.months_incapacitated or 0) > 0:
        # Incapacity before a death or a disability is paid too.
        _stmb(builder)
    _transport_and_care(builder)
    return builder.result
