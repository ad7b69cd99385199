"""Reads behind the dashboards, reports and API aggregates.

Every function that takes `user` passes its queryset through `scoped()`, so a regency officer
only ever aggregates their own regency. The figures come from the summary tables
(`reports.models`, rebuilt by `services.refresh_summaries`), never from a loop over people.
The `public_*` functions take no user: they return aggregates only, with small counts hidden.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from lindungi.core.ages import AgeBand
from lindungi.core.permissions import Action, require, scoped
from lindungi.enrollment.models import Enrollment
from lindungi.programs.choices import RunStatus
from lindungi.programs.models import Programme, SelectionRun
from lindungi.regions.models import Regency
from lindungi.regions.selectors import list_regencies, poor_population
from lindungi.registry.choices import ImportStatus, RejectReason, Sex
from lindungi.registry.models import CandidateImport, Person
from lindungi.registry.selectors import in_village, nik_prefix
from lindungi.reports.choices import PUBLIC_MINIMUM_COUNT
from lindungi.reports.models import (
    MonthlyHeadcount,
    PeopleSummary,
    ProgrammeRegencySummary,
    SummaryState,
)

# Occupations beyond this many are shown together as "others".
TOP_OCCUPATIONS = 8
FUNNEL_STAGES = ("candidates", "eligible", "selected", "active", "ended")


def summary_state() -> SummaryState | None:
    return SummaryState.objects.filter(pk=1).first()


def list_programmes() -> QuerySet[Programme]:
    return Programme.objects.order_by("-year", "-id")


def default_programme(programme_id: int | None = None) -> Programme | None:
    """The asked-for programme, else the newest one that has figures, else the newest."""
    if programme_id is not None:
        return Programme.objects.filter(pk=programme_id).first()
    with_figures = ProgrammeRegencySummary.objects.values("programme_id")
    return list_programmes().filter(pk__in=with_figures).first() or list_programmes().first()


def _limit(user, queryset: QuerySet, regency: str | None) -> QuerySet:
    queryset = scoped(user, queryset)
    if regency:
        queryset = queryset.filter(regency_id=regency)
    return queryset


def regency_names() -> dict[str, str]:
    return dict(list_regencies().values_list("code", "name"))


def candidates_per_regency(*, user, regency: str | None = None) -> dict[str, int]:
    """Regency code -> people in the registry (alive or not)."""
    require(user, Action.VIEW_PEOPLE)
    rows = (
        _limit(user, PeopleSummary.objects.all(), regency)
        .values("regency_id")
        .annotate(people=Sum("people"))
        .order_by("regency_id")
    )
    return {row["regency_id"]: row["people"] for row in rows}


@dataclass(frozen=True)
class Share:
    key: str
    label: str
    people: int


def _labelled(rows: dict, labels: dict) -> list[Share]:
    return [Share(str(key), str(labels.get(key, key)), count) for key, count in rows.items()]


def spread(*, user, dimension: str, regency: str | None = None) -> list[Share]:
    """Living candidates by sex, age_band, desil or occupation (top ones, then "others")."""
    require(user, Action.VIEW_PEOPLE)
    if dimension not in {"sex", "age_band", "desil", "occupation"}:
        raise ValueError(f"unknown dimension {dimension!r}")
    rows = (
        _limit(user, PeopleSummary.objects.filter(deceased=False), regency)
        .values(dimension)
        .annotate(people=Sum("people"))
        .order_by(dimension)
    )
    counts = {row[dimension]: row["people"] for row in rows}
    if dimension == "sex":
        return _labelled({key: counts.get(key, 0) for key in Sex.values}, dict(Sex.choices))
    if dimension == "age_band":
        return _labelled({key: counts.get(key, 0) for key in AgeBand.values}, dict(AgeBand.choices))
    if dimension == "desil":
        known = {key: counts[key] for key in sorted(k for k in counts if k is not None)}
        shares = [Share(str(key), str(key), count) for key, count in known.items()]
        if counts.get(None):
            shares.append(Share("", _("Unknown"), counts[None]))
        return shares
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    shares = [Share(key, key or _("Not stated"), count) for key, count in ordered[:TOP_OCCUPATIONS]]
    rest = sum(count for _key, count in ordered[TOP_OCCUPATIONS:])
    if rest:
        shares.append(Share("", _("Others"), rest))
    return shares


@dataclass(frozen=True)
class Rejections:
    reason: str
    label: str
    rows: int


def data_quality(*, user) -> tuple[dict[str, int], list[Rejections]]:
    """Totals of completed imports and their rejected rows by reason code, most frequent first.

    Read from each import's own counters (one row per file), so its cost grows with the number
    of files, not of rows. A regency officer sees the imports made for their regency.
    """
    require(user, Action.VIEW_PEOPLE)
    imports = scoped(user, CandidateImport.objects.filter(status=ImportStatus.COMPLETED))
    totals = imports.aggregate(
        files=Count("id"),
        read=Sum("rows_read"),
        accepted=Sum("rows_accepted"),
        updated=Sum("rows_updated"),
        unchanged=Sum("rows_unchanged"),
        rejected=Sum("rows_rejected"),
    )
    reasons: dict[str, int] = {}
    for counts in imports.values_list("reason_counts", flat=True):
        for reason, rows in (counts or {}).items():
            reasons[reason] = reasons.get(reason, 0) + int(rows)
    labels = dict(RejectReason.choices)
    ordered = sorted(reasons.items(), key=lambda item: (-item[1], item[0]))
    return (
        {key: value or 0 for key, value in totals.items()},
        [Rejections(reason, str(labels.get(reason, reason)), rows) for reason, rows in ordered],
    )


def funnel(*, user, programme: Programme | None, regency: str | None = None) -> dict[str, int]:
    """candidates -> eligible -> selected -> active -> ended for one programme."""
    require(user, Action.VIEW_PEOPLE)
    stages = dict.fromkeys(FUNNEL_STAGES, 0)
    stages["candidates"] = sum(candidates_per_regency(user=user, regency=regency).values())
    if programme is None:
        return stages
    totals = _limit(
        user, ProgrammeRegencySummary.objects.filter(programme=programme), regency
    ).aggregate(**{stage: Sum(stage) for stage in FUNNEL_STAGES[1:]})
    stages.update({stage: totals[stage] or 0 for stage in FUNNEL_STAGES[1:]})
    return stages


@dataclass(frozen=True)
class RegencyFigures:
    code: str
    name: str
    candidates: int
    quota: int
    eligible: int
    selected: int
    active: int
    ended: int
    poor_population: int | None

    @property
    def covered(self) -> int:
        """Holding a place now: active where enrollment has begun, else selected."""
        return self.active or self.selected

    @property
    def of_quota(self) -> float | None:
        return self.covered / self.quota if self.quota else None

    @property
    def of_poor(self) -> float | None:
        return self.covered / self.poor_population if self.poor_population else None


def regency_figures(
    *, user, programme: Programme | None, regency: str | None = None
) -> list[RegencyFigures]:
    """One row per regency the user may see, in code order, for the map and the table."""
    require(user, Action.VIEW_PEOPLE)
    candidates = candidates_per_regency(user=user, regency=regency)
    funnel_rows = {}
    if programme is not None:
        funnel_rows = {
            row.regency_id: row
            for row in _limit(
                user, ProgrammeRegencySummary.objects.filter(programme=programme), regency
            )
        }
    poor = poor_population()
    regencies = scoped(user, list_regencies(), regency_field="code")
    if regency:
        regencies = regencies.filter(code=regency)
    figures = []
    for code, name in regencies.values_list("code", "name"):
        row = funnel_rows.get(code)
        figures.append(
            RegencyFigures(
                code=code,
                name=name,
                candidates=candidates.get(code, 0),
                quota=row.quota if row else 0,
                eligible=row.eligible if row else 0,
                selected=row.selected if row else 0,
                active=row.active if row else 0,
                ended=row.ended if row else 0,
                poor_population=poor.get(code),
            )
        )
    return figures


def monthly_headcount(
    *, user, programme: Programme | None, regency: str | None = None
) -> list[tuple[date, int]]:
    require(user, Action.VIEW_PEOPLE)
    if programme is None:
        return []
    rows = (
        _limit(user, MonthlyHeadcount.objects.filter(programme=programme), regency)
        .values("month")
        .annotate(covered=Sum("covered"))
        .order_by("month")
    )
    return [(row["month"], row["covered"]) for row in rows]


def latest_month_with_data(programme: Programme) -> date | None:
    """The newest month of the programme with a headcount or an invoice, if any."""
    from lindungi.contributions.models import Invoice

    months = [
        MonthlyHeadcount.objects.filter(programme=programme, covered__gt=0)
        .order_by("-month")
        .values_list("month", flat=True)
        .first(),
        Invoice.objects.filter(programme=programme)
        .order_by("-month")
        .values_list("month", flat=True)
        .first(),
    ]
    found = [month for month in months if month is not None]
    return max(found) if found else None


def regency_boundaries(*, user, regency: str | None = None) -> dict:
    """The regencies as a GeoJSON FeatureCollection (read only for the map's data endpoint)."""
    require(user, Action.VIEW_PEOPLE)
    regencies = scoped(user, Regency.objects.filter(boundary__isnull=False), regency_field="code")
    if regency:
        regencies = regencies.filter(code=regency)
    features = [
        {
            "type": "Feature",
            "properties": {"code": code, "name": name},
            "geometry": boundary,
        }
        for code, name, boundary in regencies.values_list("code", "name", "boundary")
    ]
    return {"type": "FeatureCollection", "features": features}


def list_people(
    *,
    user,
    regency: str | None = None,
    query: str = "",
    village: str = "",
    programme: Programme | None = None,
    state: str = "",
) -> QuerySet[Person]:
    """People the user may see, searched by NIK (prefix) or name, filtered by village and by
    their enrollment state in `programme`."""
    require(user, Action.VIEW_PEOPLE)
    people = _limit(user, Person.objects.all(), regency).select_related("village")
    query = query.strip()
    if query.isdigit():
        people = people.filter(nik_prefix(query))
    elif query:
        people = people.filter(name_normalised__contains=" ".join(query.upper().split()))
    if village:
        people = people.filter(in_village(village))
    if state and programme is not None:
        people = people.filter(
            pk__in=Enrollment.objects.filter(programme=programme, state=state).values("person_id")
        )
    return people.order_by("nik")


@dataclass(frozen=True)
class PeoplePage:
    """One page of a people list, without a total: counting a regency's people on every view
    cost more than the rest of the page (the dashboard shows the total from the summary)."""

    people: list[Person]
    # The id to pass as `after` for the next page, or None on the last page.
    next_after: int | None
    is_first: bool


def people_page(people: QuerySet[Person], *, after: int | None, size: int = 50) -> PeoplePage:
    """The `size` people (in NIK order) following the person `after` (keyset pagination).

    The cursor is the person's id, not their NIK, so that no NIK lands in a URL or a server
    log; it is looked up within `people`, so a cursor outside the user's scope starts over.
    """
    start = None
    if after is not None:
        start = people.filter(pk=after).values_list("nik", flat=True).first()
    if start is not None:
        people = people.filter(nik__gt=start)
    # Ids first, then the rows: the sort then carries one narrow column and no joined village
    # across the regency's tens of thousands of people, and only the page's rows are joined.
    ids = list(people.values_list("pk", flat=True)[: size + 1])
    rows = list(people.filter(pk__in=ids)) if ids else []
    return PeoplePage(
        people=rows[:size],
        next_after=rows[size - 1].pk if len(rows) > size else None,
        is_first=start is None,
    )


def enrollment_states(*, user, programme: Programme | None, people) -> dict[int, str]:
    """Person id -> enrollment state in the programme, for one page of a people list."""
    require(user, Action.VIEW_PEOPLE)
    if programme is None:
        return {}
    ids = [person.pk for person in people]
    enrollments = scoped(user, Enrollment.objects.filter(programme=programme, person_id__in=ids))
    return dict(enrollments.values_list("person_id", "state"))


# --- Public figures: no user, no person, nothing under PUBLIC_MINIMUM_COUNT -----------------
# Only approved, covered facts are published (issue 12.4): a programme appears once one of its
# selection runs is approved, "protected" counts only active coverage (never selected people of
# a draft), and a year is chosen explicitly or is the newest year with an approved programme.


def public_programmes() -> QuerySet[Programme]:
    """Programmes the public may see figures of: those with an approved selection run."""
    approved = SelectionRun.objects.filter(status=RunStatus.APPROVED).values("programme_id")
    return list_programmes().filter(pk__in=approved)


def public_years() -> list[int]:
    return sorted(set(public_programmes().values_list("year", flat=True)), reverse=True)


def _published(programme: Programme | None) -> Programme | None:
    """The programme if its figures may be published, else None (a draft never is)."""
    if programme is None or not public_programmes().filter(pk=programme.pk).exists():
        return None
    return programme


def parse_year(raw: str) -> int | None:
    """A four-digit year from a query string, else None (the newest published year)."""
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and len(raw) == 4 else None


def public_programme(*, year: int | None = None) -> Programme | None:
    """The programme whose figures are published for `year` (the newest year by default)."""
    programmes = public_programmes()
    if year is not None:
        programmes = programmes.filter(year=year)
    return programmes.first()


def suppress(count: int | None) -> int | None:
    """The count itself, or None when it is small enough to point at a few people."""
    if count is None or count < PUBLIC_MINIMUM_COUNT:
        return None
    return count


@dataclass(frozen=True)
class PublicRegency:
    code: str
    name: str
    candidates: int | None
    covered: int | None


def suppress_column(counts: dict[str, int]) -> dict[str, int | None]:
    """Hide small counts in a column whose total is published, so none can be worked out.

    Counts under 10 are hidden; then, while the hidden ones add up to 1..9 (the published
    total minus the shown ones would give them away), the smallest shown count is hidden too.
    """
    shown = {key: suppress(count) for key, count in counts.items()}
    hidden = sum(count for key, count in counts.items() if shown[key] is None)
    while 0 < hidden < PUBLIC_MINIMUM_COUNT:
        candidates = [key for key, value in shown.items() if value is not None]
        if not candidates:
            break
        smallest = min(candidates, key=lambda key: (counts[key], key))
        shown[smallest] = None
        hidden += counts[smallest]
    return shown


def public_regencies(*, programme: Programme | None) -> list[PublicRegency]:
    """Candidates and covered workers per regency, with counts under 10 hidden (and as many
    others as it takes for the totals not to give them away)."""
    candidates = dict(
        PeopleSummary.objects.values("regency_id")
        .annotate(people=Sum("people"))
        .values_list("regency_id", "people")
    )
    covered: dict[str, int] = {}
    programme = _published(programme)
    if programme is not None:
        for row in ProgrammeRegencySummary.objects.filter(programme=programme):
            covered[row.regency_id] = row.active
    regencies = list(list_regencies().values_list("code", "name"))
    shown_candidates = suppress_column({code: candidates.get(code, 0) for code, _ in regencies})
    shown_covered = suppress_column({code: covered.get(code, 0) for code, _ in regencies})
    return [
        PublicRegency(code, name, shown_candidates[code], shown_covered[code])
        for code, name in regencies
    ]


def public_months(*, programme: Programme | None) -> list[tuple[date, int | None]]:
    """Covered workers per month in the whole region, hidden under 10."""
    programme = _published(programme)
    if programme is None:
        return []
    rows = (
        MonthlyHeadcount.objects.filter(programme=programme)
        .values("month")
        .annotate(covered=Sum("covered"))
        .order_by("month")
    )
    return [(row["month"], suppress(row["covered"])) for row in rows]


def public_totals(*, programme: Programme | None) -> dict[str, int | None]:
    """Candidates, the target, and selected/active of an approved programme (else nothing)."""
    programme = _published(programme)
    totals = ProgrammeRegencySummary.objects.filter(programme=programme).aggregate(
        quota=Sum("quota"), selected=Sum("selected"), active=Sum("active")
    )
    people = PeopleSummary.objects.aggregate(people=Sum("people"))["people"]
    return {
        "candidates": suppress(people),
        "quota": totals["quota"],  # a published target, not a count of people
        "selected": suppress(totals["selected"]),
        "active": suppress(totals["active"]),
    }


def count_people_live(*, user) -> dict[str, int]:
    """Candidates per regency straight from the registry (the benchmark's baseline)."""
    return dict(
        scoped(user, Person.objects.all())
        .values("regency_id")
        .annotate(n=Count("id", filter=Q(died_on__isnull=True)))
        .values_list("regency_id", "n")
    )
