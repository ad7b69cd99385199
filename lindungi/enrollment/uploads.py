"""Page uploads become background jobs: the file is kept by the shared intake and a job queued.

The refusal a user can act on straight away (no right, wrong file type, too large) happens
here, before anything is stored; everything the file says is checked by the job, which removes
the upload when it ends (the retention rule in lindungi/core/intake.py).
"""

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from lindungi.core.intake import store_upload
from lindungi.core.permissions import Action, require
from lindungi.enrollment.jobs import DEATHS_JOB_KIND, EXITS_JOB_KIND, RESPONSE_JOB_KIND
from lindungi.enrollment.models import SubmissionBatch

UPLOAD_AREA = "enrollment"


def start_response_job(*, user, uploaded_file: UploadedFile, batch: SubmissionBatch | None = None):
    """Queue the import of an insurer response; returns the Job."""
    from lindungi.jobs.services import start_job

    require(user, Action.EXCHANGE_INSURER_FILES)
    return start_job(
        kind=RESPONSE_JOB_KIND,
        params={
            "path": store_upload(uploaded_file=uploaded_file, area=UPLOAD_AREA),
            "file_name": uploaded_file.name,
            "batch_id": batch.pk if batch else None,
        },
        user=user,
        label=_("Insurer response %(file)s") % {"file": uploaded_file.name},
    )


def start_exits_job(*, user, uploaded_file: UploadedFile, deaths: bool = False):
    """Queue the import of an exits file, or of the civil registry's death list; returns the
    Job (a regency officer's is theirs)."""
    from lindungi.jobs.services import start_job

    require(user, Action.RECORD_EXIT)
    return start_job(
        kind=DEATHS_JOB_KIND if deaths else EXITS_JOB_KIND,
        params={
            "path": store_upload(uploaded_file=uploaded_file, area=UPLOAD_AREA),
            "file_name": uploaded_file.name,
        },
        user=user,
        label=_("Exits %(file)s") % {"file": uploaded_file.name},
    )
