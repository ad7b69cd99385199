"""Writes on periods, categories, criteria and participants. Each takes the acting user, checks
the permission and records an audit event in its own transaction."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.awards.choices import (
    CategoryKind,
    ComputedIndicator,
    IndicatorKind,
    PeriodStatus,
    ScoreRule,
)
from lindungi.awards.models import (
    AssessmentPeriod,
    Category,
    ComputedValue,
    Criterion,
    EnteredValue,
    Entry,
    Evidence,
    Score,
)
from lindungi.core.errors import InvalidInput, InvalidTransition
from lindungi.core.permissions import Action, require

HUNDRED = Decimal(100)


def _period_fields(period: AssessmentPeriod) -> dict:
    return {
        "year": period.year,
        "title": period.title,
        "status": period.status,
        "submission_deadline": period.submission_deadline,
        "score_rule": period.score_rule,
        "ceremony": period.ceremony,
        "signatory_name": period.signatory_name,
        "signatory_title": period.signatory_title,
        "emblem": period.emblem,
    }


def create_period(
    *,
    user,
    year: int,
    title: str = "",
    submission_deadline: date | None = None,
    score_rule: str = ScoreRule.MEAN,
    ceremony: str = "",
    signatory_name: str = "",
    signatory_title: str = "",
    categories: tuple[str, ...] = (CategoryKind.REGENCY_GOVERNMENT,),
) -> AssessmentPeriod:
    require(user, Action.MANAGE_AWARDS)
    if score_rule not in ScoreRule.values:
        raise InvalidInput(_("Unknown final score rule."), code="score_rule")
    try:
        with transaction.atomic():
            period = AssessmentPeriod.objects.create(
                year=year,
                title=title or f"Paritrana Award Provinsi NTT {year}",
                submission_deadline=submission_deadline,
                score_rule=score_rule,
                ceremony=ceremony,
                signatory_name=signatory_name,
                signatory_title=signatory_title,
            )
            Category.objects.bulk_create(
                [Category(period=period, kind=CategoryKind(kind)) for kind in categories]
            )
            record_event(
                action="awards.create_period",
                target=period,
                after=_period_fields(period),
                user=user,
            )
    except IntegrityError:
        raise InvalidInput(
            _("An assessment period for %(year)s already exists.") % {"year": year},
            code="period_exists",
        ) from None
    return period


def update_period(*, user, period: AssessmentPeriod, **fields) -> AssessmentPeriod:
    """Change the deadline, the score rule, the ceremony, the signatory or the emblem."""
    require(user, Action.MANAGE_AWARDS)
    allowed = {
        "title",
        "submission_deadline",
        "score_rule",
        "ceremony",
        "signatory_name",
        "signatory_title",
        "emblem",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    if "score_rule" in fields and fields["score_rule"] not in ScoreRule.values:
        raise InvalidInput(_("Unknown final score rule."), code="score_rule")
    with transaction.atomic():
        period = AssessmentPeriod.objects.select_for_update().get(pk=period.pk)
        if (
            period.status == PeriodStatus.PUBLISHED
            and fields.get("score_rule", period.score_rule) != period.score_rule
        ):
            raise InvalidTransition(
                _("The results are published; the score rule can no longer change."),
                code="period_published",
            )
        before = _period_fields(period)
        for name, value in fields.items():
            setattr(period, name, value)
        period.save()
        record_event(
            action="awards.update_period",
            target=period,
            before=before,
            after=_period_fields(period),
            user=user,
        )
    return period


def copy_period(
    *, user, source: AssessmentPeriod, year: int, submission_deadline: date | None = None
) -> AssessmentPeriod:
    """A new period with the categories, criteria, weights, scales and settings of `source`."""
    require(user, Action.MANAGE_AWARDS)
    with transaction.atomic():
        period = create_period(
            user=user,
            year=year,
            title=f"Paritrana Award Provinsi NTT {year}",
            submission_deadline=submission_deadline,
            score_rule=source.score_rule,
            signatory_name=source.signatory_name,
            signatory_title=source.signatory_title,
            categories=tuple(source.categories.values_list("kind", flat=True)),
        )
        if source.emblem:
            AssessmentPeriod.objects.filter(pk=period.pk).update(emblem=source.emblem)
            period.emblem = source.emblem
        targets = {category.kind: category for category in period.categories.all()}
        copies = [
            Criterion(
                category=targets[criterion.category.kind],
                position=criterion.position,
                code=criterion.code,
                name=criterion.name,
                description=criterion.description,
                weight=criterion.weight,
                scale_min=criterion.scale_min,
                scale_max=criterion.scale_max,
                kind=criterion.kind,
                computed=criterion.computed,
                unit=criterion.unit,
            )
            for criterion in Criterion.objects.filter(category__period=source).select_related(
                "category"
            )
        ]
        Criterion.objects.bulk_create(copies)
        record_event(
            action="awards.copy_period",
            target=period,
            summary={"from_year": source.year, "criteria": len(copies)},
            user=user,
        )
    return period


def add_category(*, user, period: AssessmentPeriod, kind: str) -> Category:
    require(user, Action.MANAGE_AWARDS)
    if kind not in CategoryKind.values:
        raise InvalidInput(_("Unknown category."), code="category")
    try:
        with transaction.atomic():
            category = Category.objects.create(period=period, kind=kind)
            record_event(
                action="awards.add_category", target=category, after={"kind": kind}, user=user
            )
    except IntegrityError:
        raise InvalidInput(_("This period already has that category."), code="category") from None
    return category


@dataclass(frozen=True)
class CriterionInput:
    code: str
    name: str
    weight: str | Decimal
    scale_min: int
    scale_max: int
    kind: str
    computed: str = ""
    unit: str = ""
    description: str = ""


def _check_criteria(category: Category, rows: list[CriterionInput]) -> list[dict]:
    """Every refusal for the rows at once, or the cleaned rows."""
    problems: list[str] = []
    cleaned: list[dict] = []
    codes: set[str] = set()
    total = Decimal(0)
    for number, row in enumerate(rows, start=1):
        label = row.name or row.code or str(number)
        code = (row.code or "").strip()
        if not code or not row.name.strip():
            problems.append(_("Row %(row)s: a code and a name are required.") % {"row": number})
            continue
        if code in codes:
            problems.append(_("Code %(code)s is used twice.") % {"code": code})
        codes.add(code)
        try:
            weight = Decimal(str(row.weight).replace(",", ".").strip())
        except InvalidOperation:
            problems.append(_("%(name)s: the weight is not a number.") % {"name": label})
            continue
        if weight <= 0 or weight > HUNDRED or weight != weight.quantize(Decimal("0.01")):
            problems.append(
                _("%(name)s: the weight must be above 0 and at most 100, with two decimals.")
                % {"name": label}
            )
            continue
        total += weight
        if row.scale_min < 0 or row.scale_max <= row.scale_min:
            problems.append(
                _("%(name)s: the highest score must be above the lowest.") % {"name": label}
            )
        if row.kind not in IndicatorKind.values:
            problems.append(_("%(name)s: unknown indicator kind.") % {"name": label})
        computed = row.computed if row.kind == IndicatorKind.COMPUTED else ""
        if row.kind == IndicatorKind.COMPUTED:
            if computed not in ComputedIndicator.values:
                problems.append(
                    _("%(name)s: choose which figure Lindungi computes.") % {"name": label}
                )
            elif category.kind != CategoryKind.REGENCY_GOVERNMENT:
                problems.append(
                    _("%(name)s: Lindungi computes figures for kabupaten/kota governments only.")
                    % {"name": label}
                )
        cleaned.append(
            {
                "position": number,
                "code": code,
                "name": row.name.strip(),
                "description": row.description.strip(),
                "weight": weight,
                "scale_min": row.scale_min,
                "scale_max": row.scale_max,
                "kind": row.kind,
                "computed": computed,
                "unit": row.unit.strip(),
            }
        )
    if rows and total != HUNDRED and not problems:
        problems.append(
            _("The weights add up to %(total)s %%; they must add up to exactly 100 %%.")
            % {"total": f"{total:.2f}".rstrip("0").rstrip(".")}
        )
    if not rows:
        problems.append(_("A category needs at least one criterion."))
    if problems:
        raise InvalidInput(" ".join(problems), code="criteria")
    return cleaned


def set_criteria(*, user, category: Category, rows: list[CriterionInput]) -> list[Criterion]:
    """Replace a category's criteria; all or nothing. Weights must add up to exactly 100 %.

    Criteria keep their identity by code, so entered figures and evidence stay attached.
    Refused once the panel has scored anything in the period or the results are published.
    """
    require(user, Action.MANAGE_AWARDS)
    cleaned = _check_criteria(category, rows)
    with transaction.atomic():
        period = AssessmentPeriod.objects.select_for_update().get(pk=category.period_id)
        if period.status in (PeriodStatus.REVIEW, PeriodStatus.PUBLISHED) or (
            Score.objects.filter(criterion__category=category).exists()
        ):
            raise InvalidTransition(
                _("The panel is scoring or has scored this period; its criteria are fixed."),
                code="criteria_fixed",
            )
        existing = {criterion.code: criterion for criterion in category.criteria.all()}
        before = {code: _criterion_fields(criterion) for code, criterion in existing.items()}
        kept = []
        for row in cleaned:
            criterion = existing.pop(row["code"], None) or Criterion(category=category)
            for name, value in row.items():
                setattr(criterion, name, value)
            criterion.save()
            kept.append(criterion)
        removed = list(existing.values())
        filled = EnteredValue.objects.filter(criterion__in=removed).values_list(
            "criterion__name", flat=True
        )
        if filled.exists() or Evidence.objects.filter(criterion__in=removed).exists():
            raise InvalidTransition(
                _("%(names)s already hold figures or evidence of participants; keep them.")
                % {"names": ", ".join(sorted({c.name for c in removed}))},
                code="criterion_in_use",
            )
        Criterion.objects.filter(pk__in=[criterion.pk for criterion in removed]).delete()
        record_event(
            action="awards.set_criteria",
            target=category,
            object_repr=f"{period.year} {category}",
            before={"criteria": before},
            after={"criteria": {c.code: _criterion_fields(c) for c in kept}},
            user=user,
        )
    return kept


def _criterion_fields(criterion: Criterion) -> dict:
    return {
        "name": criterion.name,
        "weight": str(criterion.weight),
        "scale": [criterion.scale_min, criterion.scale_max],
        "kind": criterion.kind,
        "computed": criterion.computed,
    }


def weights_total(category: Category) -> Decimal:
    return category.criteria.aggregate(total=Sum("weight"))["total"] or Decimal(0)


TRANSITIONS = {
    PeriodStatus.DRAFT: PeriodStatus.OPEN,
    PeriodStatus.OPEN: PeriodStatus.REVIEW,
}


def advance_period(*, user, period: AssessmentPeriod, to: str) -> AssessmentPeriod:
    """Open the self-assessment, or close it and start the panel's review."""
    require(user, Action.MANAGE_AWARDS)
    with transaction.atomic():
        period = AssessmentPeriod.objects.select_for_update().get(pk=period.pk)
        if TRANSITIONS.get(PeriodStatus(period.status)) != to:
            raise InvalidTransition(
                _("A period that is %(state)s cannot move to that step.")
                % {"state": period.get_status_display().lower()},
                code="period_transition",
            )
        if to == PeriodStatus.OPEN:
            for category in period.categories.all():
                if weights_total(category) != HUNDRED:
                    raise InvalidInput(
                        _("The weights of %(category)s do not add up to 100 %%.")
                        % {"category": category},
                        code="criteria",
                    )
            if period.submission_deadline is None:
                raise InvalidInput(
                    _("Set the self-assessment deadline first."), code="deadline_missing"
                )
        before = period.status
        period.status = to
        period.save(update_fields=["status"])
        record_event(
            action="awards.advance_period",
            target=period,
            before={"status": before},
            after={"status": to},
            user=user,
        )
    return period


def add_entry(
    *,
    user,
    category: Category,
    regency_code: str,
    name: str = "",
    village_code: str | None = None,
) -> Entry:
    """A participant: a kabupaten/kota, a village (named by its code) or an enterprise."""
    from lindungi.regions.models import Regency, Village

    require(user, Action.MANAGE_AWARDS)
    regency = Regency.objects.filter(code=regency_code).first()
    if regency is None:
        raise InvalidInput(_("Unknown regency %(code)s.") % {"code": regency_code}, code="regency")
    village = None
    if category.kind == CategoryKind.REGENCY_GOVERNMENT:
        name = regency.name
    elif category.kind == CategoryKind.VILLAGE:
        village = Village.objects.filter(code=village_code or "", regency=regency).first()
        if village is None:
            raise InvalidInput(
                _("Village %(code)s is not in %(regency)s.")
                % {"code": village_code, "regency": regency.name},
                code="village",
            )
        name = f"{village.get_type_display()} {village.name}"
    elif not name.strip():
        raise InvalidInput(_("Name the enterprise."), code="name")
    try:
        with transaction.atomic():
            entry = Entry.objects.create(
                category=category, regency=regency, village=village, name=name.strip()
            )
            record_event(
                action="awards.add_entry",
                target=entry,
                after={"category": category.kind, "regency": regency.code, "name": entry.name},
                user=user,
            )
    except IntegrityError:
        raise InvalidInput(
            _("%(name)s already takes part in this category.") % {"name": name}, code="entry"
        ) from None
    return entry


def add_all_regencies(*, user, category: Category) -> int:
    """Every kabupaten/kota of the served province takes part; re-running adds nothing."""
    from lindungi.regions.selectors import list_regencies

    require(user, Action.MANAGE_AWARDS)
    if category.kind != CategoryKind.REGENCY_GOVERNMENT:
        raise InvalidInput(
            _("Only the kabupaten/kota category takes every regency."), code="category"
        )
    with transaction.atomic():
        before = category.entries.count()
        Entry.objects.bulk_create(
            [
                Entry(category=category, regency_id=code, name=name)
                for code, name in list_regencies().values_list("code", "name")
            ],
            ignore_conflicts=True,
        )
        added = category.entries.count() - before
        record_event(
            action="awards.add_all_regencies",
            target=category,
            summary={"added": added},
            user=user,
        )
    return added


def refresh_computed(*, user, period: AssessmentPeriod) -> int:
    """Recompute every computed indicator of the period's kabupaten/kota entries."""
    from lindungi.awards.indicators import YearFigures

    require(user, Action.MANAGE_AWARDS)
    if period.status == PeriodStatus.PUBLISHED:
        raise InvalidTransition(
            _("The results are published; their figures stay as they were."),
            code="period_published",
        )
    criteria = list(Criterion.objects.filter(category__period=period, kind=IndicatorKind.COMPUTED))
    figures = YearFigures(period.year)
    now = timezone.now()
    rows = []
    for criterion in criteria:
        for entry_id, regency_code in Entry.objects.filter(
            category_id=criterion.category_id
        ).values_list("id", "regency_id"):
            figure = figures.figure(criterion.computed, regency_code)
            rows.append(
                ComputedValue(
                    entry_id=entry_id,
                    criterion=criterion,
                    value=figure.value,
                    figures=figure.figures,
                    computed_at=now,
                )
            )
    with transaction.atomic():
        ComputedValue.objects.filter(criterion__in=criteria).delete()
        ComputedValue.objects.bulk_create(rows)
        record_event(
            action="awards.refresh_computed",
            target=period,
            summary={"values": len(rows), "year": period.year},
            user=user,
        )
    return len(rows)
