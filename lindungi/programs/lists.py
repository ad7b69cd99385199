"""A selection run's decisions for one regency as a `core.lists` list."""

from django.db.models import Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from lindungi.core.lists import Column, ListDefinition, register
from lindungi.core.permissions import Action, can_access_regency
from lindungi.programs import selectors
from lindungi.programs.choices import Outcome
from lindungi.programs.models import SelectionRun

# People without a rank (not eligible, excluded) sort after every ranked person.
UNRANKED = 2_147_483_647


def decision_outcome(query) -> str:
    outcome = query.get("outcome") or Outcome.SELECTED
    if outcome not in Outcome.values:
        raise Http404
    return outcome


def decision_rows(user, query, *, run_id: int, regency_code: str):
    if not can_access_regency(user, regency_code):
        raise Http404  # another regency's list looks like one that does not exist
    run = get_object_or_404(SelectionRun, pk=run_id)
    return selectors.list_decisions(
        user=user, run=run, outcome=decision_outcome(query), regency_code=regency_code
    ).annotate(rank_order=Coalesce("rank", Value(UNRANKED)))


DECISIONS = register(
    ListDefinition(
        name="programs.decisions",
        title=_("Selection results"),
        action=Action.VIEW_PEOPLE,
        rows=decision_rows,
        export_kind="decisions",
        default_sort="rank",
        columns=(
            Column("rank", _("Rank"), "rank", sortable=True, sort=("rank_order",)),
            Column("nik", "NIK", "nik", sortable=True, nik=True),
            Column("desil", _("Desil"), "desil"),
            Column("age", _("Age"), "age", sortable=True),
            Column("cohort", _("Cohort"), "cohort__name"),
        ),
    )
)
