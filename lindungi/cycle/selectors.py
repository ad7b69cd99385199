"""Reads of the yearly cycle. People pass through `scoped`: a regency officer sees and
comments on their own regency's part of a renewal diff only."""

from django.db.models import QuerySet

from lindungi.core.permissions import Action, require, scoped
from lindungi.cycle.models import CloseOut, Renewal, RenewalEntry
from lindungi.programs.models import Programme


def get_renewal(renewal_id: int) -> Renewal:
    return Renewal.objects.select_related("from_programme", "to_programme").get(pk=renewal_id)


def list_entries(
    *, user, renewal: Renewal, outcome: str | None = None, regency_code: str | None = None
) -> QuerySet[RenewalEntry]:
    require(user, Action.VIEW_PEOPLE)
    entries = scoped(user, renewal.entries.select_related("person", "regency"))
    if outcome:
        entries = entries.filter(outcome=outcome)
    if regency_code:
        entries = entries.filter(regency_id=regency_code)
    return entries.order_by("regency_id", "person__nik")


def get_closeout(programme: Programme) -> CloseOut | None:
    return CloseOut.objects.filter(programme=programme).first()
