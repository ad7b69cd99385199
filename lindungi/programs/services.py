"""Writes for programmes, cohorts and quotas; the insurer's active-participant list is
imported by active_list.py (re-exported here).

Every function takes the acting user, runs in one transaction and records its audit event there.
Selection runs, approval and exclusions live in `selection.py` and `approval.py`.
"""

import re
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.core.dates import Month
from lindungi.core.errors import InvalidInput
from lindungi.core.permissions import Action, require
from lindungi.programs.active_list import import_active_participants
from lindungi.programs.choices import (
    Criterion,
    FundingSource,
    Package,
    PayerType,
    QuotaMethod,
)
from lindungi.programs.funding import ShareSpec, find_or_create_payer, write_shares
from lindungi.programs.lifecycle import check_editable, check_fields_editable
from lindungi.programs.models import Cohort, Programme, Quota
from lindungi.regions.models import Province, Regency

# The declared income a BPU may report (DOMAIN.md §2); settings may move the bounds.
INCOME_BASIS_MIN = 1_000_000
INCOME_BASIS_MAX = 20_700_000
PROGRAMME_FIELDS = frozenset(
    {
        "name",
        "year",
        "coverage_start",
        "coverage_end",
        "package",
        "income_basis",
        "target_headcount",
        "min_age",
        "max_age",
        "max_desil",
        "exclude_active_participants",
        "exclude_wage_earners",
        "pending_duplicates",
        "max_per_household",
        "exclude_other_programmes",
        "quota_method",
        "redistribute_surplus",
        "criteria",
    }
)
NIK_PATTERN = re.compile(r"^\d{16}$")


def income_basis_bounds() -> tuple[int, int]:
    return (
        getattr(settings, "LINDUNGI_INCOME_BASIS_MIN", INCOME_BASIS_MIN),
        getattr(settings, "LINDUNGI_INCOME_BASIS_MAX", INCOME_BASIS_MAX),
    )


def _snapshot(programme: Programme) -> dict[str, Any]:
    return model_to_dict(programme, fields=[*PROGRAMME_FIELDS, "status", "province", "regency"])


def _validate_programme(programme: Programme) -> None:
    low, high = income_basis_bounds()
    if not low <= programme.income_basis <= high:
        raise InvalidInput(
            _("The income basis must be between %(low)s and %(high)s rupiah.")
            % {"low": f"{low:,}", "high": f"{high:,}"},
            code="income_basis_out_of_bounds",
        )
    if programme.coverage_end < programme.coverage_start:
        raise InvalidInput(_("Coverage must end after it starts."), code="coverage_reversed")
    if programme.min_age > programme.max_age:
        raise InvalidInput(_("The minimum age is above the maximum."), code="age_range_reversed")
    if not 1 <= programme.max_desil <= 10:
        raise InvalidInput(_("The desil limit must be 1 to 10."), code="desil_limit_invalid")
    if programme.target_headcount <= 0:
        raise InvalidInput(_("The target headcount must be positive."), code="target_invalid")
    if programme.package not in Package.values:
        raise InvalidInput(_("Unknown benefit package."), code="package_invalid")
    if programme.quota_method not in QuotaMethod.values:
        raise InvalidInput(_("Unknown quota method."), code="quota_method_invalid")
    criteria = programme.criteria
    if (
        not isinstance(criteria, list)
        or not criteria
        or len(set(criteria)) != len(criteria)
        or any(item not in Criterion.values for item in criteria)
    ):
        raise InvalidInput(_("The priority criteria are not valid."), code="criteria_invalid")


def create_programme(
    *,
    user,
    name: str,
    year: int,
    coverage_start: date,
    coverage_end: date,
    target_headcount: int,
    province_code: str | None = None,
    regency_code: str | None = None,
    **options: Any,
) -> Programme:
    """Create a draft programme for one province or one regency. `options` are other fields."""
    require(user, Action.MANAGE_PROGRAMMES)
    if (province_code is None) == (regency_code is None):
        raise InvalidInput(
            _("Choose either a province or one regency as the region."), code="region_invalid"
        )
    unknown = set(options) - PROGRAMME_FIELDS
    if unknown:
        raise InvalidInput(f"unknown programme fields: {sorted(unknown)}", code="unknown_field")
    if province_code is not None and not Province.objects.filter(code=province_code).exists():
        raise InvalidInput(_("Unknown province."), code="region_invalid")
    if regency_code is not None and not Regency.objects.filter(code=regency_code).exists():
        raise InvalidInput(_("Unknown regency."), code="region_invalid")
    programme = Programme(
        name=name.strip(),
        year=year,
        coverage_start=coverage_start,
        coverage_end=coverage_end,
        target_headcount=target_headcount,
        province_id=province_code,
        regency_id=regency_code,
        **options,
    )
    _validate_programme(programme)
    with transaction.atomic():
        programme.save()
        record_event(
            action="programs.programme_created",
            target=programme,
            after=_snapshot(programme),
            user=user,
        )
    return programme


def update_programme(*, user, programme: Programme, **changes: Any) -> Programme:
    require(user, Action.MANAGE_PROGRAMMES)
    unknown = set(changes) - PROGRAMME_FIELDS - {"status"}
    if unknown:
        raise InvalidInput(f"unknown programme fields: {sorted(unknown)}", code="unknown_field")
    if "status" in changes:
        raise InvalidInput(
            _("The status follows the programme's lifecycle and cannot be typed in."),
            code="status_not_editable",
        )
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        changed = {field for field, value in changes.items() if getattr(programme, field) != value}
        check_fields_editable(programme, changed)
        before = _snapshot(programme)
        for field, value in changes.items():
            setattr(programme, field, value)
        _validate_programme(programme)
        programme.save()
        record_event(
            action="programs.programme_updated",
            target=programme,
            before=before,
            after=_snapshot(programme),
            user=user,
        )
    return programme


def add_cohort(
    *,
    user,
    programme: Programme,
    name: str,
    headcount: int,
    shares: list[ShareSpec] | None = None,
    payer_type: str = "",
    payer_name: str = "",
    funding_source: str = "",
    regency_code: str | None = None,
    payer_regency_code: str | None = None,
    position: int | None = None,
    second_payer_type: str = "",
    second_payer_name: str = "",
    second_payer_regency_code: str | None = None,
    second_funding_source: str = "",
    second_payer_share_bp: int = 0,
) -> Cohort:
    """Add a group of places with its funding shares from the programme's first month.

    Either `shares` (payer records with basis points adding up to 10,000) or the short form:
    one payer described by type, name and funding source, optionally sharing the cost with a
    second; both payers are looked up (or created) as records by `find_or_create_payer`.
    """
    require(user, Action.MANAGE_PROGRAMMES)
    check_editable(programme, "cohorts")
    if headcount <= 0:
        raise InvalidInput(_("The headcount must be positive."), code="headcount_invalid")
    if regency_code is not None:
        in_region = (
            regency_code == programme.regency_id
            if programme.regency_id
            else Regency.objects.filter(code=regency_code, province=programme.province_id).exists()
        )
        if not in_region:
            raise InvalidInput(
                _("The cohort's regency is outside the programme's region."),
                code="region_invalid",
            )
    elif programme.regency_id:
        regency_code = programme.regency_id
    if shares is None:
        if not 0 <= second_payer_share_bp <= 10_000:
            raise InvalidInput(_("The second payer's share must be 0-100%."), code="share_invalid")
        if second_payer_share_bp and not (second_payer_name and second_payer_type):
            raise InvalidInput(_("A shared cost needs a second payer."), code="share_invalid")
    province_code = programme.province_id or (
        programme.regency.province_id if programme.regency is not None else None
    )
    with transaction.atomic():
        if shares is None:
            first = find_or_create_payer(
                payer_type=payer_type,
                name=payer_name,
                funding_source=funding_source,
                regency_code=payer_regency_code,
                province_code=province_code,
            )
            shares = [ShareSpec(first, 10_000 - second_payer_share_bp)]
            if second_payer_share_bp:
                second = find_or_create_payer(
                    payer_type=second_payer_type,
                    name=second_payer_name,
                    funding_source=second_funding_source or funding_source,
                    regency_code=second_payer_regency_code,
                    province_code=province_code,
                )
                shares.append(ShareSpec(second, second_payer_share_bp))
            shares = [share for share in shares if share.share_bp]
        if position is None:
            position = programme.cohorts.count() + 1
        cohort = Cohort.objects.create(
            programme=programme,
            name=name.strip(),
            position=position,
            headcount=headcount,
            regency_id=regency_code,
        )
        start = Month.of(programme.coverage_start)
        write_shares(cohort, start.first_day, shares)
        record_event(
            action="programs.cohort_added",
            target=cohort,
            after={
                **model_to_dict(cohort),
                "shares": [{"payer": s.payer.pk, "share_bp": s.share_bp} for s in shares],
                "from_month": str(start),
            },
            user=user,
        )
    return cohort


def set_cohort_headcount(*, user, cohort: Cohort, headcount: int) -> Cohort:
    """Change how many places a cohort funds (while its programme is a draft)."""
    require(user, Action.MANAGE_PROGRAMMES)
    check_editable(cohort.programme, "cohorts")
    if headcount <= 0:
        raise InvalidInput(_("The headcount must be positive."), code="headcount_invalid")
    with transaction.atomic():
        before = cohort.headcount
        Cohort.objects.filter(pk=cohort.pk).update(headcount=headcount)
        cohort.headcount = headcount
        record_event(
            action="programs.cohort_headcount_set",
            target=cohort,
            before={"headcount": before},
            after={"headcount": headcount},
            user=user,
        )
    return cohort


def set_quotas(*, user, cohort: Cohort, headcounts: dict[str, int]) -> list[Quota]:
    """Replace a cohort's typed-in quotas; they must add up to its headcount exactly."""
    require(user, Action.MANAGE_PROGRAMMES)
    check_editable(cohort.programme, "cohorts")
    if any(value < 0 for value in headcounts.values()):
        raise InvalidInput(_("Quotas cannot be negative."), code="quota_invalid")
    if sum(headcounts.values()) != cohort.headcount:
        raise InvalidInput(
            _("The quotas add up to %(sum)s, not the cohort's %(headcount)s.")
            % {"sum": sum(headcounts.values()), "headcount": cohort.headcount},
            code="quota_sum_mismatch",
        )
    programme = cohort.programme
    regencies = Regency.objects.filter(code__in=list(headcounts))
    if programme.regency_id:
        regencies = regencies.filter(code=programme.regency_id)
    else:
        regencies = regencies.filter(province=programme.province_id)
    if regencies.count() != len(headcounts):
        raise InvalidInput(_("A quota names a regency outside the region."), code="region_invalid")
    with transaction.atomic():
        before = dict(cohort.quotas.values_list("regency_id", "headcount"))
        cohort.quotas.all().delete()
        quotas = Quota.objects.bulk_create(
            [
                Quota(cohort=cohort, regency_id=code, headcount=value)
                for code, value in sorted(headcounts.items())
            ]
        )
        record_event(
            action="programs.quotas_set",
            target=cohort,
            before=before,
            after=dict(sorted(headcounts.items())),
            user=user,
        )
    return quotas


def create_ntt_2025_programme(*, user) -> Programme:
    """The NTT 2025 programme (DOMAIN.md §1): 100,000 workers, JKK + JKM, paid by the province."""
    with transaction.atomic():
        programme = create_programme(
            user=user,
            name="Perlindungan Pekerja Rentan NTT 2025",
            year=2025,
            coverage_start=date(2025, 7, 18),
            coverage_end=date(2025, 12, 31),
            target_headcount=100_000,
            province_code="53",
            package=Package.JKK_JKM,
            income_basis=1_000_000,
        )
        add_cohort(
            user=user,
            programme=programme,
            name="APBD Provinsi NTT 2025",
            payer_type=PayerType.PROVINCE,
            payer_name="Pemerintah Provinsi Nusa Tenggara Timur",
            funding_source=FundingSource.APBD,
            headcount=100_000,
        )
    return programme


__all__ = [
    "add_cohort",
    "create_ntt_2025_programme",
    "create_programme",
    "import_active_participants",
    "set_cohort_headcount",
    "set_quotas",
    "update_programme",
]
