"""Contributions fixtures: the NTT 2025 programme (coverage from 18 July) with active people."""

import datetime
from itertools import count

import pytest

from lindungi.enrollment.choices import EnrollmentState, ExitReason
from lindungi.enrollment.models import Enrollment
from lindungi.programs.choices import FundingSource, PayerType
from lindungi.programs.models import Cohort, Programme
from lindungi.registry.tests.factories import PersonFactory

ALOR_VILLAGE = "53.05.01.1001"
TTU_VILLAGE = "53.03.01.2005"
START = datetime.date(2025, 7, 18)
_kpj = count(10_000_000_001)


@pytest.fixture
def programme(db):
    return Programme.objects.create(
        name="Perlindungan Pekerja Rentan NTT 2025",
        province_id="53",
        year=2025,
        coverage_start=START,
        coverage_end=datetime.date(2025, 12, 31),
        target_headcount=100,
    )


@pytest.fixture
def cohort(programme):
    return Cohort.objects.create(
        programme=programme,
        name="APBD Provinsi NTT 2025",
        payer_type=PayerType.PROVINCE,
        payer_name="Pemerintah Provinsi NTT",
        funding_source=FundingSource.APBD,
        headcount=100,
    )


def shared_cohort(programme, *, share_bp, name="Bersama"):
    """A cohort paid by the province with Alor bearing `share_bp` basis points."""
    return Cohort.objects.create(
        programme=programme,
        name=name,
        position=2,
        payer_type=PayerType.PROVINCE,
        payer_name="Pemerintah Provinsi NTT",
        funding_source=FundingSource.APBD,
        headcount=100,
        second_payer_type=PayerType.REGENCY,
        second_payer_name="Pemerintah Kabupaten Alor",
        second_payer_regency_id="53.05",
        second_funding_source=FundingSource.APBD,
        second_payer_share_bp=share_bp,
    )


def enroll(cohort, *, village=ALOR_VILLAGE, start=START, end=None, state=None, **fields):
    person = PersonFactory(village_code=village)
    ended = end is not None
    fields.setdefault("kpj", str(next(_kpj)))
    return Enrollment.objects.create(
        person=person,
        programme=cohort.programme,
        cohort=cohort,
        regency_id=person.regency_id,
        state=state or (EnrollmentState.ENDED if ended else EnrollmentState.ACTIVE),
        start_date=start,
        end_date=end,
        end_reason=ExitReason.DEATH if ended else "",
        ended_on=end,
        **fields,
    )


def end_enrollment(enrollment, on):
    """A past-dated exit, written the way the enrollment app records one."""
    from django.utils import timezone

    from lindungi.enrollment.services import end_places

    end_places(
        Enrollment.objects.filter(pk=enrollment.pk),
        reason=ExitReason.DEATH,
        ended_on=on,
        updated_at=timezone.now(),
    )
