"""Quotas per regency and cohort: typed in, or apportioned by largest remainder.

Weights for the proportional methods:
- eligible: the eligible candidates of the run in each regency (still unplaced by earlier cohorts);
- poor_population: the latest BPS `poor_population` figure of the regency. Where a regency lacks
  it, the fallback is population_total x poverty_rate_pct / 100 of the latest year having both;
  where that is missing too, the regency's eligible candidates. The note on the quota says which.

Surplus redistribution (if the programme asks for it): a regency whose quota exceeds its eligible
candidates keeps only what it can fill, and the surplus is apportioned again, by the same weights,
over the regencies that still have room, until nothing is left or nobody has room.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_noop

from lindungi.core.money import largest_remainder
from lindungi.programs.choices import QuotaMethod
from lindungi.programs.models import Cohort, Programme
from lindungi.regions.models import Regency, RegencyStatistic

NOTE_POOR_FROM_RATE = gettext_noop("poor population estimated from population and poverty rate")
NOTE_POOR_FROM_ELIGIBLE = gettext_noop("no poverty figures: weighted by eligible candidates")
NOTE_CAPPED = gettext_noop("fewer eligible candidates than the quota")


@dataclass
class PlannedQuota:
    cohort: Cohort
    regency_code: str
    initial_quota: int
    quota: int
    note: str = ""


def programme_regency_codes(programme: Programme) -> list[str]:
    if programme.regency_id:
        return [programme.regency_id]
    return list(
        Regency.objects.filter(province=programme.province_id)
        .order_by("code")
        .values_list("code", flat=True)
    )


def poor_population_weights(
    regency_codes: list[str], eligible: dict[str, int]
) -> tuple[dict[str, int], dict[str, str]]:
    """Integer weights per regency and, where the fallback applied, a note saying so."""
    latest: dict[tuple[str, str], Decimal] = {}
    for regency_id, indicator, value in (
        RegencyStatistic.objects.filter(
            regency_id__in=regency_codes,
            indicator__in=["poor_population", "population_total", "poverty_rate_pct"],
        )
        .order_by("year")
        .values_list("regency_id", "indicator", "value")
    ):
        latest[(regency_id, indicator)] = value  # later years overwrite earlier ones
    weights: dict[str, int] = {}
    notes: dict[str, str] = {}
    for code in regency_codes:
        poor = latest.get((code, "poor_population"))
        population = latest.get((code, "population_total"))
        rate = latest.get((code, "poverty_rate_pct"))
        if poor is not None:
            weights[code] = int(poor.to_integral_value())
        elif population is not None and rate is not None:
            weights[code] = int((population * rate / 100).to_integral_value())
            notes[code] = NOTE_POOR_FROM_RATE
        else:
            weights[code] = eligible.get(code, 0)
            notes[code] = NOTE_POOR_FROM_ELIGIBLE
    return weights, notes


def _apportion(total: int, weights: dict[str, int], order: list[str]) -> dict[str, int]:
    pairs = [(code, weights.get(code, 0)) for code in order]
    if total == 0 or not any(weight for _, weight in pairs):
        return {code: 0 for code in order}
    return largest_remainder(total, pairs)


def plan_quotas(*, programme: Programme, eligible: dict[str, int]) -> list[PlannedQuota]:
    """Quotas for every cohort and regency, in cohort order, given eligible counts per regency."""
    regency_codes = programme_regency_codes(programme)
    available = {code: eligible.get(code, 0) for code in regency_codes}
    method = programme.quota_method
    base_notes: dict[str, str] = {}
    if method == QuotaMethod.POOR_POPULATION:
        region_weights, base_notes = poor_population_weights(regency_codes, eligible)
    plans: list[PlannedQuota] = []
    for cohort in programme.cohorts.order_by("position", "id").prefetch_related("quotas"):
        if cohort.regency_id:
            codes = [cohort.regency_id]
            weights = {cohort.regency_id: 1}
            initial = {cohort.regency_id: cohort.headcount}
        else:
            codes = regency_codes
            if method == QuotaMethod.MANUAL:
                weights = {quota.regency_id: quota.headcount for quota in cohort.quotas.all()}
                initial = {code: weights.get(code, 0) for code in codes}
            else:
                eligible_method = method == QuotaMethod.ELIGIBLE
                weights = dict(available) if eligible_method else region_weights
                initial = _apportion(cohort.headcount, weights, codes)
        quotas = dict(initial)
        notes = {code: base_notes.get(code, "") for code in codes}
        if programme.redistribute_surplus:
            _redistribute(quotas, available, weights, codes, notes)
        for code in codes:
            plans.append(
                PlannedQuota(
                    cohort=cohort,
                    regency_code=code,
                    initial_quota=initial[code],
                    quota=quotas[code],
                    note=notes[code],
                )
            )
            available[code] = max(available[code] - quotas[code], 0)
    return plans


def _redistribute(
    quotas: dict[str, int],
    available: dict[str, int],
    weights: dict[str, int],
    codes: list[str],
    notes: dict[str, str],
) -> None:
    """Cap each quota at what its regency can fill and hand the surplus to those with room."""
    while True:
        surplus = 0
        for code in codes:
            if quotas[code] > available[code]:
                surplus += quotas[code] - available[code]
                quotas[code] = available[code]
                notes[code] = NOTE_CAPPED
        with_room = [code for code in codes if quotas[code] < available[code]]
        if surplus == 0 or not with_room:
            return
        room_weights = {code: weights.get(code, 0) for code in with_room}
        if not any(room_weights.values()):
            # Nobody with room has a weight (say, no statistics): fall back to their room.
            room_weights = {code: available[code] - quotas[code] for code in with_room}
        for code, extra in _apportion(surplus, room_weights, with_room).items():
            quotas[code] += extra
