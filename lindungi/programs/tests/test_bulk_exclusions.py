"""Deciding several exclusion proposals at once (issue 18, point 4)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from lindungi.audit.models import AuditEvent
from lindungi.core.errors import InvalidInput, InvalidTransition
from lindungi.programs.approval import decide_exclusions, propose_exclusion
from lindungi.programs.choices import ExclusionStatus, Outcome
from lindungi.programs.selection import run_selection
from lindungi.programs.tests.helpers import ALOR, TTU, TTU_VILLAGE, make_programme, person

pytestmark = pytest.mark.django_db
REASON = "Sudah menjadi PNS sejak Mei 2025"


@pytest.fixture
def run(province_officer):
    """Alor: two selected, two waitlisted; TTU: one selected, nobody waiting."""
    programme = make_programme(province_officer, quotas={ALOR: 2, TTU: 1})
    for desil in (1, 1, 2, 2):
        person(desil=desil)
    person(village=TTU_VILLAGE)
    run_selection(user=province_officer, programme=programme)
    return programme.runs.get()


@pytest.fixture
def proposals(run, regency_officer, outsider):
    made = [
        propose_exclusion(user=regency_officer, decision=decision, reason=REASON)
        for decision in run.decisions.filter(regency_id=ALOR, outcome=Outcome.SELECTED)
    ]
    ttu = run.decisions.get(regency_id=TTU, outcome=Outcome.SELECTED)
    made.append(propose_exclusion(user=outsider, decision=ttu, reason=REASON))
    return made


def outcomes(run, regency):
    return dict(run.decisions.filter(regency_id=regency).values_list("rank", "outcome"))


def test_accepting_several_promotes_each_regencys_next_waitlisted_in_rank_order(
    run, proposals, province_officer
):
    selected_before = run.selected
    cohort = run.decisions.get(regency_id=ALOR, rank=1).cohort_id
    count = decide_exclusions(
        user=province_officer, run=run, ids=[p.pk for p in proposals], accept=True, note="ok"
    )
    assert count == 3
    assert outcomes(run, ALOR) == {
        1: Outcome.EXCLUDED,
        2: Outcome.EXCLUDED,
        3: Outcome.SELECTED,
        4: Outcome.SELECTED,
    }
    promoted = run.decisions.filter(regency_id=ALOR, rank__gt=2)
    assert set(promoted.values_list("cohort_id", flat=True)) == {cohort}
    # TTU had nobody waiting: its place stays empty and the run counts one fewer.
    assert outcomes(run, TTU) == {1: Outcome.EXCLUDED}
    run.refresh_from_db()
    assert run.selected == selected_before - 1
    statuses = {p.status for p in type(proposals[0]).objects.all()}
    assert statuses == {ExclusionStatus.ACCEPTED}
    events = AuditEvent.objects.filter(action="programs.exclusions_decided")
    assert events.count() == 1
    assert events.get().changes["summary"]["count"] == 3
    assert events.get().changes["summary"]["promoted"] == 2


def test_refusing_several_changes_no_decision(run, proposals, province_officer):
    before = outcomes(run, ALOR)
    decide_exclusions(
        user=province_officer, run=run, ids=[p.pk for p in proposals[:2]], accept=False
    )
    assert outcomes(run, ALOR) == before
    refused = type(proposals[0]).objects.filter(pk__in=[p.pk for p in proposals[:2]])
    assert {p.status for p in refused} == {ExclusionStatus.REFUSED}
    assert type(proposals[0]).objects.get(pk=proposals[2].pk).status == ExclusionStatus.PROPOSED


def test_a_decided_proposal_in_the_selection_refuses_all(run, proposals, province_officer):
    decide_exclusions(user=province_officer, run=run, ids=[proposals[0].pk], accept=False)
    with pytest.raises(InvalidTransition) as refused:
        decide_exclusions(
            user=province_officer, run=run, ids=[p.pk for p in proposals], accept=True
        )
    assert refused.value.code == "decided"
    assert outcomes(run, ALOR)[2] == Outcome.SELECTED
    assert AuditEvent.objects.filter(action="programs.exclusions_decided").count() == 1


def test_ids_of_another_run_or_nothing_are_refused(run, proposals, province_officer):
    with pytest.raises(PermissionDenied):
        decide_exclusions(
            user=province_officer, run=run, ids=[proposals[0].pk, 999_999], accept=True
        )
    with pytest.raises(InvalidInput):
        decide_exclusions(user=province_officer, run=run, ids=[], accept=True)
    assert outcomes(run, ALOR)[1] == Outcome.SELECTED


@pytest.mark.parametrize("persona", ["regency_officer", "outsider", "insurer_liaison", "auditor"])
def test_only_the_province_decides(client, run, proposals, personas, persona):
    ids = [p.pk for p in proposals]
    with pytest.raises(PermissionDenied):
        decide_exclusions(user=personas[persona], run=run, ids=ids, accept=True)
    client.force_login(personas[persona])
    url = reverse("programs:decide_many", args=[run.pk])
    assert client.post(url, {"ids": ids, "accept": "1", "confirm": "1"}).status_code == 403
    assert outcomes(run, ALOR)[1] == Outcome.SELECTED


def test_the_page_confirms_before_deciding(client, run, proposals, province_officer):
    client.force_login(province_officer)
    page = client.get(reverse("programs:detail", args=[run.programme_id])).content.decode()
    assert 'form="bulk-exclusions"' in page and 'data-select-all="ids"' in page
    url = reverse("programs:decide_many", args=[run.pk])
    ids = [p.pk for p in proposals[:2]]
    asked = client.post(url, {"ids": ids, "accept": "1", "note": "cek"})
    assert asked.status_code == 200 and asked.templates[0].name == "web/bulk_confirm.html"
    assert outcomes(run, ALOR)[1] == Outcome.SELECTED
    done = client.post(url, {"ids": ids, "accept": "1", "note": "cek", "confirm": "1"})
    assert done.status_code == 302
    assert outcomes(run, ALOR)[1] == Outcome.EXCLUDED
