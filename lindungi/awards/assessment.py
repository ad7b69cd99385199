"""The self-assessment: a regency officer fills in their own participants' entered figures,
uploads evidence and submits by the deadline. A submitted self-assessment is locked until the
panel returns it."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.awards import uploads
from lindungi.awards.choices import IndicatorKind, PeriodStatus, SubmissionStatus
from lindungi.awards.models import Criterion, EnteredValue, Entry, Evidence, PanelMember
from lindungi.core.errors import InvalidInput, InvalidTransition
from lindungi.core.permissions import Action, can, can_access_regency, require


def _require_own(user, entry: Entry) -> None:
    require(user, Action.SUBMIT_SELF_ASSESSMENT)
    if not can_access_regency(user, entry.regency_id):
        raise PermissionDenied("regency")


def editable_reason(entry: Entry, *, today: date | None = None) -> str | None:
    """Why the self-assessment cannot be changed now, or None when it can."""
    today = today or timezone.localdate()
    period = entry.category.period
    if entry.status == SubmissionStatus.SUBMITTED:
        return _(
            "The self-assessment has been submitted; it is locked unless the panel returns it."
        )
    if entry.status == SubmissionStatus.RETURNED:
        # A returned self-assessment may be corrected until the panel has published.
        if period.status in (PeriodStatus.OPEN, PeriodStatus.REVIEW):
            return None
        return _("The results are published.")
    if period.status != PeriodStatus.OPEN:
        return _("The self-assessment is not open.")
    if period.submission_deadline and today > period.submission_deadline:
        return _("The deadline (%(day)s) has passed.") % {
            "day": period.submission_deadline.strftime("%d-%m-%Y")
        }
    return None


def _require_editable(entry: Entry, today: date | None) -> None:
    reason = editable_reason(entry, today=today)
    if reason:
        raise InvalidTransition(reason, code="self_assessment_locked")


def _locked_entry(entry: Entry) -> Entry:
    return Entry.objects.select_for_update().select_related("category__period").get(pk=entry.pk)


def save_entered_value(
    *,
    user,
    entry: Entry,
    criterion: Criterion,
    value: str | Decimal | None,
    statement: str = "",
    source: str = "",
    today: date | None = None,
) -> EnteredValue:
    """Record the figure (or statement) of an entered criterion and where it comes from."""
    _require_own(user, entry)
    if criterion.category_id != entry.category_id or criterion.kind != IndicatorKind.ENTERED:
        raise InvalidInput(_("This criterion is not filled in by the participant."), code="kind")
    number = None
    if value not in (None, ""):
        try:
            number = Decimal(str(value).replace(",", ".").strip())
        except InvalidOperation:
            raise InvalidInput(
                _("%(name)s: %(value)s is not a number.")
                % {"name": criterion.name, "value": value},
                code="value",
            ) from None
        if number < 0 or number != number.quantize(Decimal("0.01")) or number >= 10**12:
            raise InvalidInput(
                _("%(name)s: enter a figure of zero or more with at most two decimals.")
                % {"name": criterion.name},
                code="value",
            )
    if number is None and not statement.strip():
        raise InvalidInput(
            _("%(name)s: enter a figure or a statement.") % {"name": criterion.name},
            code="value_missing",
        )
    if not source.strip():
        raise InvalidInput(
            _("%(name)s: say where the figure comes from (document, letter, report).")
            % {"name": criterion.name},
            code="source_missing",
        )
    with transaction.atomic():
        entry = _locked_entry(entry)
        _require_editable(entry, today)
        current = EnteredValue.objects.filter(entry=entry, criterion=criterion).first()
        before = _value_fields(current) if current else {}
        saved, _created = EnteredValue.objects.update_or_create(
            entry=entry,
            criterion=criterion,
            defaults={"value": number, "statement": statement.strip(), "source": source.strip()},
        )
        record_event(
            action="awards.save_entered_value",
            target=entry,
            before=before,
            after=_value_fields(saved),
            user=user,
        )
    return saved


def _value_fields(value: EnteredValue) -> dict:
    prefix = value.criterion.code
    return {
        f"{prefix}.value": None if value.value is None else str(value.value),
        f"{prefix}.statement": value.statement,
        f"{prefix}.source": value.source,
    }


def add_evidence(
    *,
    user,
    entry: Entry,
    uploaded_file: UploadedFile,
    criterion: Criterion | None = None,
    today: date | None = None,
) -> Evidence:
    """Keep a PDF or image as evidence; refused before anything is stored when it is not one."""
    _require_own(user, entry)
    if criterion is not None and criterion.category_id != entry.category_id:
        raise InvalidInput(_("This criterion belongs to another category."), code="criterion")
    checked = uploads.check_file(uploaded_file)
    path = None
    try:
        with transaction.atomic():
            entry = _locked_entry(entry)
            _require_editable(entry, today)
            path = uploads.store(checked, folder=str(entry.category.period.year))
            evidence = _record_evidence(user, entry, criterion, uploaded_file, checked, path)
    except BaseException:
        # A refused or failed upload leaves no file behind.
        if path:
            uploads.absolute(path).unlink(missing_ok=True)
        raise
    return evidence


def _record_evidence(user, entry, criterion, uploaded_file, checked, path) -> Evidence:
    evidence = Evidence.objects.create(
        entry=entry,
        criterion=criterion,
        path=path,
        file_name=(uploaded_file.name or "")[:255],
        content_type=checked.kind.content_type,
        size=len(checked.content),
        sha256=checked.sha256,
        uploaded_by=user,
    )
    record_event(
        action="awards.add_evidence",
        target=entry,
        after={
            "evidence": evidence.file_name,
            "criterion": criterion.code if criterion else None,
            "sha256": checked.sha256,
            "size": evidence.size,
        },
        user=user,
    )
    return evidence


def remove_evidence(*, user, evidence: Evidence, today: date | None = None) -> None:
    _require_own(user, evidence.entry)
    with transaction.atomic():
        entry = _locked_entry(evidence.entry)
        _require_editable(entry, today)
        record_event(
            action="awards.remove_evidence",
            target=entry,
            before={"evidence": evidence.file_name, "sha256": evidence.sha256},
            user=user,
        )
        evidence.delete()
    # The file stays under MEDIA_ROOT: the audit trail names its checksum.


def missing_values(entry: Entry) -> list[Criterion]:
    """Entered criteria of the entry's category that have no figure or statement yet."""
    filled = set(EnteredValue.objects.filter(entry=entry).values_list("criterion_id", flat=True))
    return [
        criterion
        for criterion in entry.category.criteria.filter(kind=IndicatorKind.ENTERED)
        if criterion.pk not in filled
    ]


def submit_self_assessment(*, user, entry: Entry, today: date | None = None) -> Entry:
    _require_own(user, entry)
    with transaction.atomic():
        entry = _locked_entry(entry)
        _require_editable(entry, today)
        missing = missing_values(entry)
        if missing:
            raise InvalidInput(
                _("Fill in before submitting: %(names)s.")
                % {"names": ", ".join(criterion.name for criterion in missing)},
                code="values_missing",
            )
        before = entry.status
        entry.status = SubmissionStatus.SUBMITTED
        entry.submitted_at = timezone.now()
        entry.submitted_by = user
        entry.save(update_fields=["status", "submitted_at", "submitted_by"])
        record_event(
            action="awards.submit_self_assessment",
            target=entry,
            before={"status": before},
            after={"status": entry.status},
            user=user,
        )
    return entry


def may_return(user, entry: Entry) -> bool:
    if can(user, Action.MANAGE_AWARDS):
        return True
    return (
        can(user, Action.SCORE_AWARDS)
        and PanelMember.objects.filter(period_id=entry.category.period_id, user=user).exists()
    )


def return_self_assessment(*, user, entry: Entry, note: str) -> Entry:
    """The panel (or the province) sends a submitted self-assessment back for correction."""
    if not may_return(user, entry):
        raise PermissionDenied("return_self_assessment")
    if not note.strip():
        raise InvalidInput(_("Say what must be corrected."), code="note_missing")
    with transaction.atomic():
        entry = _locked_entry(entry)
        if entry.status != SubmissionStatus.SUBMITTED or entry.category.period.status not in (
            PeriodStatus.OPEN,
            PeriodStatus.REVIEW,
        ):
            raise InvalidTransition(
                _("Only a submitted self-assessment of a running period can be returned."),
                code="return_transition",
            )
        entry.status = SubmissionStatus.RETURNED
        entry.return_note = note.strip()
        entry.save(update_fields=["status", "return_note"])
        record_event(
            action="awards.return_self_assessment",
            target=entry,
            before={"status": SubmissionStatus.SUBMITTED},
            after={"status": entry.status, "note": entry.return_note},
            user=user,
        )
    return entry
