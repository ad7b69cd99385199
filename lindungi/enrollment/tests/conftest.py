"""Enrollment fixtures: an NTT programme with an approved run over Alor and TTU people."""

import pytest

from lindungi.programs.choices import Outcome, RunStatus
from lindungi.programs.models import Decision, SelectionRun
from lindungi.programs.tests.factories import CohortFactory, ProgrammeFactory
from lindungi.registry.tests.factories import PersonFactory

ALOR_VILLAGE = "53.05.01.1001"


@pytest.fixture
def programme(db):
    return ProgrammeFactory()


@pytest.fixture
def cohort(programme):
    return CohortFactory(programme=programme)


def ttu_village() -> str:
    from lindungi.regions.models import Village

    return (
        Village.objects.filter(regency_id="53.03")
        .order_by("code")
        .values_list("code", flat=True)[0]
    )


def make_decision(run, person, *, outcome, rank, cohort=None):
    return Decision.objects.create(
        run=run,
        person=person,
        nik=person.nik,
        kk_number=person.kk_number,
        regency_id=person.regency_id,
        desil=person.desil,
        poverty_label=person.poverty_label,
        birth_date=person.birth_date,
        age=40,
        reasons=0,
        tie_break=rank,
        rank=rank,
        outcome=outcome,
        cohort=cohort if outcome == Outcome.SELECTED else None,
    )


@pytest.fixture
def approved_run(programme, cohort, province_officer):
    """Alor: 3 selected (ranks 1-3), 2 waitlisted (ranks 4-5). TTU: 2 selected, 1 waitlisted."""
    run = SelectionRun.objects.create(
        programme=programme, status=RunStatus.APPROVED, created_by=province_officer
    )
    for rank in range(1, 6):
        person = PersonFactory(village_code=ALOR_VILLAGE)
        outcome = Outcome.SELECTED if rank <= 3 else Outcome.WAITLISTED
        make_decision(run, person, outcome=outcome, rank=rank, cohort=cohort)
    for rank in range(1, 4):
        person = PersonFactory(village_code=ttu_village())
        outcome = Outcome.SELECTED if rank <= 2 else Outcome.WAITLISTED
        make_decision(run, person, outcome=outcome, rank=rank, cohort=cohort)
    return run
