"""factory_boy factories for programmes and cohorts: the NTT 2025 programme by default
(province-wide, 18 July to 31 December, JKK + JKM), paid by the province from the APBD."""

import datetime

import factory

from lindungi.programs.choices import FundingSource, PayerType
from lindungi.programs.models import Cohort, Programme

START = datetime.date(2025, 7, 18)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    year = 2025
    name = factory.LazyAttribute(
        lambda programme: f"Perlindungan Pekerja Rentan NTT {programme.year}"
    )
    province_id = "53"
    coverage_start = factory.LazyAttribute(
        lambda programme: START if programme.year == 2025 else datetime.date(programme.year, 1, 1)
    )
    coverage_end = factory.LazyAttribute(lambda programme: datetime.date(programme.year, 12, 31))
    target_headcount = 100


class CohortFactory(factory.django.DjangoModelFactory):
    """A cohort paid by one payer record (two with `second_payer_share_bp`): the payer fields
    are the arguments of `helpers.cohort_with_payer`, which writes the funding shares."""

    class Meta:
        model = Cohort

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.LazyAttribute(lambda cohort: f"APBD Provinsi NTT {cohort.programme.year}")
    payer_type = PayerType.PROVINCE
    payer_name = "Pemerintah Provinsi NTT"
    funding_source = FundingSource.APBD
    headcount = 100

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from lindungi.programs.tests.helpers import cohort_with_payer

        return cohort_with_payer(**kwargs)


class SharedCohortFactory(CohortFactory):
    """Paid by the province with Alor bearing `second_payer_share_bp` basis points."""

    name = "Bersama"
    position = 2
    second_payer_type = PayerType.REGENCY
    second_payer_name = "Pemerintah Kabupaten Alor"
    second_payer_regency_id = "53.05"
    second_funding_source = FundingSource.APBD
    second_payer_share_bp = 5_000
