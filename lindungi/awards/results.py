"""Final scores and rankings: computed from the panel's scores (scoring.py states the rule),
published once by the province, or recorded as announced for past periods."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.awards import scoring
from lindungi.awards.choices import CategoryKind, PeriodStatus, SubmissionStatus
from lindungi.awards.models import (
    AssessmentPeriod,
    Category,
    ConflictOfInterest,
    Criterion,
    Entry,
    Score,
)
from lindungi.core.errors import InvalidInput, InvalidTransition
from lindungi.core.permissions import Action, require


@dataclass
class EntryResult:
    entry: Entry
    criteria: list[scoring.CriterionResult] = field(default_factory=list)
    # Members whose scores count, per criterion id.
    scorers: dict[int, int] = field(default_factory=dict)
    final: Decimal | None = None
    rank: int | None = None


@dataclass
class CategoryResult:
    category: Category
    criteria: list[Criterion]
    entries: list[EntryResult]


def compute(period: AssessmentPeriod) -> list[CategoryResult]:
    """Every category's ranking. A published period reads what was published; a running one
    is computed from the scores as they stand (submitted self-assessments only)."""
    categories = list(period.categories.all())
    criteria: dict[int, list[Criterion]] = defaultdict(list)
    for criterion in Criterion.objects.filter(category__period=period):
        criteria[criterion.category_id].append(criterion)
    entries = Entry.objects.filter(category__period=period).select_related("regency", "village")
    if period.status == PeriodStatus.PUBLISHED:
        entries = entries.filter(rank__isnull=False)
    else:
        entries = entries.filter(status=SubmissionStatus.SUBMITTED)
    conflicts = set(
        ConflictOfInterest.objects.filter(member__period=period).values_list(
            "member_id", "regency_id"
        )
    )
    given: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    for entry_id, regency_id, criterion_id, member_id, value in Score.objects.filter(
        entry__category__period=period
    ).values_list("entry_id", "entry__regency_id", "criterion_id", "member_id", "value"):
        if (member_id, regency_id) not in conflicts:
            given[(entry_id, criterion_id)].append(value)
    by_category: dict[int, list[EntryResult]] = defaultdict(list)
    for entry in entries:
        result = EntryResult(entry=entry)
        for criterion in criteria[entry.category_id]:
            values = given.get((entry.pk, criterion.pk), [])
            result.scorers[criterion.pk] = len(values)
            result.criteria.append(
                scoring.criterion_result(
                    criterion_id=criterion.pk,
                    weight=criterion.weight,
                    scale_min=criterion.scale_min,
                    scale_max=criterion.scale_max,
                    combined=scoring.combine(values, period.score_rule),
                )
            )
        by_category[entry.category_id].append(result)
    results = []
    for category in categories:
        rows = by_category.get(category.pk, [])
        if period.status == PeriodStatus.PUBLISHED:
            for row in rows:
                row.final, row.rank = row.entry.final_score, row.entry.rank
        else:
            for row in rows:
                row.final = scoring.final_score(row.criteria) if row.criteria else Decimal(0)
            ranks = scoring.competition_ranks({row.entry.pk: row.final for row in rows})
            for row in rows:
                row.rank = ranks[row.entry.pk]
        rows.sort(key=lambda row: (row.rank or 999, row.entry.name))
        results.append(CategoryResult(category, criteria[category.pk], rows))
    return results


def publish_results(*, user, period: AssessmentPeriod) -> AssessmentPeriod:
    """Freeze the final scores and ranks and make the results public."""
    require(user, Action.MANAGE_AWARDS)
    with transaction.atomic():
        period = AssessmentPeriod.objects.select_for_update().get(pk=period.pk)
        if period.status != PeriodStatus.REVIEW:
            raise InvalidTransition(
                _("Results are published at the end of the panel's review."),
                code="publish_transition",
            )
        if Entry.objects.filter(category__period=period, status=SubmissionStatus.RETURNED).exists():
            raise InvalidTransition(
                _("A returned self-assessment has not been submitted again."),
                code="returned_pending",
            )
        categories = compute(period)
        updated = []
        for category in categories:
            for row in category.entries:
                row.entry.final_score, row.entry.rank = row.final, row.rank
                updated.append(row.entry)
        Entry.objects.bulk_update(updated, ["final_score", "rank"])
        period.status = PeriodStatus.PUBLISHED
        period.published_at = timezone.now()
        period.save(update_fields=["status", "published_at"])
        record_event(
            action="awards.publish_results",
            target=period,
            before={"status": PeriodStatus.REVIEW},
            after={"status": period.status},
            summary={
                category.category.kind: [
                    [row.entry.name, str(row.final), row.rank] for row in category.entries[:10]
                ]
                for category in categories
            },
            user=user,
        )
    return period


def record_announced_results(
    *,
    user,
    period: AssessmentPeriod,
    kind: str,
    ranking: list[tuple[str, str | None]],
    source: str,
) -> list[Entry]:
    """A past period's ranking as it was announced: (regency code, village code or None) in
    rank order. Scores were not published, so none are recorded; the period is marked
    published with the source of the announcement."""
    require(user, Action.MANAGE_AWARDS)
    if not source.strip():
        raise InvalidInput(_("Name the source of the announced results."), code="source")
    from lindungi.awards.services import add_category, add_entry

    with transaction.atomic():
        period = AssessmentPeriod.objects.select_for_update().get(pk=period.pk)
        if (
            period.status != PeriodStatus.DRAFT
            or Score.objects.filter(entry__category__period=period).exists()
        ):
            raise InvalidTransition(
                _("Announced results are recorded only for a period assessed outside Lindungi."),
                code="announced_transition",
            )
        category = period.categories.filter(kind=kind).first() or add_category(
            user=user, period=period, kind=kind
        )
        entries = []
        for rank, (regency_code, village_code) in enumerate(ranking, start=1):
            entry = add_entry(
                user=user,
                category=category,
                regency_code=regency_code,
                village_code=village_code if kind == CategoryKind.VILLAGE else None,
            )
            entry.rank = rank
            entry.status = SubmissionStatus.SUBMITTED
            entry.save(update_fields=["rank", "status"])
            entries.append(entry)
        period.results_source = source.strip()
        period.save(update_fields=["results_source"])
        record_event(
            action="awards.record_announced_results",
            target=period,
            summary={"category": kind, "ranking": [entry.name for entry in entries]},
            user=user,
        )
    return entries


def mark_published(*, user, period: AssessmentPeriod) -> AssessmentPeriod:
    """Close a past period whose announced results are recorded."""
    require(user, Action.MANAGE_AWARDS)
    with transaction.atomic():
        period = AssessmentPeriod.objects.select_for_update().get(pk=period.pk)
        if not period.results_source:
            raise InvalidTransition(
                _("Record the announced results first."), code="announced_missing"
            )
        before = period.status
        period.status = PeriodStatus.PUBLISHED
        period.published_at = timezone.now()
        period.save(update_fields=["status", "published_at"])
        record_event(
            action="awards.mark_published",
            target=period,
            before={"status": before},
            after={"status": period.status},
            user=user,
        )
    return period
