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


BATCH_XLSX_JOB_KIND = "enrollment.batch_xlsx"
# A batch of more people than this is written to XLSX by the worker, not by the request.
BATCH_XLSX_JOB_THRESHOLD = 5000


@job_handler(BATCH_XLSX_JOB_KIND, atomic=False)
def export_batch_xlsx(*, job, progress, batch_id: int) -> dict:
    """The batch's XLSX (cover sheet and every person), for the insurer exchange roles."""
    from django.db import transaction

    from lindungi.audit.services import record_export
    from lindungi.core.permissions import Action, require
    from lindungi.enrollment.batches import write_batch_xlsx
    from lindungi.jobs.files import file_result, purge_expired_files, write_job_file

    user = job.created_by
    require(user, Action.EXCHANGE_INSURER_FILES)
    batch = SubmissionBatch.objects.select_related("programme").get(pk=batch_id)
    purge_expired_files()
    progress.start(batch.people, "")

    def write(target) -> int:
        write_batch_xlsx(batch, target)
        return batch.people

    path, rows = write_job_file(job.pk, "xlsx", write)
    progress.advance(rows)
    progress.finish()
    with transaction.atomic():
        record_export(user=user, kind="submission_batch", target=batch, file_format="xlsx")
    return file_result(
        job.pk,
        path,
        rows,
        download_name=f"{batch.number}.xlsx",
        action=Action.EXCHANGE_INSURER_FILES.value,
    )
