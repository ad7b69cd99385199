"""Writes on enrollments: the state machine, enrolling a selection run, exits, the policy.

Every function takes the acting user, runs in one transaction and records its audit event there.
Batches, responses, bulk exits and replacement live in their own modules.
"""

import re
from collections.abc import Mapping
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.core.changes import notify
from lindungi.core.dates import local_today
from lindungi.core.errors import InvalidInput, InvalidTransition
from lindungi.core.permissions import Action, can_access_regency, require
from lindungi.enrollment.choices import (
    ALLOWED_TRANSITIONS,
    EnrollmentState,
    ExitReason,
    ReplacementMode,
)
from lindungi.enrollment.models import Enrollment, EnrollmentEvent, ReplacementPolicy
from lindungi.enrollment.sectors import assign_sectors
from lindungi.enrollment.sql import record_transitions
from lindungi.programs.choices import Outcome, RunStatus
from lindungi.programs.models import Decision, Programme, SelectionRun
from lindungi.programs.reference import kpj_pattern
from lindungi.registry.choices import DeathSource
from lindungi.registry.services import record_deaths

# The default; the format in force is a setting (programs.reference.kpj_pattern).
KPJ_PATTERN = re.compile(r"^\d{11}$")

# Who may move an enrollment into each state.
TRANSITION_ACTIONS = {
    EnrollmentState.SELECTED: Action.EXCHANGE_INSURER_FILES,
    EnrollmentState.SUBMITTED: Action.EXCHANGE_INSURER_FILES,
    EnrollmentState.ACTIVE: Action.EXCHANGE_INSURER_FILES,
    EnrollmentState.REJECTED: Action.EXCHANGE_INSURER_FILES,
    EnrollmentState.ENDED: Action.RECORD_EXIT,
}


def today() -> date:
    return local_today()


def check_transition(from_state: str, to_state: str) -> None:
    if to_state not in ALLOWED_TRANSITIONS.get(from_state, frozenset()):
        raise InvalidTransition(
            _("An enrollment cannot go from %(from)s to %(to)s.")
            % {
                "from": EnrollmentState(from_state).label,
                "to": EnrollmentState(to_state).label,
            },
            code=f"{from_state}_to_{to_state}",
        )


def change_state(
    *,
    user,
    enrollment: Enrollment,
    to_state: str,
    on: date,
    note: str = "",
    kpj: str | None = None,
    reason: str = "",
) -> Enrollment:
    """Move one enrollment along the state machine, with its event and audit row.

    `on` is the date the change takes effect: coverage start for "active", the exit date for
    "ended". `kpj` is needed for "active", `reason` for "rejected" (free text from the insurer)
    and "ended" (an ExitReason).
    """
    if to_state not in EnrollmentState.values:
        raise InvalidInput(_("Unknown state."), code="state_invalid")
    require(user, TRANSITION_ACTIONS[EnrollmentState(to_state)])
    if not can_access_regency(user, enrollment.regency_id):
        raise InvalidInput(_("This person is outside your regency."), code="outside_regency")
    with transaction.atomic():
        current = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        check_transition(current.state, to_state)
        before = {"state": current.state, "kpj": current.kpj, "end_date": current.end_date}
        fields: dict = {"state": to_state, "updated_at": timezone.now()}
        if to_state == EnrollmentState.ACTIVE:
            if not kpj or not kpj_pattern().match(kpj):
                raise InvalidInput(_("A KPJ number has 11 digits."), code="kpj_malformed")
            programme = current.programme
            if not programme.coverage_start <= on <= programme.coverage_end:
                raise InvalidInput(
                    _("The coverage start is outside the programme."),
                    code="date_outside_programme",
                )
            fields.update(kpj=kpj, start_date=on)
        elif to_state == EnrollmentState.REJECTED:
            fields.update(rejection_reason=reason[:300])
        elif to_state == EnrollmentState.ENDED:
            if reason not in ExitReason.values:
                raise InvalidInput(_("Unknown exit reason."), code="reason_invalid")
            if on > today():
                raise InvalidInput(_("The exit date is in the future."), code="date_future")
            # The exit date is the last covered day; an exit before coverage began leaves no
            # coverage period at all (never an end before the start).
            fields.update(end_reason=reason, ended_on=on, end_date=on)
            if current.start_date is None or current.start_date > on:
                fields.update(start_date=None, end_date=None)
        elif to_state == EnrollmentState.SUBMITTED:
            fields.update(start_date=on)
        elif to_state == EnrollmentState.SELECTED:
            fields.update(start_date=None, rejection_reason="")
        try:
            with transaction.atomic():
                Enrollment.objects.filter(pk=current.pk).update(**fields)
        except IntegrityError as error:
            raise InvalidInput(
                _("This would overlap another coverage period of the person, or reuse a KPJ."),
                code="coverage_overlap",
            ) from error
        EnrollmentEvent.objects.create(
            enrollment=current,
            from_state=current.state,
            to_state=to_state,
            date=on,
            actor=user,
            note=(note or reason)[:300],
        )
        current.refresh_from_db()
        notify("enrollment.exit")
        record_event(
            action=f"enrollment.{to_state}",
            target=current,
            before=before,
            after={"state": current.state, "kpj": current.kpj, "end_date": current.end_date},
            user=user,
        )
    return current


def record_exit(
    *,
    user,
    enrollment: Enrollment,
    reason: str,
    ended_on: date,
    note: str = "",
    on: date | None = None,
) -> Enrollment:
    """End one place (form) and, if the programme's policy allows, give it to the waitlist.

    A past-dated exit is allowed: `ended_on` earlier than today is what billing adjusts for.
    `on` is the day the exit is recorded (today unless given), which the cut-off is checked on.
    """
    from lindungi.enrollment.replacement import replace_freed_places

    require(user, Action.RECORD_EXIT)
    with transaction.atomic():
        ended = change_state(
            user=user,
            enrollment=enrollment,
            to_state=EnrollmentState.ENDED,
            on=ended_on,
            reason=reason,
            note=note,
        )
        if reason == ExitReason.DEATH:
            # A death reaches the registry too: never selected or billed again.
            record_deaths(
                user=user,
                deaths={ended.person_id: ended_on},
                source=DeathSource.EXIT,
                reference=note[:255],
            )
        replace_freed_places(user=user, vacated_ids=[ended.pk], on=on)
    return ended


def enroll_selected(*, run: SelectionRun, user) -> int:
    """Create a "selected" enrollment for every selected decision of an approved run.

    One INSERT..SELECT-sized bulk_create; people who already hold a place in the programme are
    skipped, so running it again creates nothing. Returns the number of enrollments created.
    """
    require(user, Action.EXCHANGE_INSURER_FILES)
    if run.status != RunStatus.APPROVED:
        raise InvalidTransition(
            _("Only an approved selection run can be enrolled."), code="run_not_approved"
        )
    with transaction.atomic():
        placed = Enrollment.objects.filter(
            programme_id=run.programme_id, person_id=OuterRef("person_id")
        )
        decisions = (
            Decision.objects.filter(run=run, outcome=Outcome.SELECTED, cohort__isnull=False)
            .exclude(Exists(placed))
            .order_by()
            .values_list("id", "person_id", "regency_id", "cohort_id")
        )
        now = timezone.now()
        created = Enrollment.objects.bulk_create(
            (
                Enrollment(
                    person_id=person_id,
                    programme_id=run.programme_id,
                    cohort_id=cohort_id,
                    regency_id=regency_id,
                    decision_id=decision_id,
                    state=EnrollmentState.SELECTED,
                    created_at=now,
                    updated_at=now,
                )
                for decision_id, person_id, regency_id, cohort_id in decisions.iterator(
                    chunk_size=5_000
                )
            ),
            batch_size=2_000,
        )
        if created:
            assign_sectors(
                Enrollment.objects.filter(
                    programme_id=run.programme_id, decision__run=run, events__isnull=True
                )
            )
            record_transitions(
                Enrollment.objects.filter(
                    programme_id=run.programme_id, decision__run=run, events__isnull=True
                ),
                to_state=EnrollmentState.SELECTED,
                created=True,
                on=today(),
                actor_id=user.pk,
                note=f"run {run.pk}",
            )
        notify("enrollment.submission")
        record_event(
            action="enrollment.selected_enrolled",
            target=run,
            summary={"created": len(created)},
            user=user,
        )
    return len(created)


def set_replacement_policy(
    *, user, programme: Programme, cutoff_date: date, mode: str
) -> ReplacementPolicy:
    require(user, Action.MANAGE_PROGRAMMES)
    if mode not in ReplacementMode.values:
        raise InvalidInput(_("Unknown replacement mode."), code="mode_invalid")
    if not programme.coverage_start <= cutoff_date <= programme.coverage_end:
        raise InvalidInput(
            _("The cut-off date must fall within the programme's coverage."),
            code="cutoff_outside_programme",
        )
    with transaction.atomic():
        existing = ReplacementPolicy.objects.filter(programme=programme).first()
        before = {"cutoff_date": existing.cutoff_date, "mode": existing.mode} if existing else {}
        policy, _created = ReplacementPolicy.objects.update_or_create(
            programme=programme, defaults={"cutoff_date": cutoff_date, "mode": mode}
        )
        record_event(
            action="enrollment.replacement_policy_set",
            target=policy,
            before=before,
            after={"cutoff_date": cutoff_date, "mode": mode},
            user=user,
        )
    return policy


def apply_lapses(
    *, programme: Programme, as_of: date, user, lapsed: Mapping[date, QuerySet]
) -> int:
    """End the active places of the programme that its payer left unpaid too long.

    `lapsed` maps the first day of each unpaid run to the ids of the enrollments lapsed since
    then (a queryset of enrollment ids, used as a subquery). Contributions builds it from its
    standing assessment and calls this function: it builds on enrollment, not the other way
    round (contributions.lapses.run_lapses).

    The exit reason is ExitReason.LAPSED and the place ends on its last paid covered day: the day
    before the oldest unpaid month; a place whose coverage began inside the unpaid run was never
    paid for and is left without a coverage period. Set-based: one event INSERT..SELECT and
    one UPDATE per distinct last paid day. Places already ended are left alone, so running it
    again ends nothing. Freed places are not offered to the waitlist: the payer is behind.
    """
    require(user, Action.MANAGE_BILLING)
    with transaction.atomic():
        ended = 0
        now = timezone.now()
        for unpaid_since, enrollment_ids in sorted(lapsed.items()):
            last_paid_day = min(unpaid_since - timedelta(days=1), as_of)
            group = Enrollment.objects.filter(
                programme=programme, state=EnrollmentState.ACTIVE, pk__in=enrollment_ids
            )
            record_transitions(
                group,
                to_state=EnrollmentState.ENDED,
                on=last_paid_day,
                actor_id=user.pk,
                note=ExitReason.LAPSED,
            )
            ended += end_places(
                group, reason=ExitReason.LAPSED, ended_on=last_paid_day, updated_at=now
            )
        notify("enrollment.exit")
        record_event(
            action="enrollment.lapses_applied",
            target=programme,
            summary={"as_of": as_of, "ended": ended},
            user=user,
        )
    return ended


def end_places(group: QuerySet, *, reason: str, ended_on: date | Subquery, updated_at) -> int:
    """End the open places of `group` on `ended_on`, set-based; returns how many ended.

    `ended_on` is one date, or a subquery giving each place its own (a person's death).

    The coverage period ends on `ended_on`; a place whose coverage had not begun by then gets
    no coverage period at all (start and end empty), never an end before its start: the
    database refuses that (enrollment_end_not_before_start). Its start stays in its events.
    """
    not_started = Q(start_date__isnull=True) | Q(start_date__gt=ended_on)
    empty = group.filter(not_started).update(
        state=EnrollmentState.ENDED,
        end_reason=reason,
        ended_on=ended_on,
        start_date=None,
        end_date=None,
        updated_at=updated_at,
    )
    return empty + group.exclude(not_started).update(
        state=EnrollmentState.ENDED,
        end_reason=reason,
        ended_on=ended_on,
        end_date=ended_on,
        updated_at=updated_at,
    )
