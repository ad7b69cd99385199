"""Reads of the reference regions: look-ups by dotted code, undotted code and NIK prefix."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet

from lindungi.regions.models import (
    District,
    DistrictCode,
    Regency,
    RegencyCode,
    RegencyStatistic,
    Village,
)

_DOTTED_VILLAGE = re.compile(r"^(\d{2})\.(\d{2})\.(\d{2})\.(\d{4})$")
_UNDOTTED_VILLAGE = re.compile(r"^\d{10}$")
POOR_POPULATION = "poor_population"
POPULATION_TOTAL = "population_total"


def served_region() -> str:
    """The province (2 digits) or regency (dotted) this installation serves."""
    return settings.LINDUNGI_SERVED_REGION


def normalise_village_code(value: str) -> str | None:
    """Return the dotted village code for a dotted or 10-digit code, or None if malformed.

    Only the shape is checked; whether the village exists is `get_village`'s business.
    """
    text = (value or "").strip().replace(" ", "")
    if _DOTTED_VILLAGE.match(text):
        return text
    if _UNDOTTED_VILLAGE.match(text):
        return f"{text[:2]}.{text[2:4]}.{text[4:6]}.{text[6:]}"
    return None


def get_village(code: str) -> Village:
    """One village by dotted or undotted code; raises Village.DoesNotExist."""
    dotted = normalise_village_code(code)
    if dotted is None:
        raise Village.DoesNotExist(f"Malformed village code {code!r}")
    return Village.objects.select_related("district", "regency").get(code=dotted)


def village_regencies(*, region: str | None = None) -> dict[str, str]:
    """Dotted village code → dotted regency code, for the villages inside `region`.

    `region` is a province ("53") or regency ("53.05") code; None means every loaded village.
    Bulk validators load this once per import (3,442 entries for NTT) instead of asking per row.
    """
    villages = Village.objects.all()
    if region:
        villages = villages.filter(code__startswith=f"{region}.")
    return dict(villages.values_list("code", "regency_id"))


def known_district_prefixes() -> frozenset[str]:
    """Every 6-digit district code (NIK prefix) valid in any edition since 2015."""
    return frozenset(DistrictCode.objects.values_list("code_nik", flat=True))


@dataclass(frozen=True)
class NikPrefix:
    """What the first six digits of a NIK say, in the edition that issued it and today."""

    prefix: str
    district_known: bool
    district_name: str
    editions: tuple[str, ...]
    in_current: bool
    # Where the area of that code lies today (itself when still current); blank if unknown.
    current_district_code_nik: str
    current_district_name: str
    regency_code_nik: str
    regency_name: str

    @property
    def current_regency_code_nik(self) -> str:
        return self.current_district_code_nik[:4]


def lookup_nik_prefix(nik_or_prefix: str) -> NikPrefix | None:
    """Look up a NIK's district prefix in the code history; None when even its regency is unknown.

    A prefix absent from every edition since 2015 may still be genuine (issued earlier), so
    callers decide what an unknown district means; a known regency is reported either way.
    """
    prefix = (nik_or_prefix or "")[:6]
    if not re.fullmatch(r"\d{6}", prefix):
        return None
    district = DistrictCode.objects.filter(code_nik=prefix).first()
    regency = RegencyCode.objects.filter(code_nik=prefix[:4]).first()
    if district is None and regency is None:
        return None
    regency_name = regency.name if regency else ""
    if district is None:
        return NikPrefix(prefix, False, "", (), False, "", "", prefix[:4], regency_name)
    current_code = district.code_nik if district.in_current else district.successor_code_nik
    current_name = district.name if district.in_current else district.successor_name
    return NikPrefix(
        prefix=prefix,
        district_known=True,
        district_name=district.name,
        editions=tuple(district.editions.split()),
        in_current=district.in_current,
        current_district_code_nik=current_code,
        current_district_name=current_name,
        regency_code_nik=district.regency_code_nik,
        regency_name=regency_name,
    )


def list_regencies(*, region: str | None = None) -> QuerySet[Regency]:
    """Regencies of a province ("53"), or the one regency ("53.05"), or the served region."""
    region = region if region is not None else served_region()
    if "." in region:
        return Regency.objects.filter(code=region)
    return Regency.objects.filter(province_id=region)


def list_districts(*, regency: str) -> QuerySet[District]:
    """The districts of a regency (dotted code), by name: the filters' district picker."""
    return District.objects.filter(regency_id=regency).order_by("name", "code")


def list_villages(*, district: str) -> QuerySet[Village]:
    """The villages of a district (dotted code), by name: the filters' village picker."""
    return Village.objects.filter(district_id=district).order_by("name", "code")


_REGENCY_PREFIX = re.compile(r"^(kabupaten|kab\.?|kota)\s+", re.IGNORECASE)


def _bare_name(name: str) -> str:
    return " ".join(_REGENCY_PREFIX.sub("", name.strip()).lower().split())


def regencies_named(name: str, *, region: str | None = None) -> list[Regency]:
    """The served regencies whose name is `name` ("Alor", "Kabupaten Alor", "kota kupang"),
    or, failing that, contains it. Several for an ambiguous name ("Kupang")."""
    wanted = _bare_name(name)
    if not wanted:
        return []
    regencies = list(list_regencies(region=region))
    full = " ".join(name.strip().lower().split())
    exact = [r for r in regencies if " ".join(r.name.lower().split()) == full]
    if exact:
        return exact
    bare = [r for r in regencies if _bare_name(r.name) == wanted]
    return bare or [r for r in regencies if wanted in _bare_name(r.name)]


def latest_statistic(*, indicator: str, region: str | None = None) -> dict[str, Decimal]:
    """Regency code → latest published value of an indicator; regencies without it are absent."""
    values: dict[str, Decimal] = {}
    rows = (
        RegencyStatistic.objects.filter(
            indicator=indicator, regency__in=list_regencies(region=region)
        )
        .order_by("regency_id", "year")
        .values_list("regency_id", "value")
    )
    for regency_code, value in rows:
        values[regency_code] = value  # ordered by year: the last one wins
    return values


def poor_population(*, region: str | None = None) -> dict[str, int]:
    """Regency code → poor population (persons); regencies without the figure are absent."""
    figures = latest_statistic(indicator=POOR_POPULATION, region=region)
    return {code: int(value) for code, value in figures.items()}


def latest_statistic_rows(*, indicator: str, region: str | None = None) -> dict[str, dict]:
    """Regency code -> the latest row of an indicator (value, year, reference period, source),
    for pages that must cite the figure they use."""
    rows = (
        RegencyStatistic.objects.filter(
            indicator=indicator, regency__in=list_regencies(region=region)
        )
        .order_by("regency_id", "year")
        .values("regency_id", "value", "year", "reference_period", "source")
    )
    return {row["regency_id"]: row for row in rows}  # ordered by year: the last one wins
