"""Reads for the enrollment app. Every people queryset passes through `scoped`."""

from collections.abc import Iterable

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

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
    "co_funded": people whose cohort it pays a share of}, covered during the span."""
    from lindungi.programs.choices import PayerType

    covered = _covered_between(first_day, last_day)
    figures: dict[str, dict[str, int]] = {}
    for key, payer_type, regency in (
        ("funded", "cohort__payer_type", "cohort__payer_regency_id"),
        ("co_funded", "cohort__second_payer_type", "cohort__second_payer_regency_id"),
    ):
        rows = (
            covered.filter(**{payer_type: PayerType.REGENCY, f"{regency}__isnull": False})
            .values(regency)
            .annotate(people=Count("person_id", distinct=True))
            .order_by()
        )
        for row in rows:
            figures.setdefault(row[regency], {"funded": 0, "co_funded": 0})[key] = row["people"]
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
