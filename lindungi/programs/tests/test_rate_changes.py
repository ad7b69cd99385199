"""Maker-checker for rate changes (issue 19, point 3): a proposed rate is not billed until a
second person with the right approves it; the preparer never decides it; refusal keeps the
proposal with its reason; a decided proposal is frozen in the database; the audit trail, the
"needs attention" list and the integrity page's self-approved actions know about it."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, transaction

from lindungi.audit.models import AuditEvent
from lindungi.core.checker import ApprovalStatus
from lindungi.core.dates import Month
from lindungi.core.errors import InvalidInput, InvalidTransition
from lindungi.programs.models import ProposedRateRule, RateRule
from lindungi.programs.rate_changes import decide_rate_rule, propose_rate_rule
from lindungi.programs.rates import monthly_contribution
from lindungi.reports.attention import compute_attention
from lindungi.reports.integrity import self_approved

pytestmark = pytest.mark.django_db

# A JKM discount to a quarter for people paying themselves, from 2028 (a made-up regulation).
FIELDS = {
    "component": "JKM",
    "kind": "discount",
    "value": 2_500,
    "effective_from": date(2028, 1, 1),
    "effective_to": date(2028, 12, 31),
    "excluded_funding_sources": ["APBD", "APBN"],
    "legal_basis": "PP 99/2027 (contoh)",
}


def jkm_in_2028() -> int:
    return monthly_contribution(
        package="jkk_jkm",
        basis=1_000_000,
        month=Month(2028, 5),
        sector="other",
        funding_source="self",
    ).jkm


def test_a_proposed_rate_is_not_billed_until_a_second_person_approves_it(
    province_officer, province_admin
):
    before_rules = RateRule.objects.count()
    before_jkm = jkm_in_2028()
    proposal = propose_rate_rule(user=province_officer, **FIELDS)
    assert proposal.status == ApprovalStatus.PENDING
    assert RateRule.objects.count() == before_rules
    assert jkm_in_2028() == before_jkm == 6_800

    decided = decide_rate_rule(
        proposal=proposal, approve=True, user=province_admin, note="sesuai PP"
    )
    assert decided.status == ApprovalStatus.APPROVED
    assert decided.decided_by == province_admin
    assert RateRule.objects.count() == before_rules + 1
    rule = RateRule.objects.get(pk=decided.rule_id)
    assert (rule.component, rule.kind, rule.value, rule.legal_basis) == (
        "JKM",
        "discount",
        2_500,
        "PP 99/2027 (contoh)",
    )
    assert jkm_in_2028() == 1_700
    event = AuditEvent.objects.get(action="programs.rate_rule_approved")
    assert (event.changes["summary"]["prepared_by"], event.changes["summary"]["decided_by"]) == (
        province_officer.username,
        province_admin.username,
    )
    assert AuditEvent.objects.filter(action="programs.rate_rule_proposed").count() == 1
    # Decided once.
    with pytest.raises(InvalidTransition) as error:
        decide_rate_rule(proposal=proposal, approve=False, user=province_admin, note="lagi lagi")
    assert error.value.code == "decided"


def test_the_preparer_cannot_approve_their_own_rate(province_officer):
    proposal = propose_rate_rule(user=province_officer, **FIELDS)
    before = RateRule.objects.count()
    with pytest.raises(InvalidTransition) as error:
        decide_rate_rule(proposal=proposal, approve=True, user=province_officer)
    assert error.value.code == "self_approval"
    proposal.refresh_from_db()
    assert proposal.status == ApprovalStatus.PENDING
    assert RateRule.objects.count() == before
    assert not AuditEvent.objects.filter(action="programs.rate_rule_approved").exists()


def test_a_refusal_keeps_the_proposal_with_its_reason(province_officer, province_admin):
    proposal = propose_rate_rule(user=province_officer, **FIELDS)
    before = RateRule.objects.count()
    with pytest.raises(InvalidInput) as error:
        decide_rate_rule(proposal=proposal, approve=False, user=province_admin, note="")
    assert error.value.code == "reason_required"
    decide_rate_rule(
        proposal=proposal, approve=False, user=province_admin, note="PP belum diundangkan"
    )
    proposal.refresh_from_db()
    assert proposal.status == ApprovalStatus.REFUSED
    assert proposal.decision_note == "PP belum diundangkan"
    assert proposal.rule_id is None
    assert RateRule.objects.count() == before
    assert jkm_in_2028() == 6_800
    event = AuditEvent.objects.get(action="programs.rate_rule_refused")
    assert event.changes["summary"]["decided_by"] == province_admin.username


def test_regency_officers_can_neither_propose_nor_decide(regency_officer, province_officer):
    with pytest.raises(PermissionDenied):
        propose_rate_rule(user=regency_officer, **FIELDS)
    proposal = propose_rate_rule(user=province_officer, **FIELDS)
    with pytest.raises(PermissionDenied):
        decide_rate_rule(proposal=proposal, approve=True, user=regency_officer)
    proposal.refresh_from_db()
    assert proposal.status == ApprovalStatus.PENDING


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"value": 12_000}, "rate_invalid"),
        ({"effective_to": date(2027, 1, 1)}, "rate_invalid"),
        ({"excluded_funding_sources": ["XYZ"]}, "rate_invalid"),
        ({"legal_basis": "  "}, "legal_basis"),
        ({"effective_from": None}, "rate_invalid"),
    ],
)
def test_a_bad_proposal_is_refused_and_writes_nothing(province_officer, change, code):
    with pytest.raises(InvalidInput) as error:
        propose_rate_rule(user=province_officer, **{**FIELDS, **change})
    assert error.value.code == code
    assert not ProposedRateRule.objects.exists()


def test_a_decided_proposal_is_frozen_in_the_database(province_officer, province_admin):
    approved = propose_rate_rule(user=province_officer, **FIELDS)
    decide_rate_rule(proposal=approved, approve=True, user=province_admin)
    refused = propose_rate_rule(user=province_officer, **FIELDS)
    decide_rate_rule(proposal=refused, approve=False, user=province_admin, note="tidak berlaku")
    for record in (approved, refused):
        rows = ProposedRateRule.objects.filter(pk=record.pk)
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
            rows.update(value=9_999)
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
            rows.delete()
    # A pending proposal is still an ordinary row.
    pending = propose_rate_rule(user=province_officer, **FIELDS)
    ProposedRateRule.objects.filter(pk=pending.pk).update(value=2_000)
    assert ProposedRateRule.objects.get(pk=pending.pk).value == 2_000


def test_attention_and_integrity_know_rate_proposals(province_officer, province_admin):
    proposal = propose_rate_rule(user=province_officer, **FIELDS)

    def waiting(user):
        items = {item.key: item.count for item in compute_attention(user)}
        return items.get("rate_proposals", 0)

    assert waiting(province_admin) == 1
    assert waiting(province_officer) == 0  # nobody checks their own proposal
    decide_rate_rule(proposal=proposal, approve=True, user=province_admin)
    assert waiting(province_admin) == 0
    assert not [row for row in self_approved(province_admin) if row.kind == "rate_change"]
    # A self-approval written around the service shows on the integrity page.
    sneaky = propose_rate_rule(user=province_officer, **FIELDS)
    ProposedRateRule.objects.filter(pk=sneaky.pk).update(
        status=ApprovalStatus.APPROVED, decided_by=province_officer
    )
    rows = [row for row in self_approved(province_admin) if row.kind == "rate_change"]
    assert [row.prepared_by for row in rows] == [str(province_officer)]


def test_the_rates_page_for_the_preparer_and_the_checker(client, province_officer, province_admin):
    client.force_login(province_officer)
    response = client.post("/programs/rates/", {**FIELDS, "effective_to": "2028-12-31"})
    assert response.status_code == 302
    proposal = ProposedRateRule.objects.get()
    decide_url = f"/programs/rates/proposals/{proposal.pk}/decide/"
    page = client.get("/programs/rates/").content.decode()
    assert "PP 99/2027 (contoh)" in page
    assert decide_url not in page  # no buttons for the preparer
    # Posting anyway is refused with a message and changes nothing.
    response = client.post(decide_url, {"decision": "approve"}, follow=True)
    assert ProposedRateRule.objects.get().status == ApprovalStatus.PENDING
    assert "self_approval" not in response.content.decode()
    assert len(list(response.context["messages"])) == 1

    client.force_login(province_admin)
    page = client.get("/programs/rates/").content.decode()
    assert decide_url in page
    response = client.post(decide_url, {"decision": "refuse", "note": "dasar hukum keliru"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == (ApprovalStatus.REFUSED, province_admin)
    assert decide_url not in client.get("/programs/rates/").content.decode()


def test_a_regency_officer_cannot_decide_through_the_page(
    client, regency_officer, province_officer
):
    proposal = propose_rate_rule(user=province_officer, **FIELDS)
    client.force_login(regency_officer)
    response = client.post(
        f"/programs/rates/proposals/{proposal.pk}/decide/", {"decision": "approve"}
    )
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == ApprovalStatus.PENDING
