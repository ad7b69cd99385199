"""Background handler: the claim file uploaded on the claim files page is imported here, with
the job page's progress bar; `lindungi import_claims` calls the same service inline.

The file is read and checked outside any transaction; `import_claims` then writes everything in
one transaction of its own (atomic=False), so SQLite's write lock is held only for the writes.
"""

from django.urls import reverse

from lindungi.benefits.importing import CLAIMS_JOB_KIND, counts_of, import_claims
from lindungi.core.intake import remove_upload, upload_path
from lindungi.jobs.registry import job_handler


@job_handler(CLAIMS_JOB_KIND, atomic=False)
def run_claims_import(*, job, progress, path: str, file_name: str) -> dict:
    try:
        content = upload_path(path).read_bytes()
    finally:
        # The retention rule in lindungi/core/intake.py: the import keeps what the file said.
        remove_upload(path)
    claim_import = import_claims(
        user=job.created_by, file_name=file_name, content=content, progress=progress
    )
    return {
        **counts_of(claim_import),
        "import": claim_import.pk,
        "result_url": reverse("benefits:import", args=[claim_import.pk]),
    }
