"""Reads for programmes and selection runs. Every people queryset passes through scoped()."""

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lindungi.core.errors import InvalidInput
from lindungi.core.money import format_number
from lindungi.core.permissions import Action, require, scoped
from lindungi.core.timeline import TimelineEntry
from lindungi.programs.choices import ExclusionStatus, Outcome, RunStatus
from lindungi.programs.models import (
    Decision,
    ExclusionProposal,
    FundingShare,
    Programme,
    RateRule,
    RunQuota,
    SelectionRun,
)
from lindungi.regions.models import Regency


def list_programmes() -> QuerySet[Programme]:
    return Programme.objects.select_related("province", "regency").prefetch_related("cohorts")


def get_programme(pk: int) -> Programme:
    return list_programmes().get(pk=pk)


def list_rate_rules() -> QuerySet[RateRule]:
    return RateRule.objects.order_by("effective_from", "component", "kind")


def current_run(programme: Programme) -> SelectionRun | None:
    """The approved run if there is one, else the latest draft."""
    runs = programme.runs.exclude(status=RunStatus.SUPERSEDED)
    return runs.filter(status=RunStatus.APPROVED).first() or runs.first()


def list_run_quotas(run: SelectionRun) -> QuerySet[RunQuota]:
    return run.quotas.select_related("regency", "cohort").order_by("regency", "cohort__position")


def quota_map(run: SelectionRun) -> dict:
    """GeoJSON of the run's regencies with their quota and places filled (all cohorts summed).

    Aggregates only, no person: anyone who may see the programme may see the map.
    """
    totals = {
        row["regency_id"]: row
        for row in run.quotas.values("regency_id").annotate(
            quota=Sum("quota"), filled=Sum("filled")
        )
    }
    regencies = Regency.objects.filter(code__in=totals, boundary__isnull=False).order_by("code")
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": regency.boundary,
                "properties": {
                    "code": regency.code,
                    "name": regency.name,
                    "quota": totals[regency.code]["quota"],
                    "filled": totals[regency.code]["filled"],
                    "tooltip": f"{regency.name}: {format_number(totals[regency.code]['filled'])}"
                    f" / {format_number(totals[regency.code]['quota'])}",
                },
            }
            for regency in regencies
        ],
    }


def regency_results(*, user, run: SelectionRun) -> list[dict]:
    """Per regency: quota, eligible, selected, waitlisted (limited to the user's regency)."""
    require(user, Action.VIEW_PEOPLE)
    counts = {
        row["regency_id"]: row
        for row in scoped(user, Decision.objects.filter(run=run))
        .values("regency_id")
        .annotate(
            eligible=Count("id", filter=Q(reasons=0)),
            selected=Count("id", filter=Q(outcome=Outcome.SELECTED)),
            waitlisted=Count("id", filter=Q(outcome=Outcome.WAITLISTED)),
            excluded=Count("id", filter=Q(outcome=Outcome.EXCLUDED)),
        )
    }
    quotas = scoped(user, run.quotas.all()).values("regency_id").annotate(quota=Sum("quota"))
    names = dict(Regency.objects.values_list("code", "name"))
    rows = []
    for quota in quotas.order_by("regency_id"):
        code = quota["regency_id"]
        row = counts.get(code, {})
        rows.append(
            {
                "regency_code": code,
                "regency_name": names.get(code, code),
                "quota": quota["quota"],
                "eligible": row.get("eligible", 0),
                "selected": row.get("selected", 0),
                "waitlisted": row.get("waitlisted", 0),
                "excluded": row.get("excluded", 0),
            }
        )
    return rows


def list_decisions(
    *, user, run: SelectionRun, outcome: str | None = None, regency_code: str | None = None
) -> QuerySet[Decision]:
    require(user, Action.VIEW_PEOPLE)
    decisions = scoped(user, run.decisions.select_related("regency", "cohort"))
    if outcome:
        decisions = decisions.filter(outcome=outcome)
    if regency_code:
        decisions = decisions.filter(regency_id=regency_code)
    return decisions.order_by("regency_id", "rank", "nik")


def get_decision(*, user, run: SelectionRun, nik: str) -> Decision:
    """The decision for one NIK; Decision.DoesNotExist also when it is outside the user's scope."""
    require(user, Action.VIEW_PEOPLE)
    return scoped(user, run.decisions.select_related("regency", "cohort", "run")).get(
        person__nik=nik
    )


def list_proposals(*, user, run: SelectionRun) -> QuerySet[ExclusionProposal]:
    require(user, Action.VIEW_PEOPLE)
    return scoped(
        user,
        ExclusionProposal.objects.filter(decision__run=run).select_related(
            "decision", "decision__regency", "proposed_by", "decided_by"
        ),
    )


def _number(value: int) -> str:
    if (get_language() or "id").startswith("en"):
        return f"{value:,}"
    return f"{value:,}".replace(",", ".")


def explain(*, user, run: SelectionRun, nik: str) -> str:
    """Why this person was or was not selected (in the active language), with the flags that
    ask for verification: a NIK district code unknown in our tables (issue 19, point 6)."""
    if not nik.isdigit() or len(nik) != 16:
        raise InvalidInput(_("A NIK has 16 digits."), code="nik_invalid")
    why = _explain(user=user, run=run, nik=nik)
    why += _merged_or_excluded(user=user, run=run, nik=nik)
    if not nik_district_known(nik):
        why += " " + _(
            "The NIK's district code %(prefix)s is not in our code tables (it may predate "
            "them): verify the residence."
        ) % {"prefix": nik[:6]}
    return why


def _merged_or_excluded(*, user, run: SelectionRun, nik: str) -> str:
    """A confirmed duplicate resolved against this person (issue 19, point 2)."""
    from lindungi.registry.choices import DuplicateResolution
    from lindungi.registry.selectors import duplicate_resolution_of

    decision = get_decision(user=user, run=run, nik=nik)
    pair = duplicate_resolution_of(person_id=decision.person_id)
    if pair is None or pair.kept_person is None:
        return ""
    values = {"nik": pair.kept_person.nik, "reason": pair.resolution_reason}
    if pair.resolution == DuplicateResolution.MERGED:
        return " " + _("Merged into NIK %(nik)s (same person): %(reason)s") % values
    return " " + _("Excluded as a duplicate of NIK %(nik)s: %(reason)s") % values


def _explain(*, user, run: SelectionRun, nik: str) -> str:
    decision = get_decision(user=user, run=run, nik=nik)
    if decision.outcome == Outcome.INELIGIBLE:
        reasons = "; ".join(str(reason.label) for reason in decision.reason_list)
        return _("Not eligible: %(reasons)s.") % {"reasons": reasons}
    regency_quota = (
        run.quotas.filter(regency_id=decision.regency_id).aggregate(total=Sum("quota"))["total"]
        or 0
    )
    values = {
        "rank": _number(decision.rank),
        "regency": decision.regency.name,
        "quota": _number(regency_quota),
        "desil": decision.desil,
    }
    if decision.outcome == Outcome.EXCLUDED:
        proposal = decision.proposals.filter(status=ExclusionStatus.ACCEPTED).first()
        values["reason"] = proposal.reason if proposal else ""
        return (
            _("Ranked %(rank)s in %(regency)s but excluded on the regency's proposal: %(reason)s")
            % values
        )
    if decision.outcome == Outcome.SELECTED:
        values["cohort"] = decision.cohort.name if decision.cohort else ""
        if decision.continued:
            return (
                _(
                    "Continued from last year: ranked %(rank)s in %(regency)s, within the "
                    "quota of %(quota)s (desil %(desil)s); keeps the place in %(cohort)s."
                )
                % values
            )
        return (
            _(
                "Ranked %(rank)s in %(regency)s, within the quota of %(quota)s (desil "
                "%(desil)s); selected for %(cohort)s."
            )
            % values
        )
    last_selected = (
        run.decisions.filter(regency_id=decision.regency_id, outcome=Outcome.SELECTED)
        .order_by("-rank")
        .values_list("desil", flat=True)
        .first()
    )
    if last_selected is None:
        return _("Ranked %(rank)s in %(regency)s; the quota there is %(quota)s.") % values
    values["cutoff"] = last_selected
    return (
        _("Ranked %(rank)s in %(regency)s; the quota of %(quota)s was filled at desil %(cutoff)s.")
        % values
    )


def nik_district_known(nik: str) -> bool:
    """Whether the NIK's district prefix is in any edition of our code tables."""
    from lindungi.regions.selectors import lookup_nik_prefix

    found = lookup_nik_prefix(nik)
    return found is not None and found.district_known


def person_timeline_entries(person, user) -> Iterable[TimelineEntry]:
    from lindungi.programs.models import Decision

    for decision in Decision.objects.filter(person=person).select_related("run__programme"):
        when = decision.run.approved_at or decision.run.created_at
        yield TimelineEntry(
            when,
            "programs",
            _("Selection: %(outcome)s") % {"outcome": decision.get_outcome_display()},
            _("%(programme)s, rank %(rank)s")
            % {"programme": decision.run.programme, "rank": decision.rank or "–"},
        )


def list_funding_shares(programme: Programme) -> list[FundingShare]:
    """Every funding share of the programme's cohorts with `percent` for display."""
    shares = list(
        FundingShare.objects.filter(cohort__programme=programme)
        .select_related("cohort", "payer")
        .order_by("cohort__position", "cohort_id", "from_month", "-share_bp", "payer_id")
    )
    for share in shares:
        share.percent = f"{share.share_bp / 100:g}".replace(".", ",")
    return shares
