"""Page uploads become background jobs: the file is kept under MEDIA_ROOT and a job queued.

The refusal a user can act on straight away (no right, wrong file type) happens here, before
anything is stored; everything the file says is checked by the job.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.core.errors import InvalidInput
from lindungi.core.permissions import Action, require
from lindungi.enrollment.jobs import DEATHS_JOB_KIND, EXITS_JOB_KIND, RESPONSE_JOB_KIND
from lindungi.enrollment.models import SubmissionBatch

UPLOAD_DIR = "enrollment/uploads"
ALLOWED_SUFFIXES = {".csv", ".xlsx", ".xlsm"}


def store_upload(*, uploaded_file: UploadedFile) -> str:
    """Keep an uploaded file under MEDIA_ROOT; return its path relative to it."""
    suffix = Path(uploaded_file.name or "").suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise InvalidInput(_("Upload a CSV or XLSX file."), code="file_type")
    relative = f"{UPLOAD_DIR}/{timezone.now():%Y%m}/{uuid.uuid4().hex}{suffix}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as handle:
        for chunk in uploaded_file.chunks():
            handle.write(chunk)
    return relative


def start_response_job(*, user, uploaded_file: UploadedFile, batch: SubmissionBatch | None = None):
    """Queue the import of an insurer response; returns the Job."""
    from lindungi.jobs.services import start_job

    require(user, Action.EXCHANGE_INSURER_FILES)
    return start_job(
        kind=RESPONSE_JOB_KIND,
        params={
            "path": store_upload(uploaded_file=uploaded_file),
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
            "path": store_upload(uploaded_file=uploaded_file),
            "file_name": uploaded_file.name,
        },
        user=user,
        label=_("Exits %(file)s") % {"file": uploaded_file.name},
    )
