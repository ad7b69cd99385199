"""Writes to the registry. The import itself lives in importing.py (re-exported here)."""

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.core.errors import InvalidInput, InvalidTransition
from lindungi.core.intake import store_upload
from lindungi.core.permissions import Action, regency_scope, require
from lindungi.registry.choices import DuplicateStatus
from lindungi.registry.importing import import_candidates
from lindungi.registry.models import DuplicateCandidate

UPLOAD_AREA = "registry"
IMPORT_JOB_KIND = "registry.import"


def start_import_job(
    *,
    user,
    uploaded_file: UploadedFile,
    source: str = "",
    edition: str = "",
    mapping: dict[str, str] | None = None,
):
    """Store the upload and queue the import as a background job; returns the Job."""
    from lindungi.jobs.services import start_job

    require(user, Action.IMPORT_CANDIDATES)
    relative = store_upload(uploaded_file=uploaded_file, area=UPLOAD_AREA)
    return start_job(
        kind=IMPORT_JOB_KIND,
        params={
            "path": relative,
            "file_name": uploaded_file.name,
            "source": source,
            "edition": edition,
            "mapping": mapping or {},
            # A regency officer's upload only takes residents of their regency.
            "regency": regency_scope(user),
        },
        user=user,
        label=_("Import %(file)s") % {"file": uploaded_file.name},
    )


def review_duplicate(
    *, duplicate: DuplicateCandidate, user, status: str, note: str = ""
) -> DuplicateCandidate:
    """Confirm or dismiss a flagged pair (never merges anyone); audited."""
    require(user, Action.REVIEW_DUPLICATES)
    if status not in (DuplicateStatus.CONFIRMED, DuplicateStatus.DISMISSED):
        raise InvalidInput(_("Choose confirm or dismiss"), code="invalid_status")
    with transaction.atomic():
        locked = DuplicateCandidate.objects.select_for_update().get(pk=duplicate.pk)
        if locked.status != DuplicateStatus.OPEN:
            raise InvalidTransition(_("This pair has already been reviewed"))
        before = {"status": locked.status, "note": locked.note}
        locked.status = status
        locked.note = note.strip()[:2000]
        locked.reviewed_by = user
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["status", "note", "reviewed_by", "reviewed_at"])
        record_event(
            action="registry.review_duplicate",
            target=locked,
            before=before,
            after={"status": locked.status, "note": locked.note},
            user=user,
        )
    return locked


__all__ = ["import_candidates", "review_duplicate", "start_import_job"]


def record_person_viewed(*, user, person) -> None:
    """Opening a person's full record is audited (issue 12.8): who looked at whom, when."""
    record_event(action="registry.view_person", target=person, user=user)
