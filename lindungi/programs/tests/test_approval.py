import pytest
from django.core.exceptions import PermissionDenied

from lindungi.audit.models import AuditEvent
from lindungi.core.errors import InvalidInput, InvalidTransition
from lindungi.programs.approval import approve_run, decide_exclusion, propose_exclusion
from lindungi.programs.choices import ExclusionStatus, Outcome, RunStatus
from lindungi.programs.models import Decision, ExclusionProposal
from lindungi.programs.selection import run_selection
from lindungi.programs.tests.helpers import ALOR, TTU_VILLAGE, make_programme, person

pytestmark = pytest.mark.django_db
REASON = "Sudah menjadi PNS sejak Mei 2025"


@pytest.fixture
def run(province_officer):
    programme = make_programme(province_officer, quotas={ALOR: 1, "53.03": 1})
    person(desil=1)
    person(desil=2, poverty_label="poor")
    person(village=TTU_VILLAGE)
    run_selection(user=province_officer, programme=programme)
    return programme.runs.get()


def outcomes(run):
    return dict(run.decisions.values_list("rank", "outcome").filter(regency_id=ALOR))


def test_province_officer_approves_and_the_run_is_frozen(run, province_officer, province_admin):
    approve_run(user=province_admin, run=run)
    run.refresh_from_db()
    assert (run.status, run.approved_by) == (RunStatus.APPROVED, province_admin)
    assert AuditEvent.objects.filter(action="programs.selection_approved").count() == 1
    with pytest.raises(InvalidTransition):
        approve_run(user=province_admin, run=run)
    with pytest.raises(InvalidTransition) as error:
        run_selection(user=province_officer, programme=run.programme)
    assert error.value.code == "selection_already_approved"
    assert run.programme.runs.count() == 1


def test_approved_decisions_survive_registry_edits(run, province_officer, province_admin):
    approve_run(user=province_admin, run=run)
    decision = run.decisions.get(rank=1, regency_id=ALOR)
    decision.person.__class__.objects.filter(pk=decision.person_id).update(desil=9)
    decision.refresh_from_db()
    assert (decision.desil, decision.outcome) == (1, Outcome.SELECTED)


@pytest.mark.parametrize("persona", ["regency_officer", "insurer_liaison", "auditor", "outsider"])
def test_only_province_may_approve(run, personas, persona):
    with pytest.raises(PermissionDenied):
        approve_run(user=personas[persona], run=run)
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT


def test_accepted_exclusion_promotes_the_next_waitlisted(
    run, regency_officer, province_officer, province_admin
):
    selected = run.decisions.get(regency_id=ALOR, rank=1)
    proposal = propose_exclusion(user=regency_officer, decision=selected, reason=REASON)
    with pytest.raises(InvalidTransition) as error:
        approve_run(user=province_admin, run=run)
    assert error.value.code == "open_proposals"
    decide_exclusion(user=province_officer, proposal=proposal, accept=True, note="ok")
    assert outcomes(run) == {1: Outcome.EXCLUDED, 2: Outcome.SELECTED}
    assert run.decisions.get(regency_id=ALOR, rank=2).cohort_id == selected.cohort_id
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == (ExclusionStatus.ACCEPTED, province_officer)
    approve_run(user=province_admin, run=run)


def test_refused_exclusion_changes_no_decision(run, regency_officer, province_officer):
    selected = run.decisions.get(regency_id=ALOR, rank=1)
    proposal = propose_exclusion(user=regency_officer, decision=selected, reason=REASON)
    decide_exclusion(user=province_officer, proposal=proposal, accept=False)
    assert outcomes(run) == {1: Outcome.SELECTED, 2: Outcome.WAITLISTED}
    with pytest.raises(InvalidTransition):
        decide_exclusion(user=province_officer, proposal=proposal, accept=True)
    assert outcomes(run) == {1: Outcome.SELECTED, 2: Outcome.WAITLISTED}


def test_regency_officer_cannot_decide_own_proposal(run, regency_officer):
    selected = run.decisions.get(regency_id=ALOR, rank=1)
    proposal = propose_exclusion(user=regency_officer, decision=selected, reason=REASON)
    with pytest.raises(PermissionDenied):
        decide_exclusion(user=regency_officer, proposal=proposal, accept=True)
    proposal.refresh_from_db()
    assert proposal.status == ExclusionStatus.PROPOSED
    assert outcomes(run) == {1: Outcome.SELECTED, 2: Outcome.WAITLISTED}


def test_officer_cannot_propose_outside_their_regency(run, outsider):
    selected = run.decisions.get(regency_id=ALOR, rank=1)
    with pytest.raises(Decision.DoesNotExist):
        propose_exclusion(user=outsider, decision=selected, reason=REASON)
    assert ExclusionProposal.objects.count() == 0


def test_proposal_needs_a_written_reason_and_a_selected_person(run, regency_officer):
    selected = run.decisions.get(regency_id=ALOR, rank=1)
    waitlisted = run.decisions.get(regency_id=ALOR, rank=2)
    with pytest.raises(InvalidInput):
        propose_exclusion(user=regency_officer, decision=selected, reason="  tidak ")
    with pytest.raises(InvalidTransition):
        propose_exclusion(user=regency_officer, decision=waitlisted, reason=REASON)
    propose_exclusion(user=regency_officer, decision=selected, reason=REASON)
    with pytest.raises(InvalidTransition):
        propose_exclusion(user=regency_officer, decision=selected, reason=REASON)
    assert ExclusionProposal.objects.count() == 1


def test_no_proposal_on_an_approved_run(run, regency_officer, province_officer, province_admin):
    approve_run(user=province_admin, run=run)
    selected = run.decisions.get(regency_id=ALOR, rank=1)
    with pytest.raises(InvalidTransition) as error:
        propose_exclusion(user=regency_officer, decision=selected, reason=REASON)
    assert error.value.code == "run_frozen"
    assert ExclusionProposal.objects.count() == 0


def test_the_one_who_ran_the_selection_cannot_approve_it(run, province_officer, province_admin):
    """Maker-checker (issue 19, point 3): a second person approves, and the audit shows both."""
    with pytest.raises(InvalidTransition) as error:
        approve_run(user=province_officer, run=run)
    assert error.value.code == "self_approval"
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT
    approve_run(user=province_admin, run=run)
    event = AuditEvent.objects.get(action="programs.selection_approved")
    assert event.changes["summary"]["prepared_by"] == province_officer.username
    assert event.changes["summary"]["approved_by"] == province_admin.username
