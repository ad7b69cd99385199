"""Registry reads: the people list's age-band filter counts as the dashboards do."""

import datetime

import pytest
from django.urls import reverse

from lindungi.core.ages import AgeBand
from lindungi.registry.models import Person
from lindungi.registry.search import PeopleSearch, search_people
from lindungi.registry.tests.factories import PersonFactory
from lindungi.reports.services import age_band_expression

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 3, 1)


@pytest.fixture
def people_of_all_ages():
    # Ages on AS_OF: 14 (a day short of 15), 15 exactly, 24, 25 exactly, 65, 66 exactly.
    births = {
        "14": datetime.date(2011, 3, 2),
        "15": datetime.date(2011, 3, 1),
        "24": datetime.date(2001, 3, 2),
        "25": datetime.date(2001, 3, 1),
        "65": datetime.date(1960, 3, 2),
        "66": datetime.date(1960, 3, 1),
    }
    return {
        age: PersonFactory(birth_date=born, full_name=f"UMUR {age}") for age, born in births.items()
    }


def _names(queryset) -> list[str]:
    return sorted(person.full_name for person in queryset)


def test_age_band_filter_uses_the_dashboard_bands(people_of_all_ages, province_officer):
    def people(band):
        search = PeopleSearch(age_band=band, as_of=AS_OF) if band else None
        return _names(search_people(user=province_officer, search=search))

    assert people(AgeBand.FROM_15) == ["UMUR 15", "UMUR 24"]
    assert people(AgeBand.FROM_25) == ["UMUR 25"]
    assert people(AgeBand.FROM_35) == []
    assert people(AgeBand.FROM_55) == ["UMUR 65"]
    assert people(AgeBand.OTHER) == ["UMUR 14", "UMUR 66"]
    assert people("99-99") == []
    assert len(people(None)) == 6


def test_age_band_filter_agrees_with_the_reports_expression(people_of_all_ages, province_officer):
    annotated = Person.objects.annotate(band=age_band_expression(AS_OF))
    for band in AgeBand.values:
        expected = _names(annotated.filter(band=band))
        assert (
            _names(
                search_people(
                    user=province_officer, search=PeopleSearch(age_band=band, as_of=AS_OF)
                )
            )
            == expected
        )


def test_age_band_filter_keeps_the_regency_scope(people_of_all_ages, outsider):
    assert (
        list(
            search_people(user=outsider, search=PeopleSearch(age_band=AgeBand.FROM_15, as_of=AS_OF))
        )
        == []
    )


def test_people_page_filters_by_age_band(client, people_of_all_ages, province_officer):
    client.force_login(province_officer)
    response = client.get(reverse("registry:people"), {"age_band": AgeBand.OTHER})
    assert response.status_code == 200
    today = datetime.date.today()
    expected = _names(
        Person.objects.annotate(band=age_band_expression(today)).filter(band=AgeBand.OTHER)
    )
    assert _names(response.context["page"]) == expected
    assert "UMUR 66" in expected  # born 1 March 1960: over 65 from 2026 on
    # A band the dashboards never link to is reported on the form, and nobody is listed
    # (an unfiltered list under the filter would pass for the filtered one).
    response = client.get(reverse("registry:people"), {"age_band": "bogus"})
    assert len(response.context["page"]) == 0
    assert "age_band" in response.context["form"].errors


def test_nik_search_matches_the_start_of_the_nik_only(province_officer):
    people = [
        PersonFactory(nik=nik)
        for nik in ("5301011501850001", "5301011501850002", "5302011501850001", "1530101150185000")
    ]

    def found(query):
        return [
            person.nik
            for person in search_people(user=province_officer, search=PeopleSearch(query=query))
        ]

    assert found("5301") == [people[0].nik, people[1].nik]
    assert found("53") == [people[0].nik, people[1].nik, people[2].nik]
    assert found("5301011501850002") == [people[1].nik]
    assert found("53010115018500021") == []  # longer than any NIK
    assert found("0") == []


def test_village_filter_matches_that_village_only(province_officer):
    home = PersonFactory(village_code="53.05.01.1001")
    PersonFactory(village_code="53.03.01.2005")
    found = search_people(user=province_officer, search=PeopleSearch(village="53.05.01.1001"))
    assert [person.nik for person in found] == [home.nik]
    assert (
        list(search_people(user=province_officer, search=PeopleSearch(village="53.05.01.9999")))
        == []
    )
