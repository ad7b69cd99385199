"""Rebuilding the dashboard summary tables (the only writes of the reports app).

`refresh_summaries()` is what other apps' jobs call after they change people, decisions or
enrollments (an import, a selection run or its approval, a response import, exits, billing).
Each table is rebuilt by one grouped query per source table, so the cost grows with the size of
the source tables once, not with page views; the result holds a few thousand rows.
"""

import time
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Case, CharField, Count, Q, Sum, Value, When
from django.db.models.functions import Trim
from django.utils import timezone

from lindungi.audit.services import record_event
from lindungi.core.progress import NULL_PROGRESS, Progress
from lindungi.programs.choices import Outcome
from lindungi.programs.models import Decision, Programme, RunQuota
from lindungi.programs.selectors import current_run
from lindungi.registry.models import Person
from lindungi.reports import coverage
from lindungi.reports.choices import AGE_BANDS, AgeBand
from lindungi.reports.models import (
    MonthlyHeadcount,
    PeopleSummary,
    ProgrammeRegencySummary,
    SummaryState,
)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def age_band_expression(as_of: date) -> Case:
    """The age band of `birth_date` on `as_of`, as SQL that SQLite and PostgreSQL both run.

    Comparing birth dates with cut-off dates (rather than computing ages) keeps it portable and
    lets the database use plain date comparisons.
    """
    whens = []
    for band, youngest, oldest in AGE_BANDS:
        # Aged youngest..oldest inclusive: born after (as_of - oldest - 1 years) and on or
        # before (as_of - youngest years).
        whens.append(
            When(
                birth_date__gt=_years_before(as_of, oldest + 1),
                birth_date__lte=_years_before(as_of, youngest),
                then=Value(band.value),
            )
        )
    return Case(*whens, default=Value(AgeBand.OTHER.value), output_field=CharField())


def _people_rows(as_of: date) -> list[PeopleSummary]:
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
    summaries = []
    for row in rows:
        for deceased, people in ((False, row["alive"]), (True, row["dead"])):
            if people:
                summaries.append(
                    PeopleSummary(
                        regency_id=row["regency_id"],
                        sex=row["sex"],
                        age_band=row["age_band"],
                        desil=row["desil"],
                        occupation=row["occupation_clean"] or "",
                        deceased=deceased,
                        people=people,
                    )
                )
    return summaries


def _programme_rows() -> list[ProgrammeRegencySummary]:
    candidates = dict(
        Person.objects.values("regency_id").annotate(n=Count("id")).values_list("regency_id", "n")
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


@dataclass(frozen=True)
class RefreshResult:
    people: int
    people_rows: int
    programme_rows: int
    headcount_rows: int
    duration_ms: int


@transaction.atomic
def refresh_summaries(
    *, user=None, as_of: date | None = None, progress: Progress = NULL_PROGRESS
) -> RefreshResult:
    """Rebuild every summary table from the registry, the decisions and the enrollments.

    Runs in one transaction so that a page never sees half a refresh; safe to call from inside
    another service's transaction (it then commits with it). `as_of` is the day ages are
    computed for (today by default).
    """
    started = time.perf_counter()
    as_of = as_of or timezone.localdate()
    progress.start(3, "Ringkasan dasbor")
    people_rows = _people_rows(as_of)
    PeopleSummary.objects.all().delete()
    PeopleSummary.objects.bulk_create(people_rows, batch_size=2000)
    progress.advance()
    programme_rows = _programme_rows()
    ProgrammeRegencySummary.objects.all().delete()
    ProgrammeRegencySummary.objects.bulk_create(programme_rows, batch_size=2000)
    progress.advance()
    headcount_rows = [MonthlyHeadcount(**row) for row in coverage.monthly_headcounts()]
    MonthlyHeadcount.objects.all().delete()
    MonthlyHeadcount.objects.bulk_create(headcount_rows, batch_size=2000)
    progress.advance()
    people = sum(row.people for row in people_rows)
    duration_ms = int((time.perf_counter() - started) * 1000)
    SummaryState.objects.update_or_create(
        pk=1,
        defaults={
            "refreshed_at": timezone.now(),
            "as_of": as_of,
            "people": people,
            "duration_ms": duration_ms,
        },
    )
    result = RefreshResult(
        people=people,
        people_rows=len(people_rows),
        programme_rows=len(programme_rows),
        headcount_rows=len(headcount_rows),
        duration_ms=duration_ms,
    )
    record_event(
        action="reports.summaries_refreshed",
        object_type="reports.summarystate",
        object_id="1",
        object_repr="dashboard summaries",
        summary={
            "people": people,
            "people_rows": result.people_rows,
            "programme_rows": result.programme_rows,
            "headcount_rows": result.headcount_rows,
        },
        user=user,
    )
    progress.finish()
    return result
