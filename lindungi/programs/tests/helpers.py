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
