"""Small builders for programme tests (people come from the registry's PersonFactory)."""

from datetime import date

from lindungi.programs.choices import FundingSource, PayerType, QuotaMethod
from lindungi.programs.services import add_cohort, create_programme, set_quotas
from lindungi.registry.tests.factories import PersonFactory

ALOR = "53.05"
TTU = "53.03"
ALOR_VILLAGE = "53.05.01.1001"
TTU_VILLAGE = "53.03.01.2005"
START = date(2025, 7, 18)
END = date(2025, 12, 31)


def make_programme(user, *, quotas=None, headcount=None, regency_code=None, **options):
    """A province-wide 2025 programme with one APBD cohort and typed-in quotas by default."""
    quotas = quotas if quotas is not None else {ALOR: 2, TTU: 1}
    headcount = headcount if headcount is not None else sum(quotas.values())
    options.setdefault("quota_method", QuotaMethod.MANUAL)
    programme = create_programme(
        user=user,
        name="Uji",
        year=2025,
        coverage_start=START,
        coverage_end=END,
        target_headcount=headcount,
        province_code=None if regency_code else "53",
        regency_code=regency_code,
        **options,
    )
    cohort = add_cohort(
        user=user,
        programme=programme,
        name="APBD Provinsi",
        payer_type=PayerType.PROVINCE,
        payer_name="Pemprov NTT",
        funding_source=FundingSource.APBD,
        headcount=headcount,
    )
    if options["quota_method"] == QuotaMethod.MANUAL and not regency_code:
        set_quotas(user=user, cohort=cohort, headcounts=quotas)
    return programme


def person(village=ALOR_VILLAGE, **fields):
    return PersonFactory(village_code=village, **fields)


def cohort_with_payer(
    *,
    programme,
    name: str,
    headcount: int,
    payer_type: str,
    payer_name: str,
    funding_source: str,
    payer_regency_id: str | None = None,
    second_payer_type: str = "",
    second_payer_name: str = "",
    second_payer_regency_id: str | None = None,
    second_funding_source: str = "",
    second_payer_share_bp: int = 0,
    **fields,
):
    """A cohort written directly (fixtures and benchmarks), paid by one or two payer records.

    Same arguments as the payer text fields cohorts used to carry; the shares start in the
    programme's first month.
    """
    from lindungi.programs.funding import ShareSpec, find_or_create_payer, write_shares
    from lindungi.programs.models import Cohort

    province = programme.province_id or "53"
    cohort = Cohort.objects.create(programme=programme, name=name, headcount=headcount, **fields)
    first = find_or_create_payer(
        payer_type=payer_type,
        name=payer_name,
        funding_source=funding_source,
        regency_code=payer_regency_id,
        province_code=province,
    )
    shares = [ShareSpec(first, 10_000 - second_payer_share_bp)]
    if second_payer_share_bp:
        second = find_or_create_payer(
            payer_type=second_payer_type or payer_type,
            name=second_payer_name,
            funding_source=second_funding_source or funding_source,
            regency_code=second_payer_regency_id,
            province_code=province,
        )
        shares.append(ShareSpec(second, second_payer_share_bp))
    first_month = programme.coverage_start
    if isinstance(first_month, str):
        first_month = date.fromisoformat(first_month)
    write_shares(cohort, first_month.replace(day=1), [s for s in shares if s.share_bp])
    return cohort
