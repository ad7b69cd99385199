"""Reading jobs: always through `scoped()`, so a regency officer sees their regency's jobs only."""

from typing import Any

from django.db.models import QuerySet

from lindungi.core.permissions import scoped
from lindungi.jobs.models import Job
from lindungi.jobs.progress import read_live_progress


def list_jobs(*, user) -> QuerySet[Job]:
    return scoped(user, Job.objects.select_related("created_by", "regency"))


def get_job(*, user, job_id: int) -> Job:
    """One job the user may see; Job.DoesNotExist otherwise (also for other regencies' jobs)."""
    return list_jobs(user=user).get(pk=job_id)


def get_progress(job: Job) -> dict[str, Any]:
    """{"done", "total", "label", "percent"}: live while running, from the row once finished."""
    figures = None if job.is_finished else read_live_progress(job.pk)
    if figures is None:
        figures = {"done": job.done, "total": job.total, "label": ""}
    done, total = figures["done"], figures["total"]
    if total:
        percent: int | None = min(100, done * 100 // total)
    elif job.is_finished:
        percent = 100
    else:
        percent = None  # unknown total: the page shows an indeterminate bar
    return {"done": done, "total": total, "label": figures.get("label", ""), "percent": percent}


def job_as_dict(job: Job) -> dict[str, Any]:
    """What /jobs/<id>.json answers; the technical error detail is left to the admin site."""
    return {
        "id": job.pk,
        "kind": job.kind,
        "label": job.label,
        "status": job.status,
        "status_display": str(job.get_status_display()),
        "is_finished": job.is_finished,
        "progress": get_progress(job),
        "result": job.result,
        "error": job.error_message,
        "regency": job.regency_id,
        "created_by": job.created_by.get_username(),
        "created_at": job.created_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }
