"""Reads for the enrollment app. Every people queryset passes through `scoped`."""

from collections.abc import Iterable
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from lindungi.core.permissions import Action, require, scoped
from lindungi.core.timeline import TimelineEntry
from lindungi.enrollment.choices import COVERAGE_STATES, OPEN_STATES, ReplacementStatus
from lindungi.enrollment.models import (
    Enrollment,
    EnrollmentEvent,
    ExitImport,
    Replacement,
    ResponseImport,
    SubmissionBatch,
)
from lindungi.programs.choices import Outcome, RunStatus
from lindungi.programs.models import Decision


def list_enrollments(
    *,
    user,
    regency_code: str | None = None,
    state: str | None = None,
    programme_id: int | None = None,
) -> QuerySet[Enrollment]:
    require(user, Action.VIEW_PEOPLE)
    queryset = scoped(user, Enrollment.objects.select_related("person", "regency", "cohort"))
    if regency_code:
        queryset = queryset.filter(regency_id=regency_code)
    if state:
        queryset = queryset.filter(state=state)
    if programme_id:
        queryset = queryset.filter(programme_id=programme_id)
    return queryset.order_by("regency_id", "person__nik")


def count_by_state(*, user, programme_id: int | None = None) -> dict[str, int]:
    queryset = list_enrollments(user=user, programme_id=programme_id).order_by()
    return dict(queryset.values_list("state").annotate(n=Count("id")).values_list("state", "n"))


def get_enrollment(*, user, pk: int) -> Enrollment:
    require(user, Action.VIEW_PEOPLE)
    return get_object_or_404(
        scoped(user, Enrollment.objects.select_related("person", "programme", "cohort")), pk=pk
    )


def list_events(*, user, enrollment: Enrollment) -> QuerySet[EnrollmentEvent]:
    return scoped(user, EnrollmentEvent.objects.filter(enrollment=enrollment)).select_related(
        "actor"
    )


def list_next_waitlisted(*, programme_id: int, regency_id: str) -> QuerySet[Decision]:
    """The programme's waitlist for one regency, best rank first, minus anyone no longer free.

    Belongs in programs ("next on the waitlist") once that app offers it; kept here as a query
    over its models because enrollment may not edit programs.
    """
    placed = Enrollment.objects.filter(programme_id=programme_id, person_id=OuterRef("person_id"))
    covered_elsewhere = Enrollment.objects.filter(
        person_id=OuterRef("person_id"), state__in=OPEN_STATES
    )
    offered = Replacement.objects.filter(decision_id=OuterRef("pk")).exclude(
        status=ReplacementStatus.DECLINED
    )
    return (
        Decision.objects.filter(
            run__programme_id=programme_id,
            run__status=RunStatus.APPROVED,
            outcome=Outcome.WAITLISTED,
            regency_id=regency_id,
            person__died_on__isnull=True,
        )
        .exclude(Exists(placed))
        .exclude(Exists(covered_elsewhere))
        .exclude(Exists(offered))
        .order_by("rank", "nik")
    )


def list_batches(*, user) -> QuerySet[SubmissionBatch]:
    require(user, Action.VIEW_PEOPLE)
    return SubmissionBatch.objects.select_related("programme")


def get_batch(*, user, pk: int) -> SubmissionBatch:
    return get_object_or_404(list_batches(user=user), pk=pk)


def list_responses(*, user) -> QuerySet[ResponseImport]:
    # A response file holds every regency's people: not for regency officers.
    require(user, Action.VIEW_INSURER_FILES)
    return ResponseImport.objects.select_related("batch")


def list_exit_imports(*, user) -> QuerySet[ExitImport]:
    require(user, Action.VIEW_PEOPLE)
    return scoped(user, ExitImport.objects.all(), regency_field="regency_id")


def list_replacements(*, user, status: str | None = None) -> QuerySet[Replacement]:
    require(user, Action.VIEW_PEOPLE)
    queryset = scoped(user, Replacement.objects.select_related("vacated__person", "decision"))
    return queryset.filter(status=status) if status else queryset


def count_contribution_months(
    person_ids: list[int], *, until: date | None = None
) -> dict[int, int]:
    """Person id -> months with coverage, counted across programmes, years and payers.

    A month counts once however many places cover it, so a participant carried from
    December 2025 into January 2026 (two places, two payers) has an unbroken record. The
    JKM scholarship needs 36 such months (DOMAIN.md §3); a month counts when any day of it
    is covered, up to `until` (today by default). Reads only the people asked about.
    """
    until = until or timezone.localdate()
    months: dict[int, set[tuple[int, int]]] = {person_id: set() for person_id in person_ids}
    places = (
        Enrollment.objects.filter(
            person_id__in=person_ids, state__in=COVERAGE_STATES, start_date__isnull=False
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")))
        .values_list("person_id", "start_date", "end_date")
    )
    for person_id, start, end in places:
        last = min(end or until, until)
        year, month = start.year, start.month
        while (year, month) <= (last.year, last.month):
            months[person_id].add((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return {person_id: len(covered) for person_id, covered in months.items()}


def _covered_between(first_day, last_day) -> QuerySet[Enrollment]:
    """Enrollments covered on at least one day of [first_day, last_day], any programme.

    An ended enrollment whose end is before its start never had coverage.
    """
    return Enrollment.objects.filter(
        Q(state__in=COVERAGE_STATES, start_date__lte=last_day)
        & (Q(end_date__isnull=True) | Q(end_date__gte=first_day))
        & (Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")))
    )


def count_covered_by_regency(*, first_day, last_day) -> dict[str, int]:
    """Regency code -> people covered on at least one day of the span (aggregates only: the
    caller decides who may see them, as for the public page)."""
    rows = (
        _covered_between(first_day, last_day)
        .values("regency_id")
        .annotate(people=Count("person_id", distinct=True))
        .order_by()
    )
    return {row["regency_id"]: row["people"] for row in rows}


def count_covered_by_payer_regency(*, first_day, last_day) -> dict[str, dict[str, int]]:
    """Payer regency code -> {"funded": people whose cohort the regency pays alone,
    "co_funded": people whose cohort it pays a share of}, covered during the span.

    Payers are records with funding shares (issue 13): a regency "funds" a cohort where it
    holds the whole share, "co-funds" it where it holds part, in the cohort's first month.
    """
    from lindungi.programs.choices import PayerType
    from lindungi.programs.models import FundingShare

    first_shares: dict[int, list[tuple]] = {}
    for cohort_id, from_month, payer_type, regency, share_bp in FundingShare.objects.order_by(
        "cohort_id", "from_month"
    ).values_list("cohort_id", "from_month", "payer__payer_type", "payer__regency_id", "share_bp"):
        rows = first_shares.setdefault(cohort_id, [])
        if not rows or rows[0][0] == from_month:
            rows.append((from_month, payer_type, regency, share_bp))
    roles: dict[int, list[tuple[str, str]]] = {}
    for cohort_id, rows in first_shares.items():
        for _month, payer_type, regency, share_bp in rows:
            if payer_type == PayerType.REGENCY and regency:
                key = "funded" if share_bp == 10_000 else "co_funded"
                roles.setdefault(cohort_id, []).append((regency, key))
    figures: dict[str, dict[str, int]] = {}
    covered = (
        _covered_between(first_day, last_day)
        .filter(cohort_id__in=list(roles))
        .values("cohort_id")
        .annotate(people=Count("person_id", distinct=True))
        .order_by()
    )
    for row in covered:
        for regency, key in roles[row["cohort_id"]]:
            figures.setdefault(regency, {"funded": 0, "co_funded": 0})[key] += row["people"]
    return figures


def person_timeline_entries(person, user) -> Iterable[TimelineEntry]:
    from lindungi.enrollment.choices import EnrollmentState
    from lindungi.enrollment.models import EnrollmentEvent

    events = EnrollmentEvent.objects.filter(enrollment__person=person).select_related(
        "enrollment__programme"
    )
    for event in events:
        yield TimelineEntry(
            event.date,
            "enrollment",
            EnrollmentState(event.to_state).label,
            " · ".join(part for part in (str(event.enrollment.programme), event.note) if part),
            recorded_at=event.recorded_at,
        )
