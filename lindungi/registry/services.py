"""Writes to the registry. The import itself lives in importing.py (re-exported here)."""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lindungi.audit.services import record_event
from lindungi.core.changes import notify
from lindungi.core.errors import InvalidInput, InvalidTransition
from lindungi.core.intake import store_upload
from lindungi.core.permissions import Action, regency_scope, require, scoped_ids
from lindungi.registry.choices import DeathSource, DuplicateResolution, DuplicateStatus
from lindungi.registry.importing import import_candidates
from lindungi.registry.models import DuplicateCandidate, Person

UPLOAD_AREA = "registry"
IMPORT_JOB_KIND = "registry.import"
MIN_RESOLUTION_REASON = 10


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


def resolve_duplicate(
    *, duplicate: DuplicateCandidate, user, keep: Person, resolution: str, reason: str
) -> DuplicateCandidate:
    """Resolve a pair that is the same person: keep one record, and merge the other into it or
    exclude it, with a reason (issue 19, point 2). An open pair is confirmed in the same step.

    Nothing is deleted: both Person rows keep their NIK, history and import provenance, and
    the pair records which NIK was kept, how and why. The other person is excluded from every
    later selection (Reason.DUPLICATE_CONFIRMED, the "why" names the kept NIK); ending their
    open places is enrollment's (`enrollment.duplicates.resolve_duplicate_pair`). Audited; a
    regency officer resolves only pairs of people both in their regency.
    """
    from lindungi.registry.selectors import get_duplicate

    require(user, Action.REVIEW_DUPLICATES)
    if resolution not in DuplicateResolution.values:
        raise InvalidInput(_("Choose merge or exclude"), code="invalid_resolution")
    reason = reason.strip()
    if len(reason) < MIN_RESOLUTION_REASON:
        raise InvalidInput(_("Write the reason (at least 10 characters)."), code="reason_required")
    # Outside the user's scope the pair does not exist for them.
    get_duplicate(user=user, pk=duplicate.pk)
    with transaction.atomic():
        locked = DuplicateCandidate.objects.select_for_update().get(pk=duplicate.pk)
        if locked.status == DuplicateStatus.DISMISSED or locked.resolution:
            raise InvalidTransition(
                _("This pair has already been resolved or dismissed."), code="resolved"
            )
        if keep.pk not in (locked.first_person_id, locked.second_person_id):
            raise InvalidInput(
                _("The record kept must be one of the pair."), code="keep_not_in_pair"
            )
        before = {"status": locked.status, "resolution": ""}
        locked.status = DuplicateStatus.CONFIRMED
        locked.resolution = resolution
        locked.kept_person = keep
        locked.resolution_reason = reason[:2000]
        locked.reviewed_by = user
        locked.reviewed_at = timezone.now()
        locked.save(
            update_fields=[
                "status",
                "resolution",
                "kept_person",
                "resolution_reason",
                "reviewed_by",
                "reviewed_at",
            ]
        )
        other_nik = locked.second_nik if keep.pk == locked.first_person_id else locked.first_nik
        record_event(
            action="registry.duplicate_resolved",
            target=locked,
            before=before,
            after={
                "status": locked.status,
                "resolution": resolution,
                "kept_nik": keep.nik,
                "other_nik": other_nik,
                "reason": locked.resolution_reason,
            },
            user=user,
        )
    return locked


def review_duplicates(*, user, ids, status: str, note: str = "") -> int:
    """Confirm or dismiss several flagged pairs at once (the duplicates page's bulk action).

    Set-based: one scope check, one UPDATE, one audit event with the count and the ids. The
    whole selection is refused when any pair is outside the user's scope (PermissionDenied)
    or already reviewed (InvalidTransition): nothing is skipped silently. Returns the count.
    """
    require(user, Action.REVIEW_DUPLICATES)
    if status not in (DuplicateStatus.CONFIRMED, DuplicateStatus.DISMISSED):
        raise InvalidInput(_("Choose confirm or dismiss"), code="invalid_status")
    note = note.strip()[:2000]
    with transaction.atomic():
        chosen = scoped_ids(user, DuplicateCandidate.objects.all(), ids)
        pairs = DuplicateCandidate.objects.filter(pk__in=chosen)
        statuses = list(pairs.select_for_update().values_list("status", flat=True))
        reviewed = sum(1 for current in statuses if current != DuplicateStatus.OPEN)
        if reviewed:
            raise InvalidTransition(
                ngettext(
                    "%(n)s of the selected pairs has already been reviewed; nothing was saved.",
                    "%(n)s of the selected pairs have already been reviewed; nothing was saved.",
                    reviewed,
                )
                % {"n": reviewed},
                code="already_reviewed",
            )
        count = pairs.update(status=status, note=note, reviewed_by=user, reviewed_at=timezone.now())
        record_event(
            action="registry.review_duplicates",
            object_type=DuplicateCandidate._meta.label_lower,
            object_repr=f"{count} pairs",
            summary={"count": count, "status": status, "note": note, "ids": chosen},
            user=user,
        )
    return count


__all__ = [
    "import_candidates",
    "record_death",
    "record_deaths",
    "record_person_viewed",
    "resolve_duplicate",
    "review_duplicate",
    "review_duplicates",
    "start_import_job",
]


def record_person_viewed(*, user, person) -> None:
    """Opening a person's full record is audited (issue 12.8): who looked at whom, when."""
    record_event(action="registry.view_person", target=person, user=user)


@dataclass(frozen=True)
class DeathsRecorded:
    recorded: int
    unchanged: int
    # person id -> the different date of death already recorded (left as it was).
    conflicting: dict[int, date]


def record_deaths(
    *, user, deaths: Mapping[int, date], source: str, reference: str = ""
) -> DeathsRecorded:
    """Mark people deceased (person id -> date of death), with where the death came from.

    Set-based: one read of the people's current dates, one UPDATE per distinct date. The same
    death recorded again changes nothing; a different date already recorded is left alone and
    returned as a conflict (a person dies once; a correction is a reviewed change, not a file).
    Ending the programme places of the deceased belongs to enrollment
    (enrollment.deaths.end_places_of_the_deceased), which runs it right after its own callers
    and before every submission and billing run.
    """
    require(user, Action.RECORD_EXIT)
    if source not in DeathSource.values:
        raise InvalidInput(_("Unknown source of death."), code="death_source_invalid")
    if any(died_on > timezone.localdate() for died_on in deaths.values()):
        raise InvalidInput(_("The date of death is in the future."), code="date_future")
    ids = sorted(deaths)
    existing: dict[int, date | None] = {}
    for start in range(0, len(ids), 5_000):
        existing.update(
            Person.objects.filter(pk__in=ids[start : start + 5_000]).values_list("pk", "died_on")
        )
    by_date: dict[date, list[int]] = defaultdict(list)
    unchanged = 0
    conflicting: dict[int, date] = {}
    for person_id in ids:
        if person_id not in existing:
            raise InvalidInput(_("Unknown person."), code="person_unknown")
        recorded = existing[person_id]
        if recorded is None:
            by_date[deaths[person_id]].append(person_id)
        elif recorded == deaths[person_id]:
            unchanged += 1
        else:
            conflicting[person_id] = recorded
    with transaction.atomic():
        now = timezone.now()
        recorded_count = 0
        for died_on, people in sorted(by_date.items()):
            for start in range(0, len(people), 5_000):
                recorded_count += Person.objects.filter(
                    pk__in=people[start : start + 5_000], died_on__isnull=True
                ).update(
                    died_on=died_on,
                    death_source=source,
                    death_reference=reference[:255],
                    updated_at=now,
                )
        if recorded_count:
            notify("registry.import")
            record_event(
                action="registry.deaths_recorded",
                target=Person.objects.get(pk=ids[0]) if len(ids) == 1 else None,
                summary={
                    "source": source,
                    "reference": reference[:255],
                    "recorded": recorded_count,
                    "unchanged": unchanged,
                    "conflicting": len(conflicting),
                },
                user=user,
            )
    return DeathsRecorded(recorded=recorded_count, unchanged=unchanged, conflicting=conflicting)


def record_death(*, user, person: Person, died_on: date, source: str, reference: str = ""):
    """One death (a JKM claim, an exit form): the person is marked deceased with its source.

    Refused when another date of death is already recorded for the person.
    """
    result = record_deaths(
        user=user, deaths={person.pk: died_on}, source=source, reference=reference
    )
    if result.conflicting:
        raise InvalidInput(
            _("A different date of death is already recorded for this person."),
            code="death_conflict",
        )
    person.refresh_from_db()
    return person


__all__ = [
    "import_candidates",
    "record_death",
    "record_deaths",
    "resolve_duplicate",
    "review_duplicate",
    "start_import_job",
]
