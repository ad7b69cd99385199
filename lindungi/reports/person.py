"""Everything about one person on their registry page: household, every programme decision with
its "why", enrollments and coverage, the contribution months billed and paid and by whom, claims,
and who viewed or changed the record.

The registry owns the person page but sits below the apps that hold these facts; this module
reads them all (reports is at the top of the app order) and hands the page one panel through
`web.hooks`. Every query is scoped to what the user may see and bounded by one person.
"""

from dataclasses import dataclass
from datetime import date

from django.urls import reverse

from lindungi.audit.models import AuditEvent
from lindungi.benefits.models import Claim
from lindungi.contributions.models import Invoice, InvoiceDetail
from lindungi.contributions.payments import balances
from lindungi.core.dates import Month, months_between
from lindungi.core.errors import LindungiError
from lindungi.core.permissions import Action, can, scoped
from lindungi.enrollment.models import Enrollment
from lindungi.programs.choices import Outcome
from lindungi.programs.models import Decision
from lindungi.programs.selectors import explain
from lindungi.registry.models import Person
from lindungi.registry.selectors import household as registry_household
from lindungi.web.hooks import HomePanel

# A household or an audit trail longer than this is shown in part, with the total.
LIMIT = 50


@dataclass(frozen=True)
class DecisionRow:
    decision: Decision
    why: str


@dataclass(frozen=True)
class MonthRow:
    month: date
    programme: str
    payer: str
    invoice_number: str
    invoice_id: int
    amount: int
    paid_in_full: bool
    removed: bool


def household(user, person: Person) -> list[Person]:
    """The other people on the person's family card (KK) that the user may see; a household is
    personal data beyond the insurer exchange's need (see docs/privacy.md)."""
    if not person.kk_number or not can(user, Action.VIEW_CONTACT_DETAILS):
        return []
    others = registry_household(user=user, person=person)
    return list(others.select_related("village").order_by("birth_date")[:LIMIT])


def decisions(user, person: Person, *, limit: int | None = LIMIT) -> list[DecisionRow]:
    rows = (
        scoped(user, Decision.objects.filter(person=person))
        .select_related("run__programme", "cohort", "regency")
        .order_by("-run__programme__year", "-run_id")
    )
    found = []
    for decision in rows[:limit]:
        try:
            why = explain(user=user, run=decision.run, nik=decision.nik)
        except (LindungiError, Decision.DoesNotExist):  # never break the person's page
            why = decision.get_outcome_display()
        found.append(DecisionRow(decision, why))
    return found


def enrollments(user, person: Person) -> list[Enrollment]:
    return list(
        scoped(user, Enrollment.objects.filter(person=person))
        .select_related("programme", "cohort")
        .order_by("-programme__year", "-pk")
    )


def contribution_months(user, enrolled: list[Enrollment]) -> list[MonthRow]:
    """Each month billed for the person: to which payer, on which invoice, and whether that
    invoice is paid in full (payments are made per invoice, not per person)."""
    if not can(user, Action.VIEW_MONEY) or not enrolled:
        return []
    # The detail table is indexed by (month, enrollment): name the months of coverage so that
    # one person's rows are found by index seeks, not a scan of a million rows a month.
    months = {
        month.first_day
        for enrollment in enrolled
        if enrollment.start_date
        for month in months_between(
            Month.of(enrollment.start_date),
            Month.of(enrollment.end_date or enrollment.programme.coverage_end),
        )
    }
    if not months:
        return []
    details = list(
        scoped(
            user,
            InvoiceDetail.objects.filter(
                service_month__in=months, enrollment_id__in=[e.pk for e in enrolled]
            ),
        )
        .select_related("invoice__payer", "invoice__programme")
        .order_by("service_month", "invoice_id")
    )
    paid = balances(Invoice.objects.filter(pk__in={d.invoice_id for d in details}))
    rows = []
    for detail in details:
        balance = paid.get(detail.invoice_id)
        rows.append(
            MonthRow(
                month=detail.service_month,
                programme=detail.invoice.programme.name,
                payer=str(detail.invoice.payer),
                invoice_number=detail.invoice.number,
                invoice_id=detail.invoice_id,
                amount=detail.jkk + detail.jkm + detail.jht,  # negative in a removal
                paid_in_full=bool(balance and balance.outstanding <= 0),
                removed=detail.sign < 0,
            )
        )
    return rows


def claims(user, person: Person) -> list[Claim]:
    if not can(user, Action.VIEW_CLAIMS):
        return []
    return list(scoped(user, Claim.objects.filter(person=person)).order_by("-incident_date"))


def audit_trail(user, person: Person, *, limit: int | None = LIMIT) -> list[AuditEvent]:
    """Who viewed or changed the record (auditors and the province)."""
    if not can(user, Action.VIEW_AUDIT):
        return []
    events = AuditEvent.objects.filter(
        object_type=Person._meta.label_lower, object_id=str(person.pk)
    ).order_by("-occurred_at")
    return list(events[:limit])


def person_panel(request, person: Person) -> HomePanel | None:
    user = request.user
    enrolled = enrollments(user, person)
    months = contribution_months(user, enrolled)
    return HomePanel(
        "reports/_person_panel.html",
        {
            "person": person,
            "household": household(user, person),
            "decisions": decisions(user, person),
            "selected": Outcome.SELECTED,
            "enrollments": enrolled,
            "months": months,
            "months_paid": sum(1 for row in months if row.paid_in_full and not row.removed),
            "claims": claims(user, person),
            "audit": audit_trail(user, person),
            "timeline_url": reverse("reports:timeline", args=[person.pk]),
            "subject_access_url": (
                reverse("reports:subject_access", args=[person.pk])
                if can(user, Action.EXPORT_SUBJECT_DATA)
                else ""
            ),
        },
    )
