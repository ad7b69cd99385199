"""Reads of the Paritrana Award, limited to what the user may see.

A regency officer sees their own regency's participants only (the kabupaten/kota, its villages
and enterprises); nobody else's self-assessment until the results are published, and then only
what the public page shows. Panel members see their own scores only until publication.
"""

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from lindungi.awards.choices import CategoryKind, IndicatorKind, PeriodStatus
from lindungi.awards.models import (
    AssessmentPeriod,
    ComputedValue,
    Criterion,
    EnteredValue,
    Entry,
    Evidence,
    PanelMember,
    Score,
)
from lindungi.core.permissions import Action, can, require, scoped


def list_periods(user) -> QuerySet[AssessmentPeriod]:
    require(user, Action.VIEW_AWARDS)
    return AssessmentPeriod.objects.annotate(
        entries=Count("categories__entries", distinct=True)
    ).order_by("-year")


def get_period(user, pk: int) -> AssessmentPeriod:
    require(user, Action.VIEW_AWARDS)
    return get_object_or_404(AssessmentPeriod, pk=pk)


def list_criteria(period: AssessmentPeriod) -> QuerySet[Criterion]:
    return Criterion.objects.filter(category__period=period).select_related("category")


def list_entries(user, period: AssessmentPeriod) -> QuerySet[Entry]:
    require(user, Action.VIEW_AWARDS)
    return scoped(
        user,
        Entry.objects.filter(category__period=period)
        .select_related("category", "regency")
        .annotate(evidence_count=Count("evidence", distinct=True))
        .order_by("category__kind", "name"),
    )


def get_entry(user, pk: int) -> Entry:
    """One participant the user may see; another regency's is "not found" for an officer."""
    require(user, Action.VIEW_AWARDS)
    return get_object_or_404(
        scoped(user, Entry.objects.select_related("category__period", "regency", "village")),
        pk=pk,
    )


def get_evidence(user, pk: int) -> Evidence:
    require(user, Action.VIEW_AWARDS)
    return get_object_or_404(scoped(user, Evidence.objects.select_related("entry")), pk=pk)


@dataclass
class CriterionLine:
    criterion: Criterion
    entered: EnteredValue | None
    computed: ComputedValue | None
    evidence: list[Evidence]
    # This member's own score, for a panel member.
    own_score: Score | None
    # Everyone's scores: for the province and auditors, or for anyone once published.
    scores: list[Score]


def entry_lines(user, entry: Entry, member: PanelMember | None) -> list[CriterionLine]:
    """The criteria of the entry's category with what was entered, computed and uploaded."""
    period = entry.category.period
    criteria = list(entry.category.criteria.all())
    entered = {value.criterion_id: value for value in entry.values.all()}
    computed = {value.criterion_id: value for value in entry.computed_values.all()}
    evidence: dict[int | None, list[Evidence]] = {}
    for item in entry.evidence.all():
        evidence.setdefault(item.criterion_id, []).append(item)
    see_all = period.status == PeriodStatus.PUBLISHED or (
        can(user, Action.VIEW_AWARDS)
        and not can(user, Action.SCORE_AWARDS)
        and not can(user, Action.SUBMIT_SELF_ASSESSMENT)
    )
    scores: dict[int, list[Score]] = {}
    own: dict[int, Score] = {}
    for score in entry.scores.select_related("member__user").order_by("member_id"):
        if see_all:
            scores.setdefault(score.criterion_id, []).append(score)
        if member is not None and score.member_id == member.pk:
            own[score.criterion_id] = score
    return [
        CriterionLine(
            criterion=criterion,
            entered=entered.get(criterion.pk),
            computed=computed.get(criterion.pk),
            evidence=evidence.get(criterion.pk, []),
            own_score=own.get(criterion.pk),
            scores=scores.get(criterion.pk, []),
        )
        for criterion in criteria
    ]


def general_evidence(entry: Entry) -> list[Evidence]:
    return list(entry.evidence.filter(criterion__isnull=True))


def list_panel(period: AssessmentPeriod) -> QuerySet[PanelMember]:
    return period.panel.select_related("user").prefetch_related("conflicts__regency")


def list_published_periods() -> QuerySet[AssessmentPeriod]:
    """For the public page: no login."""
    return AssessmentPeriod.objects.filter(status=PeriodStatus.PUBLISHED).order_by("-year")


def get_published_period(year: int) -> AssessmentPeriod:
    period = AssessmentPeriod.objects.filter(year=year, status=PeriodStatus.PUBLISHED).first()
    if period is None:
        raise Http404
    return period


def get_published_entry(pk: int) -> Entry:
    return get_object_or_404(
        Entry.objects.select_related("category__period", "regency"),
        pk=pk,
        rank__isnull=False,
        category__period__status=PeriodStatus.PUBLISHED,
    )


def regency_ranks(period: AssessmentPeriod) -> dict[str, dict]:
    """Regency code -> the kabupaten/kota entry's rank, score and name (for the map)."""
    rows = Entry.objects.filter(
        category__period=period, category__kind=CategoryKind.REGENCY_GOVERNMENT
    )
    return {
        regency: {"name": name, "rank": rank, "score": None if score is None else float(score)}
        for regency, name, rank, score in rows.values_list(
            "regency_id", "name", "rank", "final_score"
        )
    }


def regency_shapes() -> dict:
    """The kabupaten/kota boundaries of the served province (public reference data)."""
    from lindungi.regions.selectors import list_regencies

    features = [
        {"type": "Feature", "properties": {"code": code, "name": name}, "geometry": boundary}
        for code, name, boundary in list_regencies()
        .filter(boundary__isnull=False)
        .values_list("code", "name", "boundary")
    ]
    return {"type": "FeatureCollection", "features": features}


def count_by_status(user, period: AssessmentPeriod) -> dict[str, int]:
    return dict(
        list_entries(user, period)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )


def entered_criteria(entry: Entry) -> QuerySet[Criterion]:
    return entry.category.criteria.filter(kind=IndicatorKind.ENTERED)


def sees_everything(user) -> bool:
    """The province and auditors see every self-assessment and every member's scores before
    publication; regency officers and panel members do not."""
    from lindungi.core.permissions import regency_scope

    if can(user, Action.MANAGE_AWARDS):
        return True
    return (
        can(user, Action.VIEW_AWARDS)
        and not can(user, Action.SCORE_AWARDS)
        and regency_scope(user) is None
    )
