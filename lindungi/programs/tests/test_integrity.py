"""Likely duplicates and households in a selection (issue 19, point 2)."""

import pytest
from django.utils import timezone

from lindungi.core.errors import InvalidTransition
from lindungi.programs.approval import approve_run
from lindungi.programs.choices import Outcome, PendingDuplicates, Reason
from lindungi.programs.models import Decision
from lindungi.programs.selection import run_selection
from lindungi.programs.selectors import explain
from lindungi.programs.tests.helpers import make_programme, person
from lindungi.registry.choices import DuplicateRule, DuplicateStatus
from lindungi.registry.models import DuplicateCandidate

pytestmark = pytest.mark.django_db


def pair(first, second, status=DuplicateStatus.OPEN):
    first, second = sorted((first, second), key=lambda p: p.pk)
    return DuplicateCandidate.objects.create(
        first_person=first,
        second_person=second,
        first_nik=first.nik,
        second_nik=second.nik,
        rule=DuplicateRule.values[0],
        status=status,
        created_at=timezone.now(),
    )


def decision(programme, who):
    return Decision.objects.get(run__programme=programme, person=who, run__status="draft")


def test_a_pending_likely_duplicate_holds_the_second_person_out(province_officer):
    programme = make_programme(province_officer, quotas={"53.05": 3, "53.03": 0}, headcount=3)
    first, second, other = person(desil=1), person(desil=1), person(desil=2)
    pair(first, second)
    run_selection(user=province_officer, programme=programme)
    held = decision(programme, second)
    assert (held.reasons, held.outcome) == (Reason.DUPLICATE_PENDING, Outcome.INELIGIBLE)
    assert decision(programme, first).outcome == Outcome.SELECTED
    assert decision(programme, other).outcome == Outcome.SELECTED
    assert "menunggu pemeriksaan" in explain(user=province_officer, run=held.run, nik=second.nik)


def test_a_confirmed_duplicate_is_excluded_with_its_reason(province_officer):
    programme = make_programme(province_officer, quotas={"53.05": 3, "53.03": 0}, headcount=3)
    first, second = person(desil=1), person(desil=1)
    pair(first, second, status=DuplicateStatus.CONFIRMED)
    run_selection(user=province_officer, programme=programme)
    assert decision(programme, second).reasons == Reason.DUPLICATE_CONFIRMED
    assert decision(programme, first).outcome == Outcome.SELECTED


def test_a_dismissed_pair_selects_both(province_officer):
    programme = make_programme(province_officer, quotas={"53.05": 3, "53.03": 0}, headcount=3)
    first, second = person(desil=1), person(desil=1)
    pair(first, second, status=DuplicateStatus.DISMISSED)
    run_selection(user=province_officer, programme=programme)
    assert {decision(programme, p).outcome for p in (first, second)} == {Outcome.SELECTED}


def test_block_approval_selects_but_refuses_approval_until_reviewed(
    province_officer, province_admin
):
    programme = make_programme(
        province_officer,
        quotas={"53.05": 3, "53.03": 0},
        headcount=3,
        pending_duplicates=PendingDuplicates.BLOCK_APPROVAL,
    )
    first, second = person(desil=1), person(desil=1)
    duplicate = pair(first, second)
    summary = run_selection(user=province_officer, programme=programme)
    assert decision(programme, second).outcome == Outcome.SELECTED
    run = programme.runs.get(pk=summary.run_id)
    with pytest.raises(InvalidTransition) as error:
        approve_run(user=province_admin, run=run)
    assert error.value.code == "duplicates_pending"
    run.refresh_from_db()
    assert run.status == "draft"
    DuplicateCandidate.objects.filter(pk=duplicate.pk).update(status=DuplicateStatus.DISMISSED)
    assert approve_run(user=province_admin, run=run).status == "approved"


def test_the_household_limit_keeps_the_best_ranked_of_a_family(province_officer):
    programme = make_programme(
        province_officer, quotas={"53.05": 5, "53.03": 0}, headcount=5, max_per_household=2
    )
    family = [person(desil=desil, kk_number="5305010101010001") for desil in (3, 1, 2)]
    single = person(desil=4)
    run_selection(user=province_officer, programme=programme)
    assert decision(programme, family[1]).outcome == Outcome.SELECTED
    assert decision(programme, family[2]).outcome == Outcome.SELECTED
    over = decision(programme, family[0])
    assert (over.reasons, over.outcome) == (Reason.HOUSEHOLD_LIMIT, Outcome.INELIGIBLE)
    assert decision(programme, single).outcome == Outcome.SELECTED


def test_the_household_limit_is_counted_and_leaves_no_gap_in_the_ranks(province_officer):
    """The limit is marked in the ranking's KK window (no UPDATE of the stage): the summary,
    the quotas' eligible and the ranks must still see those people as ineligible."""
    programme = make_programme(
        province_officer, quotas={"53.05": 2, "53.03": 0}, headcount=2, max_per_household=1
    )
    family = [person(desil=desil, kk_number="5305010101010002") for desil in (1, 2, 3)]
    others = [person(desil=2), person(desil=3)]
    summary = run_selection(user=province_officer, programme=programme)
    assert (summary.candidates, summary.eligible, summary.selected, summary.waitlisted) == (
        5,
        3,
        2,
        1,
    )
    assert summary.ineligible_by_reason["household_limit"] == 2
    run = programme.runs.get(pk=summary.run_id)
    assert run.quotas.get(regency_id="53.05").eligible == 3
    ranked = dict(
        run.decisions.exclude(rank=None).order_by("rank").values_list("person_id", "rank")
    )
    assert ranked == {family[0].pk: 1, others[0].pk: 2, others[1].pk: 3}
    assert decision(programme, family[0]).household_first
    for over in family[1:]:
        row = decision(programme, over)
        assert (row.reasons, row.outcome, row.rank, row.cohort_id) == (
            Reason.HOUSEHOLD_LIMIT,
            Outcome.INELIGIBLE,
            None,
            None,
        )
    assert decision(programme, others[1]).outcome == Outcome.WAITLISTED
