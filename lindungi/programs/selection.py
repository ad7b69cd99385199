"""Selection runs: eligibility, ranking and quota filling, all set-based in SQL.

One INSERT ... SELECT writes a decision for every person in the registry: the reasons they are not
eligible (a bit set, see choices.Reason), the values used (frozen), and for the eligible their rank
in their regency from ROW_NUMBER() OVER (PARTITION BY regency ORDER BY the programme's criteria,
then a stable hash of NIK and programme, then NIK). Quotas are then laid over the ranks: in each
regency the cohorts take consecutive rank ranges in cohort order, and whoever is ranked below the
last range is waitlisted. Python never loops over people.
"""

from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count

from lindungi.audit.services import record_event
from lindungi.core.errors import InvalidTransition
from lindungi.core.permissions import Action, require
from lindungi.core.progress import NULL_PROGRESS, Progress
from lindungi.programs.choices import Criterion, Outcome, Reason, RunStatus
from lindungi.programs.models import Decision, Programme, RunQuota, SelectionRun
from lindungi.programs.quotas import plan_quotas

# The tie-break hash: a few rounds of multiply-and-reduce modulo the prime 2^31 - 1. Every
# intermediate stays below 2^63, so SQLite and PostgreSQL compute the same integers.
HASH_PRIME = 2_147_483_647
POVERTY_ORDER = ("extreme_poor", "poor", "near_poor", "vulnerable", "not_poor")


def tie_break(nik: str, seed: int) -> int:
    """The same number the SQL computes for this NIK and programme (for tests and explanations)."""
    high, low = int(nik[:8]), int(nik[8:16])
    x = (high * 48_271 + low * 69_621 + seed * 40_692) % HASH_PRIME
    y = (x * x + seed) % HASH_PRIME
    return (y * 1_103_515_245 + x) % HASH_PRIME


def _age_sql() -> str:
    """Completed years between p.birth_date and the coverage start (parameter %(start)s)."""
    if connection.vendor == "postgresql":
        return "CAST(date_part('year', age(CAST(%(start)s AS date), p.birth_date)) AS integer)"
    return (
        "(CAST(strftime('%%Y', %(start)s) AS INTEGER) - CAST(strftime('%%Y', p.birth_date)"
        " AS INTEGER) - (strftime('%%m-%%d', p.birth_date) > strftime('%%m-%%d', %(start)s)))"
    )


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
    }
    parts = [
        terms[Criterion(item)]
        for item in criteria
        if with_household or item != Criterion.HOUSEHOLD_FIRST
    ]
    return ", ".join([*parts, "tie_break ASC", "nik ASC"])


def _insert_decisions(run: SelectionRun, programme: Programme) -> None:
    criteria = programme.criteria
    overlapping = """
        SELECT d.person_id, d.kk_number FROM programs_decision d
        JOIN programs_selectionrun r ON r.id = d.run_id
        JOIN programs_programme g ON g.id = r.programme_id
        WHERE r.status = %(approved)s AND d.outcome = %(selected)s AND g.id <> %(programme)s
          AND g.coverage_start <= %(end)s AND g.coverage_end >= %(start)s
    """
    region = "p.regency_id = %(region)s" if programme.regency_id else "p.regency_id LIKE %(region)s"
    # Only constants and code-built fragments are interpolated; every value is a parameter.
    sql = f"""
        INSERT INTO programs_decision (run_id, person_id, nik, kk_number, regency_id, desil,
            poverty_label, birth_date, age, reasons, household_first, tie_break, rank, outcome,
            cohort_id)
        WITH covered AS ({overlapping}),
        base AS (
            SELECT p.id AS person_id, p.nik, p.kk_number, p.regency_id, p.desil, p.poverty_label,
                p.birth_date, {_age_sql()} AS age, p.died_on,
                (CASE WHEN {region} THEN 0 ELSE {Reason.OUTSIDE_REGION} END
                 + CASE WHEN p.desil IS NULL THEN {Reason.DESIL_UNKNOWN}
                        WHEN p.desil > %(max_desil)s THEN {Reason.DESIL_ABOVE_LIMIT} ELSE 0 END
                 + CASE WHEN p.died_on IS NOT NULL THEN {Reason.DECEASED} ELSE 0 END
                 + CASE WHEN %(check_active)s AND a.is_wage_earner = %(false)s
                        THEN {Reason.ALREADY_ACTIVE} ELSE 0 END
                 + CASE WHEN %(check_wage)s AND a.is_wage_earner = %(true)s
                        THEN {Reason.WAGE_EARNER} ELSE 0 END
                 + CASE WHEN %(check_other)s AND cp.person_id IS NOT NULL
                        THEN {Reason.IN_OTHER_PROGRAMME} ELSE 0 END
                ) AS reasons_without_age,
                CASE WHEN ck.kk_number IS NULL THEN 1 ELSE 0 END AS household_free,
                (CAST(substr(p.nik, 1, 8) AS BIGINT) * 48271
                 + CAST(substr(p.nik, 9, 8) AS BIGINT) * 69621
                 + %(seed)s * 40692) %% {HASH_PRIME} AS hash_x
            FROM registry_person p
            LEFT JOIN programs_activeinsurerparticipant a ON a.nik = p.nik
            LEFT JOIN (SELECT DISTINCT person_id FROM covered) cp ON cp.person_id = p.id
            LEFT JOIN (SELECT DISTINCT kk_number FROM covered) ck ON ck.kk_number = p.kk_number
        ),
        reasoned AS (
            SELECT base.*,
                reasons_without_age
                + CASE WHEN age < %(min_age)s OR age > %(max_age)s
                       THEN {Reason.AGE_OUT_OF_RANGE} ELSE 0 END AS reasons,
                ((((hash_x * hash_x + %(seed)s) %% {HASH_PRIME}) * 1103515245 + hash_x)
                 %% {HASH_PRIME}) AS tie_break
            FROM base
        ),
        household AS (
            SELECT reasoned.*,
                (household_free = 1 AND ROW_NUMBER() OVER (
                    PARTITION BY kk_number ORDER BY {_order_sql(criteria, with_household=False)}
                ) = 1) AS household_first
            FROM reasoned WHERE reasons = 0
        )
        -- Window functions run over the eligible only; the ineligible need no rank.
        SELECT %(run)s, person_id, nik, kk_number, regency_id, desil, poverty_label, birth_date,
            age, reasons, household_first, tie_break,
            ROW_NUMBER() OVER (
                PARTITION BY regency_id ORDER BY {_order_sql(criteria, with_household=True)}),
            %(waitlisted)s, CAST(NULL AS BIGINT)
        FROM household
        UNION ALL
        SELECT %(run)s, person_id, nik, kk_number, regency_id, desil, poverty_label, birth_date,
            age, reasons, household_free = 1, tie_break, NULL, %(ineligible)s, CAST(NULL AS BIGINT)
        FROM reasoned WHERE reasons <> 0
    """  # noqa: S608
    params = {
        "run": run.pk,
        "programme": programme.pk,
        "seed": programme.pk,
        "start": programme.coverage_start,
        "end": programme.coverage_end,
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
        "waitlisted": Outcome.WAITLISTED,
        "ineligible": Outcome.INELIGIBLE,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _fill_quotas(run: SelectionRun, programme: Programme) -> list[RunQuota]:
    eligible = dict(
        Decision.objects.filter(run=run, reasons=0)
        .values("regency_id")
        .annotate(count=Count("id"))
        .values_list("regency_id", "count")
    )
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
    for quota in quotas:
        if quota.filled:
            Decision.objects.filter(
                run=run,
                regency_id=quota.regency_id,
                rank__gt=quota.rank_from,
                rank__lte=quota.rank_to,
            ).update(outcome=Outcome.SELECTED, cohort=quota.cohort)
            quota.last_desil = (
                Decision.objects.filter(
                    run=run, regency_id=quota.regency_id, rank=quota.rank_from + quota.filled
                )
                .values_list("desil", flat=True)
                .first()
            )
    return RunQuota.objects.bulk_create(quotas)


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


def _summary(run: SelectionRun, programme: Programme, *, dry_run: bool) -> RunSummary:
    counts = dict(
        Decision.objects.filter(run=run)
        .values("outcome")
        .annotate(count=Count("id"))
        .values_list("outcome", "count")
    )
    by_mask = (
        Decision.objects.filter(run=run, reasons__gt=0)
        .values("reasons")
        .annotate(count=Count("id"))
        .values_list("reasons", "count")
    )
    by_reason = {reason.name.lower(): 0 for reason in Reason}
    for mask, count in by_mask:
        for reason in Reason:
            if mask & reason.value:
                by_reason[reason.name.lower()] += count
    return RunSummary(
        run_id=None if dry_run else run.pk,
        candidates=sum(counts.values()),
        eligible=sum(counts.values()) - counts.get(Outcome.INELIGIBLE, 0),
        selected=counts.get(Outcome.SELECTED, 0),
        waitlisted=counts.get(Outcome.WAITLISTED, 0),
        target=programme.target_headcount,
        ineligible_by_reason=by_reason,
        dry_run=dry_run,
    )


def run_selection(
    *, user, programme: Programme, dry_run: bool = False, progress: Progress = NULL_PROGRESS
) -> RunSummary:
    """Make a new draft selection run (superseding earlier drafts), or only count with dry_run."""
    require(user, Action.RUN_SELECTION)
    progress.start(4, "selection")
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        if programme.runs.filter(status=RunStatus.APPROVED).exists():
            raise InvalidTransition(
                "This programme already has an approved selection; it is frozen.",
                code="selection_already_approved",
            )
        if not programme.cohorts.exists():
            raise InvalidTransition(
                "The programme has no cohort to fill.", code="programme_without_cohort"
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
        progress.advance()
        _insert_decisions(run, programme)
        progress.advance()
        _fill_quotas(run, programme)
        progress.advance()
        summary = _summary(run, programme, dry_run=dry_run)
        run.candidates, run.eligible, run.selected = (
            summary.candidates,
            summary.eligible,
            summary.selected,
        )
        run.save(update_fields=["candidates", "eligible", "selected"])
        if dry_run:
            transaction.set_rollback(True)
        else:
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
