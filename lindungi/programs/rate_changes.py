"""Rate changes through a second person (issue 19, point 3), by `core.checker`.

A user with `MANAGE_PROGRAMMES` proposes a new regulation's rate or discount with its legal basis
(`propose_rate_rule`): a `ProposedRateRule`, which billing never reads (`rates.RateTable` reads
only `RateRule`). Another user with the same right approves it (`decide_rate_rule`), which creates
the `RateRule` in the same transaction, or refuses it with a reason; the preparer never decides it
(`self_approval`). Both steps are audited, the decision naming both people; a decided proposal is
frozen in the database (migration 0013's triggers).

The regulation's initial rates stay a data migration (0002): they are the law as published, not a
change made by a user.
"""

from datetime import date
from typing import Any

from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.core.checker import ApprovalStatus, check_decidable, checker_summary, decide
from lindungi.core.errors import InvalidInput
from lindungi.core.permissions import Action, can, require
from lindungi.programs.choices import Component, FundingSource, RateKind, Sector
from lindungi.programs.models import ProposedRateRule, RateRule

RATE_RULE_FIELDS = (
    "component",
    "kind",
    "value",
    "effective_from",
    "effective_to",
    "only_sector",
    "except_sector",
    "excluded_funding_sources",
    "legal_basis",
)


def clean_rate_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields of a rate rule, checked; raises `InvalidInput` with a reason code."""
    unknown = set(fields) - set(RATE_RULE_FIELDS)
    if unknown:
        raise InvalidInput(f"unknown rate fields: {sorted(unknown)}", code="unknown_field")
    legal_basis = (fields.get("legal_basis") or "").strip()
    if len(legal_basis) < 5:
        raise InvalidInput(_("Name the regulation the rate comes from."), code="legal_basis")
    if fields.get("component") not in Component.values or fields.get("kind") not in RateKind.values:
        raise InvalidInput(_("Unknown component or kind."), code="rate_invalid")
    value = fields.get("value")
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidInput(_("The value must be a whole number."), code="rate_invalid")
    if fields["kind"] == RateKind.DISCOUNT and value > 10_000:
        raise InvalidInput(
            _("A discount gives the share still payable: at most 10,000 bp."), code="rate_invalid"
        )
    start = fields.get("effective_from")
    if not isinstance(start, date):
        raise InvalidInput(_("Give the date the rate starts."), code="rate_invalid")
    end = fields.get("effective_to")
    if end is not None and end < start:
        raise InvalidInput(_("The rate must end after it starts."), code="rate_invalid")
    for name in ("only_sector", "except_sector"):
        if fields.get(name) and fields[name] not in Sector.values:
            raise InvalidInput(_("Unknown sector."), code="rate_invalid")
    sources = list(fields.get("excluded_funding_sources") or [])
    if any(source not in FundingSource.values for source in sources):
        raise InvalidInput(_("Unknown funding source."), code="rate_invalid")
    return {
        **fields,
        "only_sector": fields.get("only_sector") or "",
        "except_sector": fields.get("except_sector") or "",
        "legal_basis": legal_basis,
        "excluded_funding_sources": sources,
    }


def _rule_fields(record: models.Model) -> dict[str, Any]:
    return {name: getattr(record, name) for name in RATE_RULE_FIELDS}


def propose_rate_rule(*, user, **fields: Any) -> ProposedRateRule:
    """Propose a new regulation's rate or discount; it is in force once a second person
    approves it."""
    require(user, Action.MANAGE_PROGRAMMES)
    cleaned = clean_rate_fields(fields)
    with transaction.atomic():
        proposal = ProposedRateRule.objects.create(**cleaned, prepared_by=user)
        record_event(
            action="programs.rate_rule_proposed",
            target=proposal,
            after=model_to_dict(proposal, fields=RATE_RULE_FIELDS),
            user=user,
        )
    return proposal


def decide_rate_rule(
    *, proposal: ProposedRateRule, approve: bool, user, note: str = ""
) -> ProposedRateRule:
    """Approve (the rule enters the rate table) or refuse a proposed rate; never by its
    preparer. A refusal needs a reason."""
    require(user, Action.MANAGE_PROGRAMMES)
    if not approve and len(note.strip()) < 5:
        raise InvalidInput(_("Write the reason for the refusal."), code="reason_required")
    with transaction.atomic():
        proposal = (
            ProposedRateRule.objects.select_for_update()
            .select_related("prepared_by")
            .get(pk=proposal.pk)
        )
        check_decidable(proposal, user=user)
        if approve:
            proposal.rule = RateRule.objects.create(**_rule_fields(proposal))
        decide(proposal, user=user, approve=approve, note=note, fields=("rule",))
        record_event(
            action="programs.rate_rule_approved" if approve else "programs.rate_rule_refused",
            target=proposal,
            user=user,
            before={"status": ApprovalStatus.PENDING},
            after={
                "status": proposal.status,
                "note": proposal.decision_note,
                "rule": proposal.rule_id,
            },
            summary={
                **checker_summary(proposal),
                **model_to_dict(proposal, fields=RATE_RULE_FIELDS),
            },
        )
    return proposal


def pending_proposals() -> models.QuerySet[ProposedRateRule]:
    """Rate changes waiting for a second person (the rates page lists them to everyone)."""
    return ProposedRateRule.objects.filter(status=ApprovalStatus.PENDING).select_related(
        "prepared_by"
    )


def waiting_count(user) -> int:
    """How many proposed rates wait for this user as the checker (someone else prepared them)."""
    if not can(user, Action.MANAGE_PROGRAMMES):
        return 0
    return (
        ProposedRateRule.objects.filter(status=ApprovalStatus.PENDING)
        .exclude(prepared_by=user)
        .count()
    )
