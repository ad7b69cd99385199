"""Background handlers: the pages' insurer-response and exit uploads run here, with the job
page's progress bar. The commands call the same services inline."""

from django.urls import reverse

from lindungi.core.intake import remove_upload, upload_path
from lindungi.enrollment import deaths, exits, responses
from lindungi.enrollment.models import SubmissionBatch
from lindungi.jobs.registry import job_handler

RESPONSE_JOB_KIND = "enrollment.response"
EXITS_JOB_KIND = "enrollment.exits"
DEATHS_JOB_KIND = "enrollment.deaths"


def _content(path: str) -> bytes:
    """The upload's bytes; the upload itself is removed at once (the retention rule in
    lindungi/core/intake.py: an upload lives as long as its job, whatever the outcome)."""
    try:
        return upload_path(path).read_bytes()
    finally:
        remove_upload(path)


@job_handler(RESPONSE_JOB_KIND)
def run_response_import(
    *, job, progress, path: str, file_name: str, batch_id: int | None = None
) -> dict:
    batch = SubmissionBatch.objects.get(pk=batch_id) if batch_id else None
    result = responses.import_insurer_response(
        user=job.created_by,
        file_name=file_name,
        content=_content(path),
        batch=batch,
        progress=progress,
    )
    return {
        **responses.counts(result),
        "result_url": reverse("enrollment:response", args=[result.pk]),
    }


@job_handler(EXITS_JOB_KIND)
def run_exit_import(*, job, progress, path: str, file_name: str) -> dict:
    result = exits.import_exits(
        user=job.created_by, file_name=file_name, content=_content(path), progress=progress
    )
    return {**exits.counts(result), "result_url": reverse("enrollment:exits")}


@job_handler(DEATHS_JOB_KIND)
def run_death_list_import(*, job, progress, path: str, file_name: str) -> dict:
    result = deaths.import_death_list(
        user=job.created_by, file_name=file_name, content=_content(path), progress=progress
    )
    return {
        "read": result.rows_read,
        "deaths_recorded": result.rows_ended,
        "unchanged": result.rows_unchanged,
        "rejected": result.rows_rejected,
        "places_ended": result.places_ended,
        "reasons": result.reason_counts,
        "result_url": reverse("enrollment:exits"),
    }
