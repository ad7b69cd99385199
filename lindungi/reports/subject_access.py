"""The data subject's access (UU 27/2022 art. 7): everything Lindungi holds about one person, in
one XLSX workbook for the province office to hand over.

One sheet per kind of fact: the registry record as it is now, its earlier versions (with the
import each came from), every programme decision with its "why", enrollments and coverage, the
contribution months billed (payer, invoice, paid or not), claims and their heirs, and the audit
trail of who viewed, changed or exported the record, its enrollments and claims. Everything is
bounded by one person; the facts come from the same readers as the person page
(`reports.person`), without the page's display limits. The view audits each download as an
export of personal data (`export.subject_access`).
"""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.audit.models import AuditEvent
from lindungi.benefits.models import Claim, Heir
from lindungi.core.exports import SheetData, write_xlsx_sheets
from lindungi.core.permissions import Action, require
from lindungi.enrollment.models import Enrollment
from lindungi.registry.models import Person
from lindungi.registry.selectors import list_person_versions
from lindungi.reports import person as facts


def _when(value: datetime | None) -> datetime | None:
    """Local time without a zone: spreadsheets cannot hold an aware datetime."""
    return None if value is None else timezone.localtime(value).replace(tzinfo=None)


def _person_sheet(person: Person) -> SheetData:
    rows: list[tuple[str, Any]] = [
        ("NIK", person.nik),
        (_("Family card (KK)"), person.kk_number),
        (_("Name"), person.full_name),
        (_("Sex"), person.get_sex_display()),
        (_("Birth place"), person.birth_place),
        (_("Birth date"), person.birth_date),
        (_("Village"), f"{person.village_id} {person.village.name}"),
        (_("Regency"), f"{person.regency_id} {person.regency.name}"),
        (_("Address"), person.address),
        (_("Occupation"), person.occupation),
        (_("Phone"), person.phone),
        (_("Desil"), person.desil),
        (_("Poverty label"), person.get_poverty_label_display()),
        (_("Died on"), person.died_on),
        (_("Death reported by"), person.get_death_source_display() if person.died_on else ""),
        (_("Source file"), person.source_import.file_name if person.source_import else ""),
        (_("Source row"), person.source_row),
        (_("Edition"), person.source_edition),
        (_("Recorded at"), _when(person.created_at)),
        (_("Last changed at"), _when(person.updated_at)),
    ]
    return SheetData(_("Person"), [_("Field"), _("Value")], rows, text_columns=(1,))


def _versions_sheet(person: Person) -> SheetData:
    rows = (
        (
            _when(version.valid_from),
            _when(version.replaced_at),
            version.kk_number,
            f"{version.village_id} {version.village.name}",
            version.regency_id,
            version.address,
            version.occupation,
            version.phone,
            version.desil,
            version.get_poverty_label_display(),
            version.source_import.file_name if version.source_import else "",
            version.source_edition,
            version.replaced_by_import.file_name if version.replaced_by_import else "",
        )
        for version in list_person_versions(person=person).order_by("valid_from", "pk")
    )
    headers = [
        _("Valid from"),
        _("Replaced at"),
        _("Family card (KK)"),
        _("Village"),
        _("Regency"),
        _("Address"),
        _("Occupation"),
        _("Phone"),
        _("Desil"),
        _("Poverty label"),
        _("Source file"),
        _("Edition"),
        _("Replaced by file"),
    ]
    return SheetData(_("Earlier versions"), headers, rows, text_columns=(2, 4, 7))


def _decisions_sheet(user, person: Person) -> SheetData:
    rows = (
        (
            row.decision.run.programme.name,
            row.decision.run_id,
            row.decision.get_outcome_display(),
            row.decision.cohort.name if row.decision.cohort else "",
            row.decision.rank,
            row.decision.desil,
            row.why,
        )
        for row in facts.decisions(user, person, limit=None)
    )
    headers = [
        _("Programme"),
        _("Selection run"),
        _("Outcome"),
        _("Cohort"),
        _("Rank"),
        _("Desil"),
        _("Why"),
    ]
    return SheetData(_("Decisions"), headers, rows)


def _enrollments_sheet(enrolled: Sequence[Enrollment]) -> SheetData:
    rows = (
        (
            enrollment.programme.name,
            enrollment.cohort.name,
            enrollment.get_state_display(),
            enrollment.kpj or "",
            enrollment.start_date,
            enrollment.end_date,
            enrollment.get_end_reason_display() if enrollment.end_reason else "",
            enrollment.ended_on,
            enrollment.rejection_reason,
        )
        for enrollment in enrolled
    )
    headers = [
        _("Programme"),
        _("Cohort"),
        _("State"),
        "KPJ",
        _("Coverage start"),
        _("Coverage end"),
        _("Exit reason"),
        _("Exit date"),
        _("Reason for rejection"),
    ]
    return SheetData(_("Enrollments"), headers, rows, text_columns=(3,))


def _months_sheet(user, enrolled: list[Enrollment]) -> SheetData:
    rows = (
        (
            row.month,
            row.programme,
            row.payer,
            row.invoice_number,
            row.amount,
            _("yes") if row.paid_in_full else _("no"),
            _("yes") if row.removed else _("no"),
        )
        for row in facts.contribution_months(user, enrolled)
    )
    headers = [
        _("Month"),
        _("Programme"),
        _("Payer"),
        _("Invoice"),
        _("Amount (Rp)"),
        _("Invoice paid in full"),
        _("Removal"),
    ]
    return SheetData(_("Contribution months"), headers, rows)


def _claims_sheet(claims: Sequence[Claim]) -> SheetData:
    rows = (
        (
            claim.number,
            claim.get_source_display(),
            claim.get_kind_display(),
            claim.get_consequence_display(),
            claim.incident_date,
            claim.get_status_display(),
            claim.get_verdict_display(),
            claim.refusal_reason,
            claim.note,
        )
        for claim in claims
    )
    headers = [
        _("Claim number"),
        _("Source"),
        _("Kind"),
        _("Consequence"),
        _("Incident date"),
        _("Status"),
        _("Cover verdict"),
        _("Reason for refusal"),
        _("Note"),
    ]
    return SheetData(_("Claims"), headers, rows, text_columns=(0,))


def _heirs_sheet(claims: Sequence[Claim]) -> SheetData:
    heirs = Heir.objects.filter(claim__in=claims).select_related("claim")
    rows = (
        (
            heir.claim.number,
            heir.position,
            heir.name,
            heir.get_relation_display(),
            heir.birth_date,
            heir.get_school_level_display(),
        )
        for heir in heirs.order_by("claim__number", "position")
    )
    headers = [
        _("Claim number"),
        _("Position"),
        _("Name"),
        _("Relation"),
        _("Birth date"),
        _("Schooling"),
    ]
    return SheetData(_("Heirs"), headers, rows, text_columns=(0,))


def audit_events(
    person: Person, enrolled: Iterable[Enrollment], claims: Iterable[Claim]
) -> list[AuditEvent]:
    """Every audit row about the person's record, enrollments and claims, oldest first."""
    objects = Q(object_type=Person._meta.label_lower, object_id=str(person.pk))
    for model, ids in (
        (Enrollment, [str(enrollment.pk) for enrollment in enrolled]),
        (Claim, [str(claim.pk) for claim in claims]),
    ):
        if ids:
            objects |= Q(object_type=model._meta.label_lower, object_id__in=ids)
    return list(AuditEvent.objects.filter(objects).order_by("occurred_at", "id"))


def _audit_sheet(events: Sequence[AuditEvent]) -> SheetData:
    rows = (
        (
            _when(event.occurred_at),
            event.actor_username,
            event.action,
            event.object_type,
            event.object_repr,
            event.get_source_display(),
            event.source_reference,
        )
        for event in events
    )
    headers = [
        _("When"),
        _("User"),
        _("Action"),
        _("Object type"),
        _("Object"),
        _("Source"),
        _("Reference"),
    ]
    return SheetData(_("Audit trail"), headers, rows)


def write_subject_access(*, user, person: Person, target) -> list[int]:
    """Write the person's workbook to a path or binary file; the rows of each sheet."""
    require(user, Action.EXPORT_SUBJECT_DATA)
    enrolled = facts.enrollments(user, person)
    claims = facts.claims(user, person)
    sheets = [
        _person_sheet(person),
        _versions_sheet(person),
        _decisions_sheet(user, person),
        _enrollments_sheet(enrolled),
        _months_sheet(user, enrolled),
        _claims_sheet(claims),
        _heirs_sheet(claims),
        _audit_sheet(audit_events(person, enrolled, claims)),
    ]
    return write_xlsx_sheets(target, sheets)
