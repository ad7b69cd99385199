"""Contributions fixtures: the NTT 2025 programme (coverage from 18 July) with active people."""

import datetime

import pytest

from lindungi.enrollment.choices import ExitReason
from lindungi.enrollment.models import Enrollment
from lindungi.enrollment.tests.factories import EnrollmentFactory
from lindungi.programs.tests.factories import CohortFactory, ProgrammeFactory, SharedCohortFactory

ALOR_VILLAGE = "53.05.01.1001"
TTU_VILLAGE = "53.03.01.2005"
START = datetime.date(2025, 7, 18)


@pytest.fixture
def programme(db):
    return ProgrammeFactory()


@pytest.fixture
def cohort(programme):
    return CohortFactory(programme=programme)


def shared_cohort(programme, *, share_bp, name="Bersama"):
    """A cohort paid by the province with Alor bearing `share_bp` basis points."""
    return SharedCohortFactory(programme=programme, second_payer_share_bp=share_bp, name=name)


def enroll(cohort, *, village=ALOR_VILLAGE, start=START, end=None, state=None, **fields):
    if state is not None:
        fields["state"] = state
    return EnrollmentFactory(cohort=cohort, village=village, start_date=start, end=end, **fields)


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
