"""Approving a selection run, and the exclusion proposals that may precede it.

A run stays a draft until a province officer approves it. While it is a draft, a regency officer
may propose excluding a selected person of their own regency with a written reason; the province
accepts (the person is excluded and the best-ranked waitlisted person of that regency takes the
place) or refuses. Approval is refused while proposals are open, and an approved run is frozen.
"""

from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lindungi.audit.services import record_event
from lindungi.core.changes import notify
from lindungi.core.checker import require_second_person
from lindungi.core.errors import InvalidInput, InvalidTransition
from lindungi.core.permissions import Action, can_access_regency, require, scoped_ids
from lindungi.programs.above import active_places
from lindungi.programs.choices import ExclusionStatus, Outcome, PendingDuplicates, RunStatus
from lindungi.programs.lifecycle import activate_if_started
from lindungi.programs.models import Decision, ExclusionProposal, SelectionRun
from lindungi.registry.choices import DuplicateStatus
from lindungi.registry.models import DuplicateCandidate


def _lock_draft(run: SelectionRun) -> SelectionRun:
    run = SelectionRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.DRAFT:
        raise InvalidTransition(
            _("This selection is no longer a draft; it cannot change."), code="run_frozen"
        )
    return run


def approve_run(*, user, run: SelectionRun) -> SelectionRun:
    """Approve (freeze) a draft run. Maker-checker: never by the person who ran it."""
    require(user, Action.APPROVE_SELECTION)
    with transaction.atomic():
        run = _lock_draft(run)
        require_second_person(
            prepared_by_id=run.created_by_id,
            user=user,
            message=_("A selection is approved by a second person, not by the one who ran it."),
        )
        open_proposals = ExclusionProposal.objects.filter(
            decision__run=run, status=ExclusionStatus.PROPOSED
        ).count()
        if open_proposals:
            raise InvalidTransition(
                _("Decide the %(count)s open exclusion proposals first.")
                % {"count": open_proposals},
                code="open_proposals",
            )
        if run.programme.pending_duplicates == PendingDuplicates.BLOCK_APPROVAL:
            pending = DuplicateCandidate.objects.filter(
                status=DuplicateStatus.OPEN,
                second_person_id__in=Decision.objects.filter(
                    run=run, outcome=Outcome.SELECTED
                ).values("person_id"),
            ).count()
            if pending:
                raise InvalidTransition(
                    _("Review the %(count)s likely duplicates among the selected first.")
                    % {"count": pending},
                    code="duplicates_pending",
                )
        run.status = RunStatus.APPROVED
        run.approved_by = user
        run.approved_at = timezone.now()
        run.save(update_fields=["status", "approved_by", "approved_at"])
        notify("programs.approval")
        record_event(
            action="programs.selection_approved",
            target=run,
            before={"status": RunStatus.DRAFT},
            after={"status": RunStatus.APPROVED},
            summary={
                "selected": run.selected,
                "eligible": run.eligible,
                "prepared_by": run.created_by.username if run.created_by else None,
                "approved_by": user.username,
            },
            user=user,
        )
        # A renewed programme's continuing people are covered before its selection is
        # approved: approving it is then what makes the programme active.
        activate_if_started(user=user, programme=run.programme, covered=_covered(run))
    return run


def _covered(run: SelectionRun) -> int:
    return active_places(run.programme_id)


def propose_exclusion(*, user, decision: Decision, reason: str) -> ExclusionProposal:
    require(user, Action.PROPOSE_EXCLUSION)
    if not can_access_regency(user, decision.regency_id):
        # Same answer as a NIK that does not exist: an officer learns nothing about other regencies.
        raise Decision.DoesNotExist
    reason = reason.strip()
    if len(reason) < 10:
        raise InvalidInput(
            _("Write the reason for the exclusion (at least 10 characters)."),
            code="reason_required",
        )
    with transaction.atomic():
        _lock_draft(decision.run)
        decision = Decision.objects.select_for_update().get(pk=decision.pk)
        if decision.outcome != Outcome.SELECTED:
            raise InvalidTransition(
                _("Only a selected person can be proposed for exclusion."), code="not_selected"
            )
        if decision.proposals.filter(status=ExclusionStatus.PROPOSED).exists():
            raise InvalidTransition(
                _("An exclusion is already proposed for this person."), code="already_proposed"
            )
        proposal = ExclusionProposal.objects.create(
            decision=decision, reason=reason, proposed_by=user
        )
        notify("programs.approval")
        record_event(
            action="programs.exclusion_proposed",
            target=proposal,
            after={"nik": decision.nik, "reason": reason},
            user=user,
        )
    return proposal


def decide_exclusion(
    *, user, proposal: ExclusionProposal, accept: bool, note: str = ""
) -> ExclusionProposal:
    """Accept (exclude and promote the next waitlisted person) or refuse a proposal."""
    require(user, Action.DECIDE_EXCLUSION)
    with transaction.atomic():
        run = _lock_draft(proposal.decision.run)
        proposal = ExclusionProposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status != ExclusionStatus.PROPOSED:
            raise InvalidTransition(_("This proposal is already decided."), code="decided")
        decision = Decision.objects.select_for_update().get(pk=proposal.decision_id)
        proposal.status = ExclusionStatus.ACCEPTED if accept else ExclusionStatus.REFUSED
        proposal.decided_by = user
        proposal.decided_at = timezone.now()
        proposal.decision_note = note.strip()
        proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        promoted = None
        if accept:
            cohort_id = decision.cohort_id
            Decision.objects.filter(pk=decision.pk).update(outcome=Outcome.EXCLUDED)
            promoted = (
                Decision.objects.filter(
                    run=run, regency_id=decision.regency_id, outcome=Outcome.WAITLISTED
                )
                .order_by("rank")
                .first()
            )
            if promoted is not None:
                Decision.objects.filter(pk=promoted.pk).update(
                    outcome=Outcome.SELECTED, cohort_id=cohort_id
                )
            else:
                SelectionRun.objects.filter(pk=run.pk).update(selected=run.selected - 1)
        notify("programs.approval")
        record_event(
            action="programs.exclusion_decided",
            target=proposal,
            before={"status": ExclusionStatus.PROPOSED},
            after={"status": proposal.status, "note": proposal.decision_note},
            summary={
                "nik": decision.nik,
                "promoted_nik": promoted.nik if promoted else None,
            },
            user=user,
        )
    return proposal


def decide_exclusions(*, user, run: SelectionRun, ids, accept: bool, note: str = "") -> int:
    """Accept or refuse several open proposals of one draft run at once (the bulk action).

    The whole selection is refused when any id is not an open proposal of this run within
    the user's scope (nothing is skipped silently). Accepting excludes the people and gives
    each regency's places to its best-ranked waitlisted people, in rank order, each taking an
    excluded person's cohort; a regency whose waitlist runs out leaves the places empty.
    Set-based: a few statements per regency and cohort (bounded by the selection, not by the
    registry) and one audit event with the count. Returns the number of proposals decided.
    """
    require(user, Action.DECIDE_EXCLUSION)
    note = note.strip()[:500]
    with transaction.atomic():
        run = _lock_draft(run)
        chosen = scoped_ids(user, ExclusionProposal.objects.filter(decision__run=run), ids)
        proposals = ExclusionProposal.objects.filter(pk__in=chosen)
        locked = list(proposals.select_for_update().values_list("status", "decision_id"))
        decided = sum(1 for status, _decision in locked if status != ExclusionStatus.PROPOSED)
        if decided:
            raise InvalidTransition(
                ngettext(
                    "%(n)s of the selected proposals is already decided; nothing was saved.",
                    "%(n)s of the selected proposals are already decided; nothing was saved.",
                    decided,
                )
                % {"n": decided},
                code="decided",
            )
        count = proposals.update(
            status=ExclusionStatus.ACCEPTED if accept else ExclusionStatus.REFUSED,
            decided_by=user,
            decided_at=timezone.now(),
            decision_note=note,
        )
        promoted: list[int] = []
        if accept:
            promoted = _exclude_and_promote(run, [decision for _status, decision in locked])
        notify("programs.approval")
        record_event(
            action="programs.exclusions_decided",
            target=run,
            summary={
                "count": count,
                "accepted": accept,
                "note": note,
                "proposal_ids": chosen,
                "promoted": len(promoted),
            },
            user=user,
        )
    return count


def _exclude_and_promote(run: SelectionRun, decision_ids: list[int]) -> list[int]:
    """Exclude the decisions; promote each regency's next waitlisted people into the places."""
    excluded = list(
        Decision.objects.filter(pk__in=decision_ids)
        .order_by("regency_id", "rank")
        .values_list("regency_id", "cohort_id")
    )
    Decision.objects.filter(pk__in=decision_ids).update(outcome=Outcome.EXCLUDED)
    cohorts_by_regency: dict[str, list] = defaultdict(list)
    for regency_id, cohort_id in excluded:
        cohorts_by_regency[regency_id].append(cohort_id)
    promoted: list[int] = []
    for regency_id, cohorts in cohorts_by_regency.items():
        waiting = list(
            Decision.objects.filter(run=run, regency_id=regency_id, outcome=Outcome.WAITLISTED)
            .order_by("rank")
            .values_list("pk", flat=True)[: len(cohorts)]
        )
        by_cohort: dict[Any, list[int]] = defaultdict(list)
        for decision_id, cohort_id in zip(waiting, cohorts, strict=False):
            by_cohort[cohort_id].append(decision_id)
        for cohort_id, ids in by_cohort.items():
            Decision.objects.filter(pk__in=ids).update(
                outcome=Outcome.SELECTED, cohort_id=cohort_id
            )
        promoted.extend(waiting)
    shortfall = len(excluded) - len(promoted)
    if shortfall:
        SelectionRun.objects.filter(pk=run.pk).update(selected=F("selected") - shortfall)
    return promoted
