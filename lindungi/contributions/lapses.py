"""The lapse rule, run: assess who the payers left unpaid too long, then end those places.

Contributions builds on enrollment, so it calls enrollment downward with what it found
(`enrollment.services.apply_lapses`); enrollment never reads contributions' tables. The daily
job (`contributions.lapses`, command `lindungi apply_lapses`) runs this for every running
programme; the arrears page starts the same job.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import QuerySet

from lindungi.contributions.choices import Standing
from lindungi.contributions.models import EnrollmentStanding
from lindungi.contributions.payments import assess_standing
from lindungi.core.permissions import Action, require
from lindungi.core.progress import NULL_PROGRESS, Progress
from lindungi.enrollment.deaths import end_places_of_the_deceased
from lindungi.enrollment.services import apply_lapses
from lindungi.programs.models import Programme


@dataclass(frozen=True)
class LapseResult:
    programme_id: int
    at_risk: int
    lapsed: int
    ended: int


def lapsed_groups(programme: Programme, as_of: date) -> dict[date, QuerySet]:
    """First unpaid day -> the ids of the enrollments lapsed since then (as subqueries)."""
    lapsed = EnrollmentStanding.objects.filter(
        enrollment__programme=programme, standing=Standing.LAPSED, assessed_on__lte=as_of
    )
    since_days = sorted(set(lapsed.values_list("unpaid_since", flat=True)))
    return {
        since: lapsed.filter(unpaid_since=since).values("enrollment_id") for since in since_days
    }


def run_lapses(*, programme: Programme, as_of: date, user) -> LapseResult:
    """Assess the programme's standing on `as_of` and end the lapsed places, in one transaction."""
    require(user, Action.MANAGE_BILLING)
    with transaction.atomic():
        standing = assess_standing(programme=programme, as_of=as_of, user=user)
        ended = apply_lapses(
            programme=programme, as_of=as_of, user=user, lapsed=lapsed_groups(programme, as_of)
        )
    return LapseResult(
        programme_id=programme.pk, at_risk=standing.at_risk, lapsed=standing.lapsed, ended=ended
    )


def programmes_running(as_of: date):
    """Programmes whose coverage runs on `as_of`: the ones whose payers can fall behind."""
    return Programme.objects.filter(coverage_start__lte=as_of, coverage_end__gte=as_of).order_by(
        "pk"
    )


def run_daily_lapses(
    *, as_of: date, user, programmes=None, progress: Progress = NULL_PROGRESS
) -> list[LapseResult]:
    """The daily job: the lapse rule for every programme running on `as_of` (or those given)."""
    require(user, Action.MANAGE_BILLING)
    chosen = list(programmes if programmes is not None else programmes_running(as_of))
    progress.start(len(chosen), "Status pembayaran")
    # Deaths recorded by claims or forms since yesterday end their places too.
    end_places_of_the_deceased(user=user, on=as_of)
    results = []
    for programme in chosen:
        results.append(run_lapses(programme=programme, as_of=as_of, user=user))
        progress.advance()
    progress.finish()
    return results


def start_lapses_job(*, user, as_of: date):
    """Queue the lapse rule for every programme running on `as_of` (the arrears page's button)."""
    from lindungi.contributions.jobs import LAPSES_JOB_KIND
    from lindungi.jobs.services import start_job

    require(user, Action.MANAGE_BILLING)
    return start_job(
        kind=LAPSES_JOB_KIND,
        params={"as_of": as_of.isoformat()},
        user=user,
        label=f"Status pembayaran {as_of.isoformat()}",
    )
