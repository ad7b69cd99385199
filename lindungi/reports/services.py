"""Rebuilding the dashboard summary tables (the only writes of the reports app).

Other apps do not call these functions directly: after a change they call
`schedule_refresh(kind, regency=...)` (see README), which enqueues `refresh_summaries_task` once
their transaction commits; the task runs `refresh_after(kind, regency=...)`, which rebuilds only
the tables that kind of change can move. `refresh_summaries()` rebuilds everything (the
dashboard's button, the demo, a command).

Each table is rebuilt in SQL: the people summary by one `INSERT ... SELECT ... GROUP BY` over
the registry (one regency's rows only, when an import was limited to one regency), the funnel
and the monthly headcount from grouped queries that return a few hundred rows. The result is a
few thousand rows; page views never touch the people tables for figures.
"""

import logging
import time
from dataclasses import dataclass
from datetime import date
from functools import partial

from django.db import connection, transaction
from django.db.models import Case, CharField, Count, Q, Sum, Value, When
from django.db.models.functions import Trim
from django.utils import timezone

from lindungi.audit.services import record_event
from lindungi.core.ages import AGE_BANDS, AgeBand, band_limits
from lindungi.core.dates import local_today
from lindungi.core.progress import NULL_PROGRESS, Progress
from lindungi.programs.choices import Outcome
from lindungi.programs.models import Decision, Programme, RunQuota
from lindungi.programs.selectors import current_run
from lindungi.registry.models import Person
from lindungi.reports import coverage
from lindungi.reports.choices import REFRESH_PARTS, SummaryPart
from lindungi.reports.models import (
    MonthlyHeadcount,
    PeopleSummary,
    ProgrammeRegencySummary,
    SummaryState,
)

logger = logging.getLogger(__name__)


def age_band_expression(as_of: date) -> Case:
    """The age band of `birth_date` on `as_of`, as an ORM expression (for ad-hoc queries)."""
    whens = [
        When(birth_date__gt=after, birth_date__lte=until, then=Value(band))
        for band, after, until in band_limits(as_of)
    ]
    return Case(*whens, default=Value(AgeBand.OTHER.value), output_field=CharField())


def _people_rows(as_of: date) -> list[PeopleSummary]:
    """The people summary built through the ORM into Python objects.

    Not used by the refresh (which inserts in SQL); kept as the benchmark's baseline and for
    fixtures that build summaries without an audit event.
    """
    rows = (
        Person.objects.annotate(
            age_band=age_band_expression(as_of), occupation_clean=Trim("occupation")
        )
        .values("regency_id", "sex", "age_band", "desil", "occupation_clean")
        .annotate(
            alive=Count("id", filter=Q(died_on__isnull=True)),
            dead=Count("id", filter=Q(died_on__isnull=False)),
        )
        .order_by()
    )
    return [
        PeopleSummary(
            regency_id=row["regency_id"],
            sex=row["sex"],
            age_band=row["age_band"],
            desil=row["desil"],
            occupation=row["occupation_clean"] or "",
            deceased=deceased,
            people=people,
        )
        for row in rows
        for deceased, people in ((False, row["alive"]), (True, row["dead"]))
        if people
    ]


def _rebuild_people(as_of: date, regency: str | None = None) -> int:
    """Replace the people summary (of one regency, or all) with one INSERT ... SELECT.

    The rows never pass through Python: at a million people the GROUP BY is the whole cost.
    """
    quote = connection.ops.quote_name
    summary = quote(PeopleSummary._meta.db_table)
    person = quote(Person._meta.db_table)
    whens = " ".join("WHEN birth_date > %s AND birth_date <= %s THEN %s" for _limits in AGE_BANDS)
    params: list = []
    for band, after, until in band_limits(as_of):
        params += [after, until, band]
    params.append(AgeBand.OTHER.value)
    where = ""
    if regency is not None:
        where = "WHERE regency_id = %s"
        params.append(regency)
    sql = f"""
        INSERT INTO {summary} (regency_id, sex, age_band, desil, occupation, deceased, people)
        SELECT regency_id, sex, age_band, desil, occupation, deceased, COUNT(*)
        FROM (
            SELECT regency_id, sex, CASE {whens} ELSE %s END AS age_band, desil,
                   COALESCE(TRIM(occupation), '') AS occupation,
                   (died_on IS NOT NULL) AS deceased
            FROM {person} {where}
        ) AS grouped
        GROUP BY regency_id, sex, age_band, desil, occupation, deceased
    """  # noqa: S608 - table names come from model meta, values are parameters
    existing = PeopleSummary.objects.all()
    if regency is not None:
        existing = existing.filter(regency_id=regency)
    existing.delete()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _programme_rows() -> list[ProgrammeRegencySummary]:
    """The funnel per programme and regency; candidates come from the people summary."""
    candidates = dict(
        PeopleSummary.objects.values("regency_id")
        .annotate(n=Sum("people"))
        .order_by()
        .values_list("regency_id", "n")
    )
    funnel: dict[tuple[int, str], ProgrammeRegencySummary] = {}

    def row(programme_id: int, regency_id: str) -> ProgrammeRegencySummary:
        key = (programme_id, regency_id)
        if key not in funnel:
            funnel[key] = ProgrammeRegencySummary(
                programme_id=programme_id,
                regency_id=regency_id,
                candidates=candidates.get(regency_id, 0),
            )
        return funnel[key]

    for programme in Programme.objects.all():
        run = current_run(programme)
        if run is None:
            continue
        decisions = (
            Decision.objects.filter(run=run)
            .values("regency_id")
            .annotate(
                eligible=Count("id", filter=Q(reasons=0)),
                selected=Count("id", filter=Q(outcome=Outcome.SELECTED)),
                waitlisted=Count("id", filter=Q(outcome=Outcome.WAITLISTED)),
            )
            .order_by()
        )
        for counts in decisions:
            summary = row(programme.pk, counts["regency_id"])
            summary.eligible = counts["eligible"]
            summary.selected = counts["selected"]
            summary.waitlisted = counts["waitlisted"]
        quotas = (
            RunQuota.objects.filter(run=run)
            .values("regency_id")
            .annotate(total=Sum("quota"))
            .order_by()
        )
        for quota in quotas:
            row(programme.pk, quota["regency_id"]).quota = quota["total"] or 0
    for counts in coverage.enrollment_counts():
        summary = row(counts["programme_id"], counts["regency_id"])
        summary.active = counts["active"]
        summary.ended = counts["ended"]
    return list(funnel.values())


def _rebuild_funnel() -> int:
    rows = _programme_rows()
    ProgrammeRegencySummary.objects.all().delete()
    ProgrammeRegencySummary.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _rebuild_candidates() -> int:
    """Only the candidates column of the funnel (after an import): one UPDATE per regency."""
    candidates = dict(
        PeopleSummary.objects.values("regency_id")
        .annotate(n=Sum("people"))
        .order_by()
        .values_list("regency_id", "n")
    )
    rows = ProgrammeRegencySummary.objects.all()
    rows.exclude(regency_id__in=candidates).update(candidates=0)
    for regency_id, people in candidates.items():
        rows.filter(regency_id=regency_id).update(candidates=people)
    return rows.count()


def _rebuild_headcount() -> int:
    rows = [MonthlyHeadcount(**row) for row in coverage.monthly_headcounts()]
    MonthlyHeadcount.objects.all().delete()
    MonthlyHeadcount.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _people_total() -> int:
    return PeopleSummary.objects.aggregate(total=Sum("people"))["total"] or 0


@dataclass(frozen=True)
class RefreshResult:
    kind: str
    parts: tuple[str, ...]
    regency: str | None
    people: int
    people_rows: int | None
    programme_rows: int | None
    headcount_rows: int | None
    duration_ms: int


def _lock_state(as_of: date) -> tuple[SummaryState, bool]:
    """The state row, locked: refreshes run one at a time, so two never interleave their
    delete-then-insert (on PostgreSQL that would leave duplicate rows). Returns whether the
    existing summaries were computed for `as_of` (age bands move with the calendar)."""
    state, created = SummaryState.objects.get_or_create(
        pk=1, defaults={"refreshed_at": timezone.now(), "as_of": as_of}
    )
    state = SummaryState.objects.select_for_update().get(pk=1)
    return state, not created and state.as_of == as_of and state.people > 0


@transaction.atomic
def refresh_after(
    kind: str,
    *,
    regency: str | None = None,
    user=None,
    as_of: date | None = None,
    progress: Progress = NULL_PROGRESS,
) -> RefreshResult:
    """Rebuild the summary tables that a change of `kind` can move (see choices.REFRESH_PARTS).

    `regency` limits the people summary to one regency (an import made for one regency); it is
    ignored, and everything is rebuilt, when the summaries were computed for another day.
    Runs in one transaction, so a page never sees half a refresh; inside another service's
    transaction it commits with it. Raises ValueError for an unknown kind (a wiring mistake).
    """
    if kind not in REFRESH_PARTS:
        raise ValueError(f"unknown refresh kind {kind!r}")
    started = time.perf_counter()
    as_of = as_of or local_today()
    state, same_day = _lock_state(as_of)
    parts = set(REFRESH_PARTS[kind])
    if not same_day:
        # Ages (and a first refresh) need the people summary rebuilt for every regency.
        parts.add(SummaryPart.PEOPLE)
        regency = None
        if SummaryPart.CANDIDATES in parts:
            parts.add(SummaryPart.FUNNEL)
    if SummaryPart.FUNNEL in parts:
        parts.discard(SummaryPart.CANDIDATES)
    ordered = tuple(part for part in SummaryPart if part in parts)
    progress.start(len(ordered), "Ringkasan dasbor")
    counts: dict[str, int | None] = dict.fromkeys(("people", "funnel", "headcount"))
    for part in ordered:
        if part == SummaryPart.PEOPLE:
            counts["people"] = _rebuild_people(as_of, regency)
            if regency is not None and _people_total() != Person.objects.count():
                # Someone moved between regencies (or was removed elsewhere): the other
                # regencies' rows are stale too, so rebuild them all.
                regency = None
                counts["people"] = _rebuild_people(as_of)
        elif part == SummaryPart.CANDIDATES:
            counts["funnel"] = _rebuild_candidates()
        elif part == SummaryPart.FUNNEL:
            counts["funnel"] = _rebuild_funnel()
        elif part == SummaryPart.HEADCOUNT:
            counts["headcount"] = _rebuild_headcount()
        progress.advance()
    people = _people_total()
    duration_ms = int((time.perf_counter() - started) * 1000)
    state.refreshed_at = timezone.now()
    state.as_of = as_of
    state.people = people
    state.duration_ms = duration_ms
    state.save()
    result = RefreshResult(
        kind=kind,
        parts=tuple(part.value for part in ordered),
        regency=regency,
        people=people,
        people_rows=counts["people"],
        programme_rows=counts["funnel"],
        headcount_rows=counts["headcount"],
        duration_ms=duration_ms,
    )
    record_event(
        action="reports.summaries_refreshed",
        object_type="reports.summarystate",
        object_id="1",
        object_repr="dashboard summaries",
        summary={
            "kind": kind,
            "parts": list(result.parts),
            "regency": regency,
            "people": people,
            "people_rows": result.people_rows,
            "programme_rows": result.programme_rows,
            "headcount_rows": result.headcount_rows,
        },
        user=user,
    )
    progress.finish()
    return result


def refresh_summaries(
    *, user=None, as_of: date | None = None, progress: Progress = NULL_PROGRESS
) -> RefreshResult:
    """Rebuild every summary table from the registry, the decisions and the enrollments."""
    return refresh_after("all", user=user, as_of=as_of, progress=progress)


def schedule_refresh(kind: str, *, regency: str | None = None) -> None:
    """Queue `refresh_summaries_task` for when the caller's transaction commits.

    The one line other apps call after changing people, decisions or enrollments. Nothing is
    queued if their transaction rolls back. Raises ValueError for an unknown kind at once, so a
    wiring mistake fails in the caller's tests rather than in the worker.
    """
    if kind not in REFRESH_PARTS:
        raise ValueError(f"unknown refresh kind {kind!r}")
    transaction.on_commit(partial(_enqueue, kind, regency))


def _enqueue(kind: str, regency: str | None) -> None:
    from lindungi.reports.tasks import refresh_summaries_task

    try:
        refresh_summaries_task.enqueue(kind=kind, regency=regency)
    except Exception:
        # The change itself is committed; stale figures show their date and the next refresh
        # (or the dashboard's button) catches up, so this must not fail the caller.
        logger.exception("Could not queue the summary refresh after %s", kind)
