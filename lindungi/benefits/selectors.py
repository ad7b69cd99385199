"""Reads for the benefits app. Every claim queryset passes through `scoped`.

Heirs are personal data: they are read only with VIEW_CLAIMS, within the user's regency, and
`get_claim_with_heirs` records that they were shown (audit); no public page reads this module
except `impact_public`, which returns suppressed aggregates only.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404

from lindungi.audit.services import record_event
from lindungi.benefits.choices import BenefitItem, ClaimKind, ClaimStatus
from lindungi.benefits.models import Claim, ClaimImport, ClaimItem, DisabilityRate, Heir
from lindungi.core.permissions import Action, require, scoped


def list_claims(
    *,
    user,
    regency_code: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    verdict: str | None = None,
) -> QuerySet[Claim]:
    require(user, Action.VIEW_CLAIMS)
    queryset = scoped(user, Claim.objects.select_related("person", "regency"))
    if regency_code:
        queryset = queryset.filter(regency_id=regency_code)
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    if verdict:
        queryset = queryset.filter(verdict=verdict)
    return queryset.annotate(
        paid=Sum("items__paid_amount"), computed=Sum("items__computed_amount")
    ).order_by("-incident_date", "number")


def get_claim(*, user, pk: int) -> Claim:
    require(user, Action.VIEW_CLAIMS)
    return get_object_or_404(
        scoped(user, Claim.objects.select_related("person", "regency", "programme", "cohort")),
        pk=pk,
    )


def list_heirs(*, user, claim: Claim) -> QuerySet[Heir]:
    """The claim's heirs; the reading is recorded in the audit trail (personal data)."""
    require(user, Action.VIEW_CLAIMS)
    heirs = scoped(user, Heir.objects.filter(claim=claim))
    record_event(
        action="benefits.heirs_viewed",
        target=claim,
        summary={"heirs": heirs.count()},
        user=user,
    )
    return heirs


@dataclass(frozen=True)
class ItemCheck:
    item: ClaimItem
    difference: int | None

    @property
    def flagged(self) -> bool:
        return bool(self.difference)


def item_checks(*, user, claim: Claim) -> list[ItemCheck]:
    """Paid against computed per item: the difference (paid − computed) where both are known.

    A payment for an item the regulation does not give counts in full as a difference.
    """
    require(user, Action.VIEW_CLAIMS)
    checks = []
    for item in scoped(user, ClaimItem.objects.filter(claim=claim)):
        difference = None
        if item.paid_amount is not None:
            difference = item.paid_amount - (item.computed_amount or 0)
            if item.computed_amount is None and item.item == BenefitItem.MEDICAL:
                difference = None  # medical care has no ceiling: nothing to compare
        checks.append(ItemCheck(item, difference))
    return checks


def list_differences(*, user) -> QuerySet[ClaimItem]:
    """Every item paid differently from the regulation, for the checks page."""
    require(user, Action.VIEW_CLAIMS)
    paid = Q(paid_amount__isnull=False)
    uncomputed = Q(computed_amount__isnull=True) & ~Q(item=BenefitItem.MEDICAL)
    differs = uncomputed | (Q(computed_amount__isnull=False) & ~Q(paid_amount=F("computed_amount")))
    return (
        scoped(user, ClaimItem.objects.filter(paid).filter(differs))
        .select_related("claim", "claim__regency")
        .order_by("claim__incident_date", "claim__number", "item", "child")
    )


def list_imports(*, user) -> QuerySet[ClaimImport]:
    require(user, Action.VIEW_CLAIMS)
    return ClaimImport.objects.select_related("created_by")


def get_import(*, user, pk: int) -> ClaimImport:
    return get_object_or_404(list_imports(user=user), pk=pk)


def list_disability_rates(*, on: date) -> QuerySet[DisabilityRate]:
    return DisabilityRate.objects.filter(
        Q(effective_from__lte=on) & (Q(effective_to__isnull=True) | Q(effective_to__gte=on))
    )


@dataclass(frozen=True)
class ImpactRow:
    regency_id: str
    month: date
    kind: str
    families: int
    paid: int


def _impact(queryset: QuerySet[Claim]) -> list[ImpactRow]:
    rows = (
        queryset.filter(status=ClaimStatus.PAID)
        .annotate(month=TruncMonth("incident_date"))
        .values("regency_id", "month", "kind")
        .annotate(families=Count("id", distinct=True), paid=Sum("items__paid_amount"))
        .order_by("month", "regency_id", "kind")
    )
    return [
        ImpactRow(
            row["regency_id"],
            row["month"] if isinstance(row["month"], date) else row["month"].date(),
            row["kind"],
            row["families"],
            int(row["paid"] or 0),
        )
        for row in rows
    ]


def impact(*, user, regency: str | None = None, programme_id: int | None = None) -> list[ImpactRow]:
    """Per regency, incident month and kind: families helped (paid claims) and amounts paid."""
    require(user, Action.VIEW_MONEY)
    queryset = scoped(user, Claim.objects.all())
    if regency:
        queryset = queryset.filter(regency_id=regency)
    if programme_id:
        queryset = queryset.filter(programme_id=programme_id)
    return _impact(queryset)


@dataclass(frozen=True)
class ImpactTotals:
    families: int
    paid: int
    by_kind: dict[str, tuple[int, int]]


def totals(rows: list[ImpactRow]) -> ImpactTotals:
    by_kind: dict[str, tuple[int, int]] = {}
    for row in rows:
        families, paid = by_kind.get(row.kind, (0, 0))
        by_kind[row.kind] = (families + row.families, paid + row.paid)
    return ImpactTotals(
        families=sum(row.families for row in rows),
        paid=sum(row.paid for row in rows),
        by_kind={str(ClaimKind(kind).label): value for kind, value in sorted(by_kind.items())},
    )


def impact_by_regency(*, user, programme_id: int | None = None) -> dict[str, tuple[int, int]]:
    """Regency -> (families helped, paid), for the map and the monthly report."""
    result: dict[str, tuple[int, int]] = {}
    for row in impact(user=user, programme_id=programme_id):
        families, paid = result.get(row.regency_id, (0, 0))
        result[row.regency_id] = (families + row.families, paid + row.paid)
    return result


def impact_public() -> list[ImpactRow]:
    """The whole installation's impact, for the public page: aggregates only.

    The caller suppresses small counts exactly as for the other public figures.
    """
    return _impact(Claim.objects.all())
