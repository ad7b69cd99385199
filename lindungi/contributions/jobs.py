"""Background handlers: the daily lapse rule (also started from the arrears page)."""

from datetime import date

from django.urls import reverse

from lindungi.contributions.lapses import run_daily_lapses
from lindungi.jobs.registry import job_handler
from lindungi.programs.models import Programme

LAPSES_JOB_KIND = "contributions.lapses"


@job_handler(LAPSES_JOB_KIND)
def run_lapses_job(*, job, progress, as_of: str, programme_id: int | None = None) -> dict:
    programmes = None if programme_id is None else [Programme.objects.get(pk=programme_id)]
    results = run_daily_lapses(
        as_of=date.fromisoformat(as_of),
        user=job.created_by,
        programmes=programmes,
        progress=progress,
    )
    return {
        "as_of": as_of,
        "programmes": len(results),
        "at_risk": sum(result.at_risk for result in results),
        "lapsed": sum(result.lapsed for result in results),
        "ended": sum(result.ended for result in results),
        "result_url": reverse("contributions:arrears"),
    }
