"""Re-verification before anyone continues, and carrying the continuing people over.

`reverify` writes the renewal's diff in one INSERT..SELECT per group (last year's people, then
the newly eligible): every person lands in exactly one of continues / leaves (with the first
reason that applies, in LeaveReason order) / newly eligible, with the values the reason was
read from. Re-running it (after a newer poverty-data edition) rebuilds the diff and keeps the
province's exceptions and the regencies' comments.

`approve_renewal` (the province, as a whole) carries the diff out: last year's places end on
31 December (the continuing ones and the leavers, each leaver with an exit reason the insurer
understands), and every continuing person gets a place in the new programme, active from
1 January with the same KPJ: no new registration, no submission batch, no gap.
"""

from datetime import date

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.contributions.models import EnrollmentStanding
from lindungi.core.changes import notify
from lindungi.core.errors import InvalidInput, InvalidTransition
from lindungi.core.permissions import Action, can_access_regency, require
from lindungi.core.sql import sqlite_cache, table
from lindungi.cycle.choices import EntryOutcome, LeaveReason, RenewalStatus
from lindungi.cycle.models import Renewal, RenewalEntry
from lindungi.enrollment.choices import EnrollmentState, ExitReason
from lindungi.enrollment.models import Enrollment, EnrollmentEvent
from lindungi.enrollment.sql import record_transitions
from lindungi.programs.lifecycle import activate_if_started
from lindungi.programs.models import ActiveInsurerParticipant, Cohort, Programme
from lindungi.registry.models import CandidateImport, Person

# The exit the insurer receives for each reason a participant leaves at the year's end.
EXIT_REASONS = {
    LeaveReason.DECEASED: ExitReason.DEATH,
    LeaveReason.WAGE_EARNER: ExitReason.WAGE_EARNER,
    LeaveReason.LAPSED: ExitReason.LAPSED,
    LeaveReason.MOVED_OUT: ExitReason.MOVED,
    LeaveReason.AGE_LIMIT: ExitReason.PROGRAMME_ENDED,
    LeaveReason.DESIL_ABOVE_LIMIT: ExitReason.PROGRAMME_ENDED,
    LeaveReason.EXCEPTION: ExitReason.PROGRAMME_ENDED,
    LeaveReason.NO_PLACE: ExitReason.PROGRAMME_ENDED,
}


def sqlite_cache_for_a_run():
    """SQLite: a million-row diff and its index pages in memory, as the selection run does."""
    return sqlite_cache(1_000_000)


def continuing_places(programme: Programme) -> QuerySet[Enrollment]:
    """Last year's places covered on its last day: the people a renewal considers."""
    return Enrollment.objects.filter(programme=programme).filter(
        Q(state=EnrollmentState.ACTIVE, end_date__isnull=True)
        | Q(
            state=EnrollmentState.ENDED,
            end_reason=ExitReason.PROGRAMME_ENDED,
            end_date__gte=programme.coverage_end,
        )
    )


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _reason_sql(new: Programme) -> tuple[str, list]:
    """CASE giving the first leave reason that applies to person p (place e, cohort c)."""
    region = "p.regency_id = %s" if new.regency_id else "p.regency_id LIKE %s"
    region_value = new.regency_id or f"{new.province_id}.%"
    start = new.coverage_start
    # Age at the new coverage start within [min, max] <=> born in this date window.
    born_after = _years_before(start, new.max_age + 1)
    born_by = _years_before(start, new.min_age)
    ops = connection.ops
    sql = f"""CASE
        WHEN p.died_on IS NOT NULL THEN '{LeaveReason.DECEASED}'
        WHEN a.is_wage_earner = %s THEN '{LeaveReason.WAGE_EARNER}'
        WHEN s.standing = 'lapsed' THEN '{LeaveReason.LAPSED}'
        WHEN NOT ({region}) OR (c.regency_id IS NOT NULL AND p.regency_id <> c.regency_id)
            THEN '{LeaveReason.MOVED_OUT}'
        WHEN p.birth_date <= %s OR p.birth_date > %s THEN '{LeaveReason.AGE_LIMIT}'
        WHEN p.desil IS NULL OR p.desil > %s THEN '{LeaveReason.DESIL_ABOVE_LIMIT}'
        ELSE '' END"""
    params = [
        True,
        region_value,
        ops.adapt_datefield_value(born_after),
        ops.adapt_datefield_value(born_by),
        new.max_desil,
    ]
    return sql, params


ENTRY_COLUMNS = (
    "renewal_id, person_id, previous_id, regency_id, computed_outcome, outcome, reason, desil,"
    " age, exception_note, comment, exception_by_id, commented_by_id"
)


def _insert_continuing(renewal: Renewal) -> None:
    """Last year's people covered on its last day (as `continuing_places`), with their reason.

    The place condition is written out rather than taken from the queryset: an IN over the
    ORM subquery made SQLite probe it per row (57 µs a row at 50,000).
    """
    old, new = renewal.from_programme, renewal.to_programme
    reason, params = _reason_sql(new)
    sql = f"""
        INSERT INTO {table(RenewalEntry)} ({ENTRY_COLUMNS})
        SELECT %s, person_id, place_id, regency_id,
            CASE WHEN reason = '' THEN %s ELSE %s END,
            CASE WHEN reason = '' THEN %s ELSE %s END,
            reason, desil, NULL, '', '', NULL, NULL
        FROM (
        SELECT e.person_id, e.id AS place_id, p.regency_id, p.desil, {reason} AS reason
        FROM {table(Enrollment)} e
        JOIN {table(Person)} p ON p.id = e.person_id
        JOIN {table(Cohort)} c ON c.id = e.cohort_id
        LEFT JOIN {table(ActiveInsurerParticipant)} a ON a.nik = p.nik AND a.is_current = %s
        LEFT JOIN {table(EnrollmentStanding)} s ON s.enrollment_id = e.id
        WHERE e.programme_id = %s
          AND ((e.state = %s AND e.end_date IS NULL)
               OR (e.state = %s AND e.end_reason = %s AND e.end_date >= %s))
        ) verified
    """  # noqa: S608 (names are ours; values are parameters)
    ops = connection.ops
    values = [renewal.pk, *[EntryOutcome.CONTINUES, EntryOutcome.LEAVES] * 2, *params, True]
    values += [
        old.pk,
        EnrollmentState.ACTIVE,
        EnrollmentState.ENDED,
        ExitReason.PROGRAMME_ENDED,
        ops.adapt_datefield_value(old.coverage_end),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)


def _limit_to_places(renewal: Renewal) -> None:
    """Where next year's cohort funds fewer places than continue, the poorest keep theirs.

    Per cohort: the continuing people ranked by desil, then person id (stable); those beyond
    the copy's headcount leave with "no place". One UPDATE per cohort (a handful).
    """
    heads = dict(
        Cohort.objects.filter(pk__in=renewal.cohort_map.values()).values_list("pk", "headcount")
    )
    entry, place = table(RenewalEntry), table(Enrollment)
    for old_id, new_id in renewal.cohort_map.items():
        sql = f"""
            UPDATE {entry} SET outcome = %s, computed_outcome = %s, reason = %s
            WHERE id IN (
                SELECT id FROM (
                    SELECT r.id, ROW_NUMBER() OVER (
                        ORDER BY COALESCE(r.desil, 99), r.person_id) AS position
                    FROM {entry} r JOIN {place} e ON e.id = r.previous_id
                    WHERE r.renewal_id = %s AND r.outcome = %s AND e.cohort_id = %s
                ) ranked WHERE position > %s
            )
        """  # noqa: S608 (names are ours; values are parameters)
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                [
                    EntryOutcome.LEAVES,
                    EntryOutcome.LEAVES,
                    LeaveReason.NO_PLACE,
                    renewal.pk,
                    EntryOutcome.CONTINUES,
                    int(old_id),
                    heads[new_id],
                ],
            )


def _insert_newly_eligible(renewal: Renewal) -> None:
    """Registry people who meet the new year's rules and were not covered last year."""
    old, new = renewal.from_programme, renewal.to_programme
    region = "p.regency_id = %s" if new.regency_id else "p.regency_id LIKE %s"
    region_value = new.regency_id or f"{new.province_id}.%"
    born_after = _years_before(new.coverage_start, new.max_age + 1)
    born_by = _years_before(new.coverage_start, new.min_age)
    ops = connection.ops
    sql = f"""
        INSERT INTO {table(RenewalEntry)} ({ENTRY_COLUMNS})
        SELECT %s, p.id, NULL, p.regency_id, %s, %s, '', p.desil, NULL, '', '', NULL, NULL
        FROM {table(Person)} p
        LEFT JOIN {table(ActiveInsurerParticipant)} a ON a.nik = p.nik AND a.is_current = %s
        WHERE {region} AND p.died_on IS NULL AND p.desil IS NOT NULL AND p.desil <= %s
          AND p.birth_date > %s AND p.birth_date <= %s AND a.nik IS NULL
          AND p.id NOT IN (SELECT x.person_id FROM {table(RenewalEntry)} x
                           WHERE x.renewal_id = %s)
          AND p.id NOT IN (SELECT o.person_id FROM {table(Enrollment)} o
                           WHERE o.programme_id = %s)
    """  # noqa: S608 (names are ours; values are parameters)
    params = [
        renewal.pk,
        EntryOutcome.NEWLY_ELIGIBLE,
        EntryOutcome.NEWLY_ELIGIBLE,
        True,
        region_value,
        new.max_desil,
        ops.adapt_datefield_value(born_after),
        ops.adapt_datefield_value(born_by),
        renewal.pk,
        old.pk,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def count_entries(renewal: Renewal) -> dict:
    counts: dict = {outcome: 0 for outcome in EntryOutcome.values}
    reasons: dict = {}
    for outcome, reason, number in (
        renewal.entries.values_list("outcome", "reason").annotate(n=Count("id")).order_by()
    ):
        counts[outcome] += number
        if reason:
            reasons[reason] = reasons.get(reason, 0) + number
    counts["reasons"] = dict(sorted(reasons.items()))
    return counts


def reverify(*, user, renewal: Renewal) -> dict:
    """Build (or rebuild) the renewal's diff from today's registry and insurer lists."""
    require(user, Action.MANAGE_PROGRAMMES)
    with sqlite_cache_for_a_run(), transaction.atomic():
        renewal = Renewal.objects.select_for_update().get(pk=renewal.pk)
        if renewal.status == RenewalStatus.APPROVED:
            raise InvalidTransition(
                _("The renewal is approved and carried over; it can no longer be re-verified."),
                code="renewal_approved",
            )
        # The few exceptions and comments survive a rebuild (they are people's judgements).
        kept = list(
            renewal.entries.exclude(exception_note="", comment="").values(
                "person_id",
                "outcome",
                "reason",
                "exception_note",
                "exception_by_id",
                "comment",
                "commented_by_id",
            )
        )
        renewal.entries.all().delete()
        _insert_continuing(renewal)
        _limit_to_places(renewal)
        _insert_newly_eligible(renewal)
        for row in kept:
            person_id = row.pop("person_id")
            if not row["exception_note"]:
                row.pop("outcome")
                row.pop("reason")
            renewal.entries.filter(person_id=person_id).update(**row)
        counts = count_entries(renewal)
        edition = (
            CandidateImport.objects.exclude(edition="")
            .order_by("-edition")
            .values_list("edition", flat=True)
            .first()
            or ""
        )
        renewal.status = RenewalStatus.VERIFIED
        renewal.verified_by = user
        renewal.verified_at = timezone.now()
        renewal.verified_edition = edition
        renewal.counts = counts
        renewal.save(
            update_fields=["status", "verified_by", "verified_at", "verified_edition", "counts"]
        )
        record_event(
            action="cycle.renewal_verified",
            target=renewal,
            summary={**counts, "edition": edition},
            user=user,
        )
    return counts


def set_exception(
    *, user, renewal: Renewal, entry: RenewalEntry, outcome: str, note: str
) -> RenewalEntry:
    """The province overrides one person's outcome, with a written reason."""
    require(user, Action.APPROVE_SELECTION)
    note = note.strip()
    if len(note) < 10:
        raise InvalidInput(
            _("Write why this person is an exception (at least 10 characters)."),
            code="note_required",
        )
    if entry.previous_id is None or outcome not in (EntryOutcome.CONTINUES, EntryOutcome.LEAVES):
        raise InvalidInput(
            _("Only last year's participants can be kept or removed by exception."),
            code="exception_invalid",
        )
    with transaction.atomic():
        renewal = Renewal.objects.select_for_update().get(pk=renewal.pk)
        if renewal.status != RenewalStatus.VERIFIED:
            raise InvalidTransition(
                _("Exceptions are made on a verified renewal before it is approved."),
                code="renewal_not_verified",
            )
        before = {"outcome": entry.outcome, "reason": entry.reason}
        reason = LeaveReason.EXCEPTION if outcome == EntryOutcome.LEAVES else ""
        RenewalEntry.objects.filter(pk=entry.pk).update(
            outcome=outcome, reason=reason, exception_note=note[:300], exception_by=user
        )
        entry.refresh_from_db()
        record_event(
            action="cycle.renewal_exception",
            target=renewal,
            before=before,
            after={"outcome": outcome, "reason": reason, "person": entry.person_id, "note": note},
            user=user,
        )
    return entry


def comment_entry(*, user, entry: RenewalEntry, comment: str) -> RenewalEntry:
    """A regency officer's comment on one of their own regency's people (the province may
    comment too; auditors and the insurer read only)."""
    require(user, Action.PROPOSE_EXCLUSION)
    if not can_access_regency(user, entry.regency_id):
        raise RenewalEntry.DoesNotExist
    comment = comment.strip()
    if not comment:
        raise InvalidInput(_("Write a comment."), code="comment_required")
    with transaction.atomic():
        RenewalEntry.objects.filter(pk=entry.pk).update(comment=comment[:500], commented_by=user)
        entry.refresh_from_db()
        record_event(
            action="cycle.renewal_commented",
            target=entry.renewal,
            summary={"person": entry.person_id, "comment": comment[:500]},
            user=user,
        )
    return entry


def check_second_person(renewal: Renewal, user) -> None:
    """Maker-checker (issue 19.3), as `programs.approval.approve_run`: the diff is approved by
    a second person, never by the one who prepared it (renewed the programme or last
    re-verified it)."""
    if user.pk in (renewal.created_by_id, renewal.verified_by_id):
        raise InvalidTransition(
            _("A renewal is approved by a second person, not by the one who prepared it."),
            code="self_approval",
        )


def approve_renewal(*, user, renewal: Renewal) -> dict:
    """The province approves the diff as a whole; the continuing people are carried over."""
    require(user, Action.APPROVE_SELECTION)
    with sqlite_cache_for_a_run(), transaction.atomic():
        renewal = Renewal.objects.select_for_update().get(pk=renewal.pk)
        if renewal.status != RenewalStatus.VERIFIED:
            raise InvalidTransition(
                _("Only a verified renewal can be approved (it is %(status)s).")
                % {"status": RenewalStatus(renewal.status).label.lower()},
                code="renewal_not_verified",
            )
        check_second_person(renewal, user)
        old, new = renewal.from_programme, renewal.to_programme
        ended = _end_last_year(renewal, user)
        carried = _carry_over(renewal, user)
        renewal.status = RenewalStatus.APPROVED
        renewal.approved_by = user
        renewal.approved_at = timezone.now()
        renewal.counts = {**count_entries(renewal), "ended": ended, "carried": carried}
        renewal.save(update_fields=["status", "approved_by", "approved_at", "counts"])
        notify("enrollment.exit")
        record_event(
            action="cycle.renewal_approved",
            target=renewal,
            summary={
                "from": old.pk,
                "to": new.pk,
                "ended": ended,
                "carried": carried,
                "prepared_by": renewal.created_by.username,
                "verified_by": renewal.verified_by.username if renewal.verified_by else None,
                "approved_by": user.username,
            },
            user=user,
        )
        activate_if_started(user=user, programme=new, covered=carried)
    return renewal.counts


def _end_last_year(renewal: Renewal, user) -> int:
    """Last year's places of the diff end on its last day; a leaver's with its exit reason.

    Only places still running are touched: a place the closing already ended keeps its end.
    The end date is the old programme's last day, so it never falls before the place's start
    and never touches the new year's place. One INSERT..SELECT records every place's event
    (note "continued" or the leave reason) and one UPDATE..FROM ends them all, the exit
    reason read from the entry: a shortening, which the overlap check skips (enrollment 0011).
    """
    old = renewal.from_programme
    last_day = connection.ops.adapt_datefield_value(old.coverage_end)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    place, entry = table(Enrollment), table(RenewalEntry)
    leaves = ", ".join("%s" for _reason in EXIT_REASONS)
    # The entries to act on: continuing ones (no reason) and leavers with a known reason.
    picked = f"""r.renewal_id = %s AND r.previous_id IS NOT NULL
        AND ((r.outcome = %s AND r.reason = '') OR (r.outcome = %s AND r.reason IN ({leaves})))
        AND {place}.programme_id = %s AND {place}.state = %s AND {place}.end_date IS NULL"""
    picked_params = [
        renewal.pk,
        EntryOutcome.CONTINUES,
        EntryOutcome.LEAVES,
        *EXIT_REASONS,
        old.pk,
        EnrollmentState.ACTIVE,
    ]
    exit_case = " ".join("WHEN %s THEN %s" for _reason in EXIT_REASONS)
    exit_params = [value for pair in EXIT_REASONS.items() for value in pair]
    events = f"""
        INSERT INTO {table(EnrollmentEvent)}
            (enrollment_id, from_state, to_state, date, actor_id, note, recorded_at)
        SELECT {place}.id, {place}.state, %s, %s, %s,
            CASE WHEN r.outcome = %s THEN 'continued' ELSE r.reason END, %s
        FROM {entry} r JOIN {place} ON {place}.id = r.previous_id
        WHERE {picked}
    """  # noqa: S608 (names are ours; values are parameters)
    update = f"""
        UPDATE {place} SET state = %s,
            end_reason = CASE WHEN r.outcome = %s THEN %s ELSE CASE r.reason {exit_case} END END,
            ended_on = %s, end_date = %s, updated_at = %s
        FROM {entry} r WHERE r.previous_id = {place}.id AND {picked}
    """  # noqa: S608 (names are ours; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(
            events,
            [
                EnrollmentState.ENDED,
                last_day,
                user.pk,
                EntryOutcome.CONTINUES,
                now,
                *picked_params,
            ],
        )
        cursor.execute(
            update,
            [
                EnrollmentState.ENDED,
                EntryOutcome.CONTINUES,
                ExitReason.PROGRAMME_ENDED,
                *exit_params,
                last_day,
                last_day,
                now,
                *picked_params,
            ],
        )
        return cursor.rowcount


def _carry_over(renewal: Renewal, user) -> int:
    """One INSERT..SELECT: a place in the new programme per continuing person, same KPJ,
    active from the new programme's first day, in the copy of last year's cohort."""
    new = renewal.to_programme
    mapping = {int(old): new_id for old, new_id in renewal.cohort_map.items()}
    if not mapping:
        return 0
    cohort_case = " ".join(f"WHEN {int(old)} THEN {int(to)}" for old, to in mapping.items())
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    sql = f"""
        INSERT INTO {table(Enrollment)} (person_id, programme_id, cohort_id, regency_id,
            decision_id, state, kpj, start_date, end_date, end_reason, ended_on,
            rejection_reason, replaces_id, created_at, updated_at, sector)
        SELECT r.person_id, %s, CASE e.cohort_id {cohort_case} END, r.regency_id,
            NULL, %s, e.kpj, %s, NULL, '', NULL, '', NULL, %s, %s, e.sector
        FROM {table(RenewalEntry)} r JOIN {table(Enrollment)} e ON e.id = r.previous_id
        WHERE r.renewal_id = %s AND r.outcome = %s AND e.kpj IS NOT NULL
          AND e.cohort_id IN ({", ".join(str(int(old)) for old in mapping)})
    """  # noqa: S608 (names and ids are ours; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                new.pk,
                EnrollmentState.ACTIVE,
                ops.adapt_datefield_value(new.coverage_start),
                now,
                now,
                renewal.pk,
                EntryOutcome.CONTINUES,
            ],
        )
        carried = cursor.rowcount
    record_transitions(
        Enrollment.objects.filter(programme=new, decision__isnull=True, events__isnull=True),
        to_state=EnrollmentState.ACTIVE,
        on=new.coverage_start,
        actor_id=user.pk,
        note=f"continued from {renewal.from_programme.name}"[:300],
        created=True,
    )
    return carried
