"""Selection runs: eligibility, ranking and quota filling, all set-based in SQL.

A run takes four statements over the registry, none of them a loop over people:

1. Stage: one scan of the registry writes every person, the reasons they are not eligible (a
   bit set, see choices.Reason) and the values ranking needs into a temporary table, in person
   order. Staging once means the registry joins, the age and the tie-break hash are computed
   once, and the statements below read a narrow table that needs no locks.
2. Count the staged rows by regency and reason mask: the summary, and the eligible counts the
   quotas are planned from (quotas.plan_quotas). The run's quotas are stored before any decision.
3. Rank the eligible into a second temporary table: ROW_NUMBER() OVER (PARTITION BY regency
   ORDER BY the programme's criteria, then a stable hash of NIK and programme, then NIK),
   joined to the stored quotas: in each regency the cohorts take consecutive rank ranges in
   cohort order, so the join decides selected (with its cohort) or waitlisted.
4. Write every decision in one INSERT: the stage left-joined to the ranks, in person order, so
   the person-first unique index and the primary key only ever append.

Why not the decisions of the ineligible and of the eligible in two INSERTs (the previous
version): the second one put its rows between the first one's in the (person, run) index and
split nearly every page the first had filled. Why not rank inside the INSERT: the rows then
left the window sorts in rank order and had to be sorted back by person. See README.md, "Speed".
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.core.changes import notify
from lindungi.core.errors import InvalidTransition
from lindungi.core.permissions import Action, require
from lindungi.core.progress import NULL_PROGRESS, Progress
from lindungi.core.sql import (
    analyze,
    bytes_collation,
    fetch,
    is_postgres,
    sqlite_cache,
    table,
)
from lindungi.programs.above import enrollment_table
from lindungi.programs.choices import (
    Criterion,
    Outcome,
    PendingDuplicates,
    Reason,
    RunStatus,
)
from lindungi.programs.lifecycle import check_editable
from lindungi.programs.models import (
    ActiveInsurerParticipant,
    Decision,
    Programme,
    RunQuota,
    SelectionRun,
)
from lindungi.programs.quotas import plan_quotas
from lindungi.registry.choices import DuplicateStatus
from lindungi.registry.models import DuplicateCandidate, Person

# The tie-break hash: a few rounds of multiply-and-reduce modulo the prime 2^31 - 1. Every
# intermediate stays below 2^63, so SQLite and PostgreSQL compute the same integers.
HASH_PRIME = 2_147_483_647
POVERTY_ORDER = ("extreme_poor", "poor", "near_poor", "vulnerable", "not_poor")
# A temporary table lives in the connection that made it, so concurrent runs never meet.
STAGE = "programs_selection_stage"
# No household holds this many places: the ranking's limit when the programme sets none.
NO_HOUSEHOLD_LIMIT = 2**31 - 1
RANKED = "programs_selection_ranked"
DECISION_COLUMNS = (
    "run_id, person_id, nik, kk_number, regency_id, desil, poverty_label, birth_date, age,"
    " reasons, household_first, tie_break, rank, outcome, cohort_id, continued"
)
# SQLite: keep the run's pages (~400 MB at a million candidates) in memory instead of spilling
# them to the WAL halfway and reading them back for every index insertion.
SQLITE_RUN_CACHE_KIB = 1_000_000
# PostgreSQL: let the two window sorts of ~300,000 rows run in memory, not in temp files.
POSTGRES_RUN_WORK_MEM = "256MB"


def tie_break(nik: str, seed: int) -> int:
    """The same number the SQL computes for this NIK and programme (for tests and explanations)."""
    high, low = int(nik[:8]), int(nik[8:16])
    x = (high * 48_271 + low * 69_621 + seed * 40_692) % HASH_PRIME
    y = (x * x + seed) % HASH_PRIME
    return (y * 1_103_515_245 + x) % HASH_PRIME


def _age_sql() -> str:
    """Completed years at the coverage start: years apart, less one before the birthday.

    Built from the year and month-day of p.birth_date instead of date functions (strftime,
    age()), which cost more than the rest of the row at a million rows; both databases compute
    the same number. Parameters: %(start_year)s, %(start_month_day)s ('07-18') and
    %(start_month_day_number)s (718).
    """
    if is_postgres():
        return (
            "(%(start_year)s - CAST(date_part('year', p.birth_date) AS integer)"
            " - CASE WHEN date_part('month', p.birth_date) * 100"
            " + date_part('day', p.birth_date) > %(start_month_day_number)s THEN 1 ELSE 0 END)"
        )
    # SQLite stores a date as 'YYYY-MM-DD' text.
    return (
        "(%(start_year)s - CAST(substr(p.birth_date, 1, 4) AS INTEGER)"
        " - (substr(p.birth_date, 6, 5) > %(start_month_day)s))"
    )


def _person_order_fence() -> str:
    """PostgreSQL: stage in person order, each row's age and hash computed once.

    OFFSET 0 keeps the planner from folding `base` into the outer SELECT, which computed the
    age three times and the hash three times per row. SQLite keeps its plan (rowid order).
    """
    return "ORDER BY p.id OFFSET 0" if is_postgres() else ""


def _order_sql(criteria: list[str], *, with_household: bool) -> str:
    label_rank = " ".join(
        f"WHEN '{label}' THEN {position}" for position, label in enumerate(POVERTY_ORDER, 1)
    )
    terms = {
        Criterion.DESIL: "desil ASC",
        Criterion.POVERTY_LABEL: f"CASE poverty_label {label_rank} ELSE 9 END ASC",
        Criterion.HOUSEHOLD_FIRST: "household_first DESC",
        Criterion.OLDER_FIRST: "birth_date ASC",
        Criterion.YOUNGER_FIRST: "birth_date DESC",
        Criterion.CONTINUED: "continued DESC",
    }
    parts = [
        terms[Criterion(item)]
        for item in criteria
        if with_household or item != Criterion.HOUSEHOLD_FIRST
    ]
    return ", ".join([*parts, "tie_break ASC", f"nik{bytes_collation()} ASC"])


PERSON = table(Person)
DECISION = table(Decision)
RUN = table(SelectionRun)
PROGRAMME = table(Programme)
RUN_QUOTA = table(RunQuota)
ACTIVE_PARTICIPANT = table(ActiveInsurerParticipant)


def _stage_candidates(programme: Programme) -> None:
    """Every registry person with their reasons, age, household flag and tie-break, staged."""
    overlapping = f"""
        SELECT d.person_id, d.kk_number FROM {DECISION} d
        JOIN {RUN} r ON r.id = d.run_id
        JOIN {PROGRAMME} g ON g.id = r.programme_id
        WHERE r.status = %(approved)s AND d.outcome = %(selected)s AND g.id <> %(programme)s
          -- Always true of the selected; lets the partial rank index find them.
          AND d.rank IS NOT NULL
          AND g.coverage_start <= %(end)s AND g.coverage_end >= %(start)s
    """  # noqa: S608
    region = "p.regency_id = %(region)s" if programme.regency_id else "p.regency_id LIKE %(region)s"
    # Only constants and code-built fragments are interpolated; every value is a parameter.
    sql = f"""
        CREATE TEMPORARY TABLE {STAGE} AS
        WITH covered AS ({overlapping}),
        base AS (
            SELECT p.id AS person_id, p.nik, p.kk_number, p.regency_id, p.desil,
                p.poverty_label, p.birth_date, {_age_sql()} AS age,
                (CASE WHEN {region} THEN 0 ELSE {Reason.OUTSIDE_REGION} END
                 + CASE WHEN p.desil IS NULL THEN {Reason.DESIL_UNKNOWN}
                        WHEN p.desil > %(max_desil)s THEN {Reason.DESIL_ABOVE_LIMIT} ELSE 0 END
                 + CASE WHEN p.died_on IS NOT NULL THEN {Reason.DECEASED} ELSE 0 END
                 + CASE WHEN %(check_active)s AND a.is_wage_earner = %(false)s
                        AND ce.person_id IS NULL
                        THEN {Reason.ALREADY_ACTIVE} ELSE 0 END
                 + CASE WHEN %(check_wage)s AND a.is_wage_earner = %(true)s
                        THEN {Reason.WAGE_EARNER} ELSE 0 END
                 + CASE WHEN %(check_other)s AND cp.person_id IS NOT NULL
                        THEN {Reason.IN_OTHER_PROGRAMME} ELSE 0 END
                 + CASE WHEN dup.level = 2 THEN {Reason.DUPLICATE_CONFIRMED}
                        WHEN dup.level = 1 AND %(hold_pending)s
                        THEN {Reason.DUPLICATE_PENDING} ELSE 0 END
                ) AS reasons_without_age,
                CASE WHEN ck.kk_number IS NULL THEN 1 ELSE 0 END AS household_free,
                CASE WHEN ce.person_id IS NULL THEN 0 ELSE 1 END AS continued,
                (CAST(substr(p.nik, 1, 8) AS BIGINT) * 48271
                 + CAST(substr(p.nik, 9, 8) AS BIGINT) * 69621
                 + %(seed)s * 40692) %% {HASH_PRIME} AS hash_x
            FROM {PERSON} p
            LEFT JOIN {ACTIVE_PARTICIPANT} a ON a.nik = p.nik AND a.is_current = %(true)s
            LEFT JOIN (SELECT DISTINCT person_id FROM covered) cp ON cp.person_id = p.id
            LEFT JOIN (SELECT DISTINCT kk_number FROM covered) ck ON ck.kk_number = p.kk_number
            LEFT JOIN ({_SECOND_OF_A_PAIR}) dup ON dup.person_id = p.id
            -- Carried over from last year (renewal): already covered in this programme, so
            -- the insurer's list of active participants does not make them ineligible.
            LEFT JOIN (SELECT DISTINCT person_id FROM {enrollment_table()}
                       WHERE programme_id = %(programme)s AND state = 'active'
                         AND decision_id IS NULL) ce ON ce.person_id = p.id
            {_person_order_fence()}
        )
        SELECT person_id, nik, kk_number, regency_id, desil, poverty_label, birth_date, age,
            reasons_without_age
            + CASE WHEN age < %(min_age)s OR age > %(max_age)s
                   THEN {Reason.AGE_OUT_OF_RANGE} ELSE 0 END AS reasons,
            household_free, continued,
            ((((hash_x * hash_x + %(seed)s) %% {HASH_PRIME}) * 1103515245 + hash_x)
             %% {HASH_PRIME}) AS tie_break
        FROM base
    """  # noqa: S608
    fetch(f"DROP TABLE IF EXISTS {STAGE}")
    fetch(
        sql,
        {
            "programme": programme.pk,
            "seed": programme.pk,
            "start": programme.coverage_start,
            "end": programme.coverage_end,
            "start_year": programme.coverage_start.year,
            "start_month_day": programme.coverage_start.strftime("%m-%d"),
            "start_month_day_number": programme.coverage_start.month * 100
            + programme.coverage_start.day,
            "region": programme.regency_id or f"{programme.province_id}.%",
            "max_desil": programme.max_desil,
            "min_age": programme.min_age,
            "max_age": programme.max_age,
            "check_active": programme.exclude_active_participants,
            "check_wage": programme.exclude_wage_earners,
            "check_other": programme.exclude_other_programmes,
            "true": True,
            "false": False,
            "approved": RunStatus.APPROVED,
            "selected": Outcome.SELECTED,
            "hold_pending": programme.pending_duplicates == PendingDuplicates.HOLD,
            "open": DuplicateStatus.OPEN,
            "confirmed": DuplicateStatus.CONFIRMED,
        },
    )


# The second person of each likely-duplicate pair still open (level 1) or confirmed (level 2):
# the first keeps their chance, the second is held out (or excluded) with the reason. A pair
# is stored once with first_person_id < second_person_id, so "second" is stable.
# A resolved pair (registry.services.resolve_duplicate) holds out the person NOT kept, which
# may be the first: the rare pairs that kept the second add their first person. (A CASE in the
# GROUP BY instead cost SQLite its automatic index on the join: +1.2 s at 50,000 candidates.)
_DUPLICATES = table(DuplicateCandidate)
_SECOND_OF_A_PAIR = f"""
    SELECT person_id, MAX(level) AS level FROM (
        SELECT second_person_id AS person_id,
            CASE WHEN status = %(confirmed)s THEN 2 ELSE 1 END AS level
        FROM {_DUPLICATES}
        WHERE status IN (%(open)s, %(confirmed)s)
          AND (kept_person_id IS NULL OR kept_person_id <> second_person_id)
        UNION ALL
        SELECT first_person_id, 2 FROM {_DUPLICATES}
        WHERE status = %(confirmed)s AND kept_person_id = second_person_id
    ) pairs
    GROUP BY person_id
"""  # noqa: S608 (a table name from the model)


def _count_staged() -> dict[tuple[str, int], int]:
    """Staged people by (regency, reason mask); mask 0 are the eligible. The eligible the
    ranking found beyond their household's limit count as Reason.HOUSEHOLD_LIMIT."""
    rows = fetch(
        f"SELECT regency_id, reasons, COUNT(*) FROM {STAGE} GROUP BY regency_id, reasons"  # noqa: S608
    )
    counts = {(regency, reasons): count for regency, reasons, count in rows}
    over = fetch(
        f"SELECT regency_id, COUNT(*) FROM {RANKED} WHERE rank IS NULL GROUP BY regency_id"  # noqa: S608
    )
    for regency, count in over:
        counts[(regency, 0)] -= count
        if not counts[(regency, 0)]:
            del counts[(regency, 0)]
        key = (regency, int(Reason.HOUSEHOLD_LIMIT))
        counts[key] = counts.get(key, 0) + count
    return counts


def _store_quotas(
    run: SelectionRun, programme: Programme, eligible: dict[str, int]
) -> list[RunQuota]:
    """The run's quotas as consecutive rank ranges per regency, in cohort order."""
    taken: dict[str, int] = {}
    quotas = []
    for plan in plan_quotas(programme=programme, eligible=eligible):
        start = taken.get(plan.regency_code, 0)
        taken[plan.regency_code] = start + plan.quota
        available = max(eligible.get(plan.regency_code, 0) - start, 0)
        quotas.append(
            RunQuota(
                run=run,
                cohort=plan.cohort,
                regency_id=plan.regency_code,
                initial_quota=plan.initial_quota,
                quota=plan.quota,
                rank_from=start,
                rank_to=start + plan.quota,
                eligible=available,
                filled=min(plan.quota, available),
                note=plan.note,
            )
        )
    return RunQuota.objects.bulk_create(quotas)


def _rank_eligible(criteria: list[str], household_limit: int | None) -> None:
    """Rank the eligible of each regency, staged, with the household rule in the same pass.

    One window over each family card (KK), in the programme's own order, gives every eligible
    person their place in the household: place 1 of a household not already covered is
    `household_first`; a place beyond `household_limit` is the household limit
    (Reason.HOUSEHOLD_LIMIT: no rank, never selected, the "why" says so). Issue 19 measured
    the separate UPDATE of the stage this replaces at +20-31 s on PostgreSQL at a million
    candidates. Outcome and cohort are joined from the quotas when the decisions are written
    (the quotas need the counts, which need the limit). Sort keys compare as bytes (COLLATE
    "C" on PostgreSQL, SQLite's own default), the NIK and KK number being digits: the same
    order as any collation, without the locale's cost.
    """
    fetch(f"DROP TABLE IF EXISTS {RANKED}")
    fetch(
        f"""
        CREATE TEMPORARY TABLE {RANKED} AS
        WITH household AS (
            SELECT s.person_id, s.regency_id, s.nik, s.desil, s.poverty_label, s.birth_date,
                s.tie_break, s.continued, s.household_free, ROW_NUMBER() OVER (
                    PARTITION BY s.kk_number{bytes_collation()}
                    ORDER BY {_order_sql(criteria, with_household=False)}
                ) AS place
            FROM {STAGE} s WHERE s.reasons = 0
        ),
        flagged AS (
            SELECT person_id, regency_id, nik, desil, poverty_label, birth_date, tie_break,
                continued, (household_free = 1 AND place = 1) AS household_first,
                CASE WHEN place > %(limit)s THEN 1 ELSE 0 END AS over_limit
            FROM household
        )
        SELECT f.person_id, f.regency_id, f.household_first,
            CASE WHEN f.over_limit = 1 THEN NULL ELSE ROW_NUMBER() OVER (
                PARTITION BY f.regency_id{bytes_collation()}, f.over_limit
                ORDER BY {_order_sql(criteria, with_household=True)}
            ) END AS rank
        FROM flagged f
        """,  # noqa: S608
        {"limit": household_limit or NO_HOUSEHOLD_LIMIT},
    )
    _analyze(RANKED)


def _analyze(table_name: str) -> None:
    """Statistics for a new temporary table, which PostgreSQL does not gather by itself.

    Without them it took the ranked table's person ids for duplicates and merge-joined the
    million staged rows after sorting both sides; knowing they are unique, it hashes the ranked
    rows and streams the stage through in its own order. The stage itself needs none (0.14 s).
    """
    analyze(table_name)


def _insert_decisions(run: SelectionRun) -> None:
    """Every staged person's decision in one INSERT, in person order.

    One statement in person order means every index the rows enter in person order (the unique
    (person, run) and the primary key) only appends; two INSERTs (the ineligible, then the
    eligible) made the second one split the pages the first had filled. The stage was written in
    person order and a hash join keeps its outer side's order, so no sort of a million rows is
    needed (were the order lost, the rows would still be right, only slower to index).
    """
    fetch(
        f"""
        INSERT INTO {DECISION} ({DECISION_COLUMNS})
        SELECT %(run)s, s.person_id, s.nik, s.kk_number, s.regency_id, s.desil,
            s.poverty_label, s.birth_date, s.age,
            s.reasons + CASE WHEN r.person_id IS NOT NULL AND r.rank IS NULL
                             THEN {Reason.HOUSEHOLD_LIMIT} ELSE 0 END,
            CASE WHEN r.person_id IS NULL THEN s.household_free = 1 ELSE r.household_first END,
            s.tie_break, r.rank,
            CASE WHEN r.rank IS NULL THEN %(ineligible)s
                 WHEN q.cohort_id IS NULL THEN %(waitlisted)s ELSE %(selected)s END,
            q.cohort_id, s.continued = 1
        FROM {STAGE} s LEFT JOIN {RANKED} r ON r.person_id = s.person_id
        LEFT JOIN {RUN_QUOTA} q ON q.run_id = %(run)s AND q.regency_id = r.regency_id
            AND r.rank > q.rank_from AND r.rank <= q.rank_to
        """,  # noqa: S608
        {
            "run": run.pk,
            "ineligible": Outcome.INELIGIBLE,
            "selected": Outcome.SELECTED,
            "waitlisted": Outcome.WAITLISTED,
        },
    )
    # Where each quota was filled: the desil of its last selected rank (one indexed probe each).
    fetch(
        f"""
        UPDATE {RUN_QUOTA} SET last_desil = (
            SELECT d.desil FROM {DECISION} d
            WHERE d.run_id = {RUN_QUOTA}.run_id
              AND d.regency_id = {RUN_QUOTA}.regency_id
              AND d.rank = {RUN_QUOTA}.rank_from + {RUN_QUOTA}.filled
        )
        WHERE run_id = %(run)s AND filled > 0
        """,  # noqa: S608
        {"run": run.pk},
    )


@dataclass(frozen=True)
class RunSummary:
    run_id: int | None
    candidates: int
    eligible: int
    selected: int
    waitlisted: int
    target: int
    ineligible_by_reason: dict[str, int]
    dry_run: bool


def _summary(
    run: SelectionRun,
    programme: Programme,
    counts: dict[tuple[str, int], int],
    quotas: list[RunQuota],
    *,
    dry_run: bool,
) -> RunSummary:
    by_reason = {reason.name.lower(): 0 for reason in Reason}
    for (_regency, mask), count in counts.items():
        for reason in Reason:
            if mask & reason.value:
                by_reason[reason.name.lower()] += count
    eligible = sum(count for (_regency, mask), count in counts.items() if mask == 0)
    selected = sum(quota.filled for quota in quotas)
    return RunSummary(
        run_id=None if dry_run else run.pk,
        candidates=sum(counts.values()),
        eligible=eligible,
        selected=selected,
        waitlisted=eligible - selected,
        target=programme.target_headcount,
        ineligible_by_reason=by_reason,
        dry_run=dry_run,
    )


def run_selection(
    *, user, programme: Programme, dry_run: bool = False, progress: Progress = NULL_PROGRESS
) -> RunSummary:
    """Make a new draft selection run (superseding earlier drafts), or only count with dry_run."""
    require(user, Action.RUN_SELECTION)
    progress.start(5, _("Selection"))
    with sqlite_cache(SQLITE_RUN_CACHE_KIB), transaction.atomic():
        if is_postgres():
            # Ends with the transaction (the caller's, if it holds one).
            fetch(f"SET LOCAL work_mem = '{POSTGRES_RUN_WORK_MEM}'")
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        check_editable(programme, "selection")
        if programme.runs.filter(status=RunStatus.APPROVED).exists():
            raise InvalidTransition(
                _("This programme already has an approved selection; it is frozen."),
                code="selection_already_approved",
            )
        if not programme.cohorts.exists():
            raise InvalidTransition(
                _("The programme has no cohort to fill."), code="programme_without_cohort"
            )
        superseded = list(
            programme.runs.filter(status=RunStatus.DRAFT).values_list("pk", flat=True)
        )
        programme.runs.filter(pk__in=superseded).update(status=RunStatus.SUPERSEDED)
        run = SelectionRun.objects.create(
            programme=programme,
            created_by=user,
            parameters={
                "criteria": programme.criteria,
                "min_age": programme.min_age,
                "max_age": programme.max_age,
                "max_desil": programme.max_desil,
                "exclude_active_participants": programme.exclude_active_participants,
                "exclude_wage_earners": programme.exclude_wage_earners,
                "exclude_other_programmes": programme.exclude_other_programmes,
                "quota_method": programme.quota_method,
                "redistribute_surplus": programme.redistribute_surplus,
                "tie_break_seed": programme.pk,
            },
        )
        _stage_candidates(programme)
        progress.advance()
        _rank_eligible(programme.criteria, programme.max_per_household)
        counts = _count_staged()
        eligible = {regency: count for (regency, mask), count in counts.items() if not mask}
        quotas = _store_quotas(run, programme, eligible)
        progress.advance(2)
        _insert_decisions(run)
        # On failure the rollback drops the staged tables with everything else.
        fetch(f"DROP TABLE {RANKED}")
        fetch(f"DROP TABLE {STAGE}")
        progress.advance()
        summary = _summary(run, programme, counts, quotas, dry_run=dry_run)
        run.candidates, run.eligible, run.selected = (
            summary.candidates,
            summary.eligible,
            summary.selected,
        )
        run.save(update_fields=["candidates", "eligible", "selected"])
        if dry_run:
            transaction.set_rollback(True)
        else:
            notify("programs.selection")
            record_event(
                action="programs.selection_run",
                target=run,
                summary={
                    "candidates": summary.candidates,
                    "eligible": summary.eligible,
                    "selected": summary.selected,
                    "waitlisted": summary.waitlisted,
                    "superseded_runs": superseded,
                },
                user=user,
            )
        progress.advance()
    progress.finish()
    return summary
