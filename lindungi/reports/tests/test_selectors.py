import datetime

import pytest

from lindungi.registry.search import parse_people_search, people_page, search_people
from lindungi.reports import selectors
from lindungi.reports.models import PeopleSummary, SummaryState
from lindungi.reports.services import refresh_summaries

AS_OF = datetime.date(2025, 11, 1)


@pytest.fixture
def refreshed(programme):
    return refresh_summaries(as_of=AS_OF)


def test_refresh_counts_every_person_once(refreshed):
    assert refreshed.people == 15
    state = SummaryState.objects.get()
    assert state.people == 15
    assert state.as_of == AS_OF


def test_refresh_twice_gives_the_same_rows(refreshed):
    first = sorted(PeopleSummary.objects.values_list("regency_id", "sex", "desil", "people"))
    refresh_summaries(as_of=AS_OF)
    again = sorted(PeopleSummary.objects.values_list("regency_id", "sex", "desil", "people"))
    assert again == first


def test_refresh_is_audited(programme):
    from lindungi.audit.models import AuditEvent

    before = AuditEvent.objects.filter(action="reports.summaries_refreshed").count()
    refresh_summaries(as_of=AS_OF)
    event = AuditEvent.objects.filter(action="reports.summaries_refreshed").latest("id")
    assert before == 0
    assert event.changes["summary"]["people"] == 15


def test_candidates_per_regency_for_the_province(refreshed, province_officer):
    assert selectors.candidates_per_regency(user=province_officer) == {"53.03": 3, "53.05": 12}


def test_regency_officer_only_aggregates_their_regency(refreshed, regency_officer, outsider):
    assert selectors.candidates_per_regency(user=regency_officer) == {"53.05": 12}
    assert selectors.candidates_per_regency(user=outsider) == {"53.03": 3}
    # Asking for another regency explicitly still yields nothing.
    assert selectors.candidates_per_regency(user=outsider, regency="53.05") == {}


def test_spread_by_sex_counts_the_living(refreshed, regency_officer):
    shares = selectors.spread(user=regency_officer, dimension="sex")
    # 7 women, 5 men in Alor; one man (index 9) died.
    assert [(share.key, share.people) for share in shares] == [("L", 4), ("P", 7)]


def test_spread_by_age_band(refreshed, province_officer):
    shares = {
        share.key: share.people
        for share in selectors.spread(user=province_officer, dimension="age_band")
    }
    # Factory default birth date 15 March 1985 (40) for TTU; Alor born January 1990 (35).
    assert shares == {
        "15-24": 0,
        "25-34": 0,
        "35-44": 13,
        "45-54": 0,
        "55-65": 0,
        "other": 1,
    }


def test_spread_by_desil_and_occupation(refreshed, regency_officer):
    desil = [(s.key, s.people) for s in selectors.spread(user=regency_officer, dimension="desil")]
    # Living only: the deceased (index 9) had desil 2.
    assert desil == [("1", 3), ("2", 2), ("3", 3), ("4", 2), ("9", 1)]
    jobs = [
        (s.key, s.people) for s in selectors.spread(user=regency_officer, dimension="occupation")
    ]
    assert jobs == [("Petani", 7), ("Nelayan", 4)]


def test_spread_refuses_unknown_dimension(refreshed, province_officer):
    with pytest.raises(ValueError):
        selectors.spread(user=province_officer, dimension="nik")


def test_funnel_follows_the_current_run(refreshed, programme, province_officer, regency_officer):
    assert selectors.funnel(user=province_officer, programme=programme) == {
        "candidates": 15,
        "eligible": 12,
        "selected": 7,
        "active": 0,
        "ended": 0,
    }
    alor = selectors.funnel(user=regency_officer, programme=programme)
    assert alor["candidates"] == 12
    assert alor["selected"] == 5


def test_regency_figures_carry_quota_and_poor_population(refreshed, programme, regency_officer):
    (alor,) = selectors.regency_figures(user=regency_officer, programme=programme)
    assert (alor.code, alor.quota, alor.selected, alor.candidates) == ("53.05", 5, 5, 12)
    assert alor.of_quota == 1.0
    assert alor.poor_population is not None and alor.of_poor == 5 / alor.poor_population


def test_users_without_a_role_see_nothing(refreshed, db):
    from django.core.exceptions import PermissionDenied

    from lindungi.accounts.models import User

    nobody = User.objects.create(username="nobody", role="")
    with pytest.raises(PermissionDenied):
        selectors.candidates_per_regency(user=nobody)


def test_people_search_stays_within_scope(people, regency_officer, outsider):
    def found(user, query):
        return search_people(user=user, search=parse_people_search({"q": query}))

    ttu_nik = people["ttu"][0].nik
    assert list(found(outsider, ttu_nik)) == [people["ttu"][0]]
    assert found(outsider, ttu_nik[:10]).count() == 3
    assert list(found(regency_officer, ttu_nik)) == []
    assert found(regency_officer, "orang ttu").count() == 0
    assert found(outsider, "orang  ttu").count() == 3


def test_public_figures_hide_small_counts(refreshed, programme, province_admin, province_officer):
    from lindungi.programs.approval import approve_run
    from lindungi.programs.selectors import current_run

    approve_run(user=province_officer, run=current_run(programme))
    rows = {row.code: row for row in selectors.public_regencies(programme=programme)}
    assert len(rows) == 22
    # TTU's 3 candidates are hidden; Alor's 12 too, or 15 - 12 would give TTU's away.
    assert rows["53.05"].candidates is None
    assert rows["53.05"].covered is None  # 5 selected: under 10
    assert rows["53.03"].candidates is None  # 3
    assert all(row.candidates is None and row.covered is None for row in rows.values())
    totals = selectors.public_totals(programme=programme)
    assert totals == {"candidates": 15, "quota": 7, "selected": None, "active": None}


def test_suppress_threshold():
    assert selectors.suppress(9) is None
    assert selectors.suppress(10) == 10
    assert selectors.suppress(0) is None


def test_suppress_column_hides_what_the_total_would_give_away():
    # 3 is hidden; 12 must go too, else total 15 - 12 = 3.
    assert selectors.suppress_column({"a": 12, "b": 3, "c": 0}) == {"a": None, "b": None, "c": None}
    # Hidden 4 + 0: the smallest shown (11) goes, then 4 + 11 = 15 hides nothing more.
    assert selectors.suppress_column({"a": 40, "b": 11, "c": 4, "d": 0}) == {
        "a": 40,
        "b": None,
        "c": None,
        "d": None,
    }
    # Hidden ones add up to 10 or more (or to 0): nothing else is hidden.
    assert selectors.suppress_column({"a": 25, "b": 6, "c": 5}) == {"a": 25, "b": None, "c": None}
    assert selectors.suppress_column({"a": 25, "b": 0}) == {"a": 25, "b": None}
    assert selectors.suppress_column({"a": 10, "b": 10}) == {"a": 10, "b": 10}


def test_people_page_walks_the_list_in_nik_order(people, regency_officer):
    everyone = search_people(user=regency_officer)
    niks = sorted(person.nik for person in people["alor"])
    first = people_page(everyone, after=None, size=5)
    assert [person.nik for person in first.people] == niks[:5]
    assert first.is_first and first.next_after == first.people[-1].pk
    second = people_page(everyone, after=first.next_after, size=5)
    assert [person.nik for person in second.people] == niks[5:10]
    third = people_page(everyone, after=second.next_after, size=5)
    assert [person.nik for person in third.people] == niks[10:]
    assert third.next_after is None and not third.is_first


def test_people_page_cursor_outside_the_scope_starts_over(people, regency_officer):
    everyone = search_people(user=regency_officer)
    page = people_page(everyone, after=people["ttu"][0].pk, size=5)
    assert page.is_first
    assert [person.nik for person in page.people] == sorted(p.nik for p in people["alor"])[:5]
