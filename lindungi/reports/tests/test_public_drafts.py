"""Issue 12.4: public figures come only from approved, covered facts, per year; a draft
selection never reaches the public page or the public API."""

import datetime
import json

import pytest
from django.urls import reverse

from lindungi.programs.approval import approve_run
from lindungi.programs.selection import run_selection
from lindungi.programs.selectors import current_run
from lindungi.programs.services import add_cohort, create_programme, set_quotas
from lindungi.reports import selectors
from lindungi.reports.models import ProgrammeRegencySummary
from lindungi.reports.services import refresh_summaries

pytestmark = pytest.mark.django_db


def _programme(user, *, year: int, name: str):
    programme = create_programme(
        user=user,
        name=name,
        year=year,
        coverage_start=datetime.date(year, 1, 1),
        coverage_end=datetime.date(year, 12, 31),
        target_headcount=7,
        province_code="53",
        quota_method="manual",
    )
    cohort = add_cohort(
        user=user, programme=programme, name="APBD", payer_type="province",
        payer_name="Provinsi NTT", funding_source="APBD", headcount=7,
    )  # fmt: skip
    set_quotas(user=user, cohort=cohort, headcounts={"53.05": 5, "53.03": 2})
    run_selection(user=user, programme=programme)
    return programme


@pytest.fixture
def this_year_and_a_draft(people, province_admin, province_officer):
    """2025 approved with 40 covered in Alor; 2026 only a draft selection (56 'selected')."""
    covered = _programme(province_admin, year=2025, name="Lindungi 2025")
    approve_run(user=province_officer, run=current_run(covered))
    draft = _programme(province_admin, year=2026, name="Draf 2026")
    refresh_summaries()
    ProgrammeRegencySummary.objects.filter(programme=covered, regency_id="53.05").update(active=40)
    ProgrammeRegencySummary.objects.filter(programme=covered, regency_id="53.03").update(active=12)
    ProgrammeRegencySummary.objects.filter(programme=draft, regency_id="53.05").update(selected=56)
    return covered, draft


def test_public_page_shows_the_approved_programme_not_a_newer_draft(client, this_year_and_a_draft):
    covered, _draft = this_year_and_a_draft
    response = client.get(reverse("reports:public"))
    assert response.context["programme"] == covered
    html = response.content.decode()
    assert "Draf 2026" not in html
    protected = {bar["row"].code: bar["row"].covered for bar in response.context["bars"]}
    assert (protected["53.05"], protected["53.03"]) == (40, 12)
    assert response.context["years"] == [2025]


def test_a_draft_year_asked_for_shows_nothing(client, this_year_and_a_draft):
    response = client.get(reverse("reports:public"), {"year": "2026"})
    assert response.context["programme"] is None
    assert all(bar["row"].covered is None for bar in response.context["bars"])
    assert response.context["totals"]["selected"] is None
    assert response.context["totals"]["quota"] is None


def test_public_api_never_returns_a_draft(client, this_year_and_a_draft):
    rows = json.loads(client.get(reverse("api:public-regencies")).content)
    alor = next(row for row in rows if row["code"] == "53.05")
    assert alor["covered"] == 40
    rows = json.loads(client.get(reverse("api:public-regencies"), {"year": "2026"}).content)
    assert all(row["covered"] is None for row in rows)


def test_selected_people_of_an_approved_run_are_not_shown_as_protected(
    people, province_admin, province_officer
):
    programme = _programme(province_admin, year=2025, name="Lindungi 2025")
    approve_run(user=province_officer, run=current_run(programme))
    refresh_summaries()
    ProgrammeRegencySummary.objects.filter(programme=programme, regency_id="53.05").update(
        selected=56, active=0
    )
    rows = {row.code: row for row in selectors.public_regencies(programme=programme)}
    assert rows["53.05"].covered is None  # selected is not covered
