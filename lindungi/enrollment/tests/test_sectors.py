"""Places carry their participant's sector, read from the occupation (issue 13, point 7)."""

import pytest

from lindungi.enrollment.models import Enrollment
from lindungi.enrollment.services import enroll_selected
from lindungi.programs.choices import Outcome, Sector
from lindungi.programs.reference import sector_of
from lindungi.registry.models import Person

pytestmark = pytest.mark.django_db


def test_an_ojek_rider_is_enrolled_in_the_transport_sector(approved_run, province_officer):
    selected = approved_run.decisions.filter(outcome=Outcome.SELECTED).order_by("rank")
    rider, driver = selected[0].person_id, selected[1].person_id
    Person.objects.filter(pk=rider).update(occupation="Pengemudi Ojek")
    Person.objects.filter(pk=driver).update(occupation="SOPIR angkot")
    Person.objects.exclude(pk__in=[rider, driver]).update(occupation="Petani")
    assert enroll_selected(run=approved_run, user=province_officer) == 5
    sectors = dict(Enrollment.objects.values_list("person_id", "sector"))
    assert {person for person, sector in sectors.items() if sector == Sector.TRANSPORT} == {
        rider,
        driver,
    }
    assert list(sectors.values()).count(Sector.OTHER) == 3


def test_the_transport_occupations_are_a_setting(settings):
    assert sector_of("Pengemudi Ojek") == Sector.TRANSPORT
    assert sector_of("Nelayan") == Sector.OTHER
    assert sector_of("") == Sector.OTHER
    settings.LINDUNGI_TRANSPORT_OCCUPATIONS = ["nelayan"]
    assert sector_of("Nelayan") == Sector.TRANSPORT
    assert sector_of("Pengemudi Ojek") == Sector.OTHER
