"""Closing a programme: coverage over (active -> closing), then closed with its report.

Moving to "closing" ends every place still open on the programme's last day (set-based, one
event INSERT..SELECT and one UPDATE per state), so nothing stays active after the year it was
paid for: the old defect was a "closed" programme whose 98,563 places all stayed active.
Closing out freezes the close-out report (people covered per month, billed, paid, reconciled,
unspent budget per payer) in a CloseOut row; after that nothing of the programme changes.
"""

from collections import defaultdict
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.benefits.models import ClaimItem
from lindungi.contributions.choices import InvoiceKind
from lindungi.contributions.coverage import ENROLLMENT
from lindungi.contributions.models import Appropriation, Invoice, Payment, StatementImport
from lindungi.contributions.policy import policy_for
from lindungi.core.changes import notify
from lindungi.core.dates import Month, months_between
from lindungi.core.errors import InvalidTransition
from lindungi.core.permissions import Action, require
from lindungi.cycle.models import CloseOut
from lindungi.enrollment.choices import EnrollmentState, ExitReason
from lindungi.enrollment.coverage import covered_in_sql
from lindungi.enrollment.models import Enrollment
from lindungi.enrollment.sql import record_transitions
from lindungi.programs.choices import ProgrammeStatus
from lindungi.programs.lifecycle import move_status
from lindungi.programs.models import Payer, Programme


def begin_closing(*, user, programme: Programme, today: date | None = None) -> dict[str, int]:
    """Active -> closing once coverage has ended: every place still open ends on the last day.

    A covered place ends on the programme's last day with reason "programme ended" (those
    carried into next year were already ended by the renewal); a place never covered ends
    without coverage. Returns how many places of each state were ended.
    """
    require(user, Action.MANAGE_PROGRAMMES)
    today = today or timezone.localdate()
    if today <= programme.coverage_end:
        raise InvalidTransition(
            _("Coverage runs until %(end)s: the programme can start closing after that.")
            % {"end": programme.coverage_end.strftime("%d/%m/%Y")},
            code="coverage_not_ended",
        )
    last_day = programme.coverage_end
    ended: dict[str, int] = {}
    with transaction.atomic():
        locked = Programme.objects.select_for_update().get(pk=programme.pk)
        if locked.status != ProgrammeStatus.ACTIVE:
            raise InvalidTransition(
                _("Only an active programme can start closing (it is %(status)s).")
                % {"status": ProgrammeStatus(locked.status).label.lower()},
                code="programme_not_active",
            )
        now = timezone.now()
        for state in (EnrollmentState.ACTIVE, EnrollmentState.SUBMITTED, EnrollmentState.SELECTED):
            open_places = Enrollment.objects.filter(programme=programme, state=state)
            record_transitions(
                open_places,
                to_state=EnrollmentState.ENDED,
                on=last_day,
                actor_id=user.pk,
                note=ExitReason.PROGRAMME_ENDED,
            )
            ended[str(state)] = open_places.update(
                state=EnrollmentState.ENDED,
                end_reason=ExitReason.PROGRAMME_ENDED,
                ended_on=last_day,
                # A place never submitted has no start: it ends without a coverage period.
                end_date=None if state == EnrollmentState.SELECTED else last_day,
                updated_at=now,
            )
        move_status(
            user=user, programme=programme, to_status=ProgrammeStatus.CLOSING, summary=ended
        )
        notify("enrollment.exit")
    return ended


def _covered_per_month(programme: Programme) -> dict[str, int]:
    rule = policy_for(programme).month_rule
    result = {}
    months = months_between(Month.of(programme.coverage_start), Month.of(programme.coverage_end))
    for month in months:
        coverage = covered_in_sql(month, rule)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM {ENROLLMENT} e"  # noqa: S608 (names are ours)
                f" WHERE e.programme_id = %s AND {coverage.sql}",
                [programme.pk, *coverage.params],
            )
            result[str(month)] = cursor.fetchone()[0]
    return result


def closeout_report(programme: Programme) -> dict:
    """Per month: people covered, billed, paid, reconciled; per payer: budget and unspent.

    Benefits paid: what the insurer paid on the programme's claims (ClaimItem.paid_amount).
    A report frozen before claims were recorded in Lindungi holds None there.
    """
    covered = _covered_per_month(programme)
    invoices = Invoice.objects.filter(programme=programme)
    billed = defaultdict(int)
    for month, total in invoices.values_list("month").annotate(total=Sum("total")):
        billed[str(Month.of(month))] += total
    paid = defaultdict(int)
    for month, total in (
        Payment.objects.filter(invoice__programme=programme)
        .values_list("invoice__month")
        .annotate(total=Sum("amount"))
    ):
        paid[str(Month.of(month))] += total
    statements = defaultdict(lambda: {"statements": 0, "insurer_total": 0, "expected_total": 0})
    for month, count, insurer, expected in (
        StatementImport.objects.filter(programme=programme)
        .values_list("month")
        .annotate(Count("id"), Sum("insurer_total"), Sum("expected_total"))
    ):
        statements[str(Month.of(month))] = {
            "statements": count,
            "insurer_total": insurer or 0,
            "expected_total": expected or 0,
        }
    months = []
    for key, people in covered.items():
        months.append(
            {
                "month": key,
                "covered": people,
                "billed": billed.get(key, 0),
                "paid": paid.get(key, 0),
                "outstanding": billed.get(key, 0) - paid.get(key, 0),
                **statements[key],
            }
        )
    payers = []
    payer_ids = set(invoices.values_list("payer_id", flat=True)) | set(
        Payer.objects.filter(funding_shares__cohort__programme=programme).values_list(
            "pk", flat=True
        )
    )
    for payer in Payer.objects.filter(pk__in=payer_ids).order_by("pk"):
        payer_invoices = invoices.filter(payer=payer)
        payer_billed = payer_invoices.aggregate(total=Sum("total"))["total"] or 0
        payer_paid = (
            Payment.objects.filter(invoice__in=payer_invoices).aggregate(total=Sum("amount"))[
                "total"
            ]
            or 0
        )
        budget = (
            Appropriation.objects.filter(payer=payer, fiscal_year=programme.year).aggregate(
                total=Sum("amount")
            )["total"]
            or 0
        )
        payers.append(
            {
                "payer": payer.name,
                "funding_source": payer.funding_source,
                "budget": budget,
                "billed": payer_billed,
                "paid": payer_paid,
                "unpaid": payer_billed - payer_paid,
                "unspent": budget - payer_paid,
            }
        )
    places = Enrollment.objects.filter(programme=programme)
    return {
        "programme": programme.name,
        "year": programme.year,
        "coverage": [str(programme.coverage_start), str(programme.coverage_end)],
        "months": months,
        "payers": payers,
        "totals": {
            "billed": sum(row["billed"] for row in months),
            "paid": sum(row["paid"] for row in months),
            "people_ever_covered": places.filter(
                state__in=[EnrollmentState.ACTIVE, EnrollmentState.ENDED],
                start_date__isnull=False,
            )
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")))
            .count(),
        },
        "benefits_paid": _benefits_paid(programme),
    }


def _benefits_paid(programme: Programme) -> int:
    """What the insurer paid on the programme's claims (benefits' claim items), in rupiah."""
    items = ClaimItem.objects.filter(claim__programme=programme, paid_amount__isnull=False)
    return items.aggregate(total=Sum("paid_amount"))["total"] or 0


def close_programme(*, user, programme: Programme) -> CloseOut:
    """Closing -> closed: every covered month is billed; the report is frozen with it."""
    require(user, Action.MANAGE_PROGRAMMES)
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        if programme.status != ProgrammeStatus.CLOSING:
            raise InvalidTransition(
                _("Only a programme that is closing can be closed (it is %(status)s).")
                % {"status": ProgrammeStatus(programme.status).label.lower()},
                code="programme_not_closing",
            )
        report = closeout_report(programme)
        unbilled = [
            row["month"]
            for row in report["months"]
            if row["covered"]
            and not Invoice.objects.filter(
                programme=programme,
                kind=InvoiceKind.INVOICE,
                month=Month.parse(row["month"]).first_day,
            ).exists()
        ]
        if unbilled:
            raise InvalidTransition(
                _("Bill every covered month before closing: %(months)s.")
                % {"months": ", ".join(unbilled)},
                code="months_not_billed",
            )
        closeout = CloseOut.objects.create(programme=programme, report=report, closed_by=user)
        move_status(
            user=user,
            programme=programme,
            to_status=ProgrammeStatus.CLOSED,
            summary={"billed": report["totals"]["billed"], "paid": report["totals"]["paid"]},
        )
    return closeout
