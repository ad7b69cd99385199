"""What the programme achieved through benefits, for the dashboards, the monthly report, the
map and the public page: families helped and amounts paid per regency, incident month and
kind, read through the benefits app's selectors. Claims are few (tens to thousands), so the
figures are read live rather than kept in a summary table.
"""

from dataclasses import dataclass
from datetime import date

from lindungi.benefits import selectors as benefits
from lindungi.benefits.choices import ClaimKind
from lindungi.core.dates import Month
from lindungi.core.permissions import Action, can
from lindungi.reports.selectors import suppress


@dataclass(frozen=True)
class ImpactLine:
    label: str
    families: int | None
    paid: int | None


@dataclass(frozen=True)
class ImpactPanel:
    families: int
    paid: int
    by_kind: list[ImpactLine]
    by_month: list[ImpactLine]


def _kind(kind: str) -> str:
    return str(ClaimKind(kind).label)


def dashboard_impact(*, user, regency: str | None = None) -> ImpactPanel | None:
    """The signed-in dashboard's panel (None for users who may not see money)."""
    if not can(user, Action.VIEW_MONEY):
        return None
    rows = benefits.impact(user=user, regency=regency)
    by_kind: dict[str, list[int]] = {}
    by_month: dict[date, list[int]] = {}
    for row in rows:
        for key, table in ((row.kind, by_kind), (row.month, by_month)):
            sums = table.setdefault(key, [0, 0])
            sums[0] += row.families
            sums[1] += row.paid
    return ImpactPanel(
        families=sum(row.families for row in rows),
        paid=sum(row.paid for row in rows),
        by_kind=[ImpactLine(_kind(k), *v) for k, v in sorted(by_kind.items())],
        by_month=[ImpactLine(Month.of(k).label("id"), *v) for k, v in sorted(by_month.items())],
    )


def regency_impact(*, user) -> dict[str, tuple[int, int]]:
    """Regency -> (families helped, paid), for the map (empty without the right to see money)."""
    if not can(user, Action.VIEW_MONEY):
        return {}
    return benefits.impact_by_regency(user=user)


def monthly_impact(*, user, month: Month) -> dict[str, tuple[int, int]]:
    """Regency -> (families helped, paid) for incidents in `month`, for the monthly report."""
    result: dict[str, tuple[int, int]] = {}
    for row in benefits.impact(user=user):
        if row.month == month.first_day:
            families, paid = result.get(row.regency_id, (0, 0))
            result[row.regency_id] = (families + row.families, paid + row.paid)
    return result


def _public_line(label: str, families: int, paid: int) -> ImpactLine:
    # The amount would give a small count away (Rp42 million is one JKM family): both hide.
    shown = suppress(families)
    return ImpactLine(label, shown, paid if shown is not None else None)


def public_impact() -> ImpactPanel:
    """The public page's figures: aggregates only, counts under 10 (and their amounts) hidden."""
    rows = benefits.impact_public()
    by_kind: dict[str, list[int]] = {}
    by_month: dict[date, list[int]] = {}
    for row in rows:
        for key, table in ((row.kind, by_kind), (row.month, by_month)):
            sums = table.setdefault(key, [0, 0])
            sums[0] += row.families
            sums[1] += row.paid
    families = sum(row.families for row in rows)
    total = _public_line("", families, sum(row.paid for row in rows))
    return ImpactPanel(
        families=total.families or 0,
        paid=total.paid or 0,
        by_kind=[_public_line(_kind(k), *v) for k, v in sorted(by_kind.items())],
        by_month=[_public_line(Month.of(k).label("id"), *v) for k, v in sorted(by_month.items())],
    )
