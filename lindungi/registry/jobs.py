"""Background handler: the web upload's import runs here, with the job page's progress bar."""

from django.urls import reverse

from lindungi.core.intake import remove_upload, upload_path
from lindungi.jobs.registry import job_handler
from lindungi.registry.importing import import_candidates, summary
from lindungi.registry.services import IMPORT_JOB_KIND


@job_handler(IMPORT_JOB_KIND)
def run_import(
    *,
    job,
    progress,
    path: str,
    file_name: str,
    source: str = "",
    edition: str = "",
    mapping: dict | None = None,
    regency: str | None = None,
) -> dict:
    try:
        result = import_candidates(
            file=upload_path(path),
            file_name=file_name,
            user=job.created_by,
            source=source,
            edition=edition,
            mapping=mapping or None,
            regency=regency,
            job_reference=f"job:{job.pk}",
            progress=progress,
        )
    finally:
        remove_upload(path)  # the retention rule: the upload lives as long as its job
    return {
        **summary(result),
        "result_url": reverse("registry:import_detail", args=[result.pk]),
    }
