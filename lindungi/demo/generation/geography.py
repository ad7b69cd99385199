"""The slice of the reference regions the generator draws from, read once from the database.

The generator itself never touches the database: `load_geography()` reads everything it needs
into plain tuples, ordered by code, so that a seed gives the same rows on SQLite and PostgreSQL.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from lindungi.regions.models import District, DistrictCode, Regency, RegencyStatistic, Village

POOR_POPULATION = "poor_population"
POVERTY_RATE = "poverty_rate_pct"
POPULATION_TOTAL = "population_total"


class WeightBasis:
    """How a regency's share of candidates was decided (see `regency_weights`)."""

    POOR_POPULATION = "poor_population"
    RATE_TIMES_POPULATION = "poverty_rate_x_population"
    POPULATION_SHARE = "population_share"
    EQUAL_SHARE = "equal_share"


@dataclass(frozen=True)
class VillageInfo:
    code: str  # dotted, 53.05.01.2001
    code_undotted: str
    district_code_nik: str
    name: str
    is_kelurahan: bool


@dataclass(frozen=True)
class RegencyInfo:
    code: str  # dotted, 53.05
    code_nik: str
    name: str
    weight: float
    weight_basis: str
    villages: tuple[VillageInfo, ...]


@dataclass(frozen=True)
class Prefix:
    """A 6-digit district code a NIK can start with, and the district's name (a birth place)."""

    code_nik: str
    name: str


@dataclass(frozen=True)
class Geography:
    province_code: str
    regencies: tuple[RegencyInfo, ...]
    # District name by current 6-digit code inside the province (birth places).
    district_names: dict[str, str]
    # Current district codes of other provinces: NIKs of people who moved to the province.
    other_province_prefixes: tuple[Prefix, ...]
    # Codes no longer current (regions split or renumbered): NIKs issued before the change.
    retired_prefixes: tuple[Prefix, ...]
    # Every code in any edition: what an "unknown prefix" defect must avoid.
    known_prefixes: frozenset[str]
    # Real village codes outside the province, when the database holds any (production loads
    # the whole country, the test suite only NTT); otherwise the generator synthesises some.
    outside_villages: tuple[str, ...]

    @cached_property
    def village_codes(self) -> frozenset[str]:
        return frozenset(v.code for r in self.regencies for v in r.villages)


def regency_weights(
    regency_codes: list[str],
    statistics: dict[str, dict[str, Decimal]],
) -> dict[str, tuple[float, str]]:
    """Each regency's share of candidates, and which figure it came from.

    Candidates follow the poor population. A regency without that figure gets, in order:
    population x its poverty rate; else its population x the province's overall poor share
    (computed from the regencies that have both); else the mean weight of the others (an equal
    share). In the shipped 2024 figures Nagekeo and Sumba Tengah lack the poor population and
    take the first fallback.
    """
    weights: dict[str, tuple[float, str]] = {}
    poor_total = population_total = 0.0
    for code in regency_codes:
        figures = statistics.get(code, {})
        if POOR_POPULATION in figures and POPULATION_TOTAL in figures:
            poor_total += float(figures[POOR_POPULATION])
            population_total += float(figures[POPULATION_TOTAL])
    overall_share = poor_total / population_total if population_total else None
    pending: list[str] = []
    for code in regency_codes:
        figures = statistics.get(code, {})
        population = figures.get(POPULATION_TOTAL)
        if POOR_POPULATION in figures:
            weights[code] = (float(figures[POOR_POPULATION]), WeightBasis.POOR_POPULATION)
        elif population is not None and POVERTY_RATE in figures:
            estimate = float(population) * float(figures[POVERTY_RATE]) / 100
            weights[code] = (estimate, WeightBasis.RATE_TIMES_POPULATION)
        elif population is not None and overall_share is not None:
            weights[code] = (float(population) * overall_share, WeightBasis.POPULATION_SHARE)
        else:
            pending.append(code)
    known = [weight for weight, _basis in weights.values() if weight > 0]
    equal = sum(known) / len(known) if known else 1.0
    for code in pending:
        weights[code] = (equal, WeightBasis.EQUAL_SHARE)
    return weights


def load_geography(*, province_code: str = "53") -> Geography:
    """Read the province's regions, statistics and the national NIK prefix history."""
    regencies = list(
        Regency.objects.filter(province_id=province_code)
        .order_by("code")
        .values_list("code", "code_nik", "name")
    )
    statistics: dict[str, dict[str, Decimal]] = {}
    for regency_code, indicator, value in (
        RegencyStatistic.objects.filter(
            regency__province_id=province_code,
            indicator__in=[POOR_POPULATION, POVERTY_RATE, POPULATION_TOTAL],
        )
        .order_by("regency_id", "indicator", "year")
        .values_list("regency_id", "indicator", "value")
    ):
        statistics.setdefault(regency_code, {})[indicator] = value  # latest year wins
    weights = regency_weights([code for code, _nik, _name in regencies], statistics)

    villages_by_regency: dict[str, list[VillageInfo]] = {}
    for code, undotted, district_nik, name, regency_code, village_type in (
        Village.objects.filter(regency__province_id=province_code)
        .order_by("code")
        .values_list("code", "code_undotted", "district__code_nik", "name", "regency_id", "type")
    ):
        villages_by_regency.setdefault(regency_code, []).append(
            VillageInfo(code, undotted, district_nik, name, village_type == "kelurahan")
        )
    regency_infos = tuple(
        RegencyInfo(
            code=code,
            code_nik=code_nik,
            name=name,
            weight=weights[code][0],
            weight_basis=weights[code][1],
            villages=tuple(villages_by_regency[code]),
        )
        for code, code_nik, name in regencies
        # A regency without villages cannot hold anybody.
        if villages_by_regency.get(code)
    )
    district_names = dict(
        District.objects.filter(regency__province_id=province_code)
        .order_by("code_nik")
        .values_list("code_nik", "name")
    )
    other, retired, known = [], [], set()
    for code_nik, name, in_current in DistrictCode.objects.order_by("code_nik").values_list(
        "code_nik", "name", "in_current"
    ):
        known.add(code_nik)
        if not in_current:
            retired.append(Prefix(code_nik, name))
        elif not code_nik.startswith(province_code):
            other.append(Prefix(code_nik, name))
    outside = tuple(
        Village.objects.exclude(regency__province_id=province_code)
        .order_by("code")
        .values_list("code", flat=True)[:500]
    )
    return Geography(
        province_code=province_code,
        regencies=regency_infos,
        district_names=district_names,
        other_province_prefixes=tuple(other),
        retired_prefixes=tuple(retired),
        known_prefixes=frozenset(known),
        outside_villages=outside,
    )
