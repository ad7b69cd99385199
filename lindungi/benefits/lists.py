"""The claims page as a `core.lists` list: sorting, keyset pages, exports."""

from django.utils.translation import gettext_lazy as _

from lindungi.benefits import selectors
from lindungi.benefits.forms import ClaimFilterForm
from lindungi.core.lists import Column, ListDefinition, register
from lindungi.core.permissions import Action


def claim_rows(user, query):
    form = ClaimFilterForm(query or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return selectors.list_claims(
        user=user,
        regency_code=filters.get("regency") or None,
        kind=filters.get("kind") or None,
        status=filters.get("status") or None,
        verdict=filters.get("verdict") or None,
    )


CLAIMS = register(
    ListDefinition(
        name="benefits.claims",
        title=_("Claims"),
        action=Action.VIEW_CLAIMS,
        rows=claim_rows,
        export_kind="claims",
        default_sort="-incident",
        columns=(
            Column("number", _("Claim"), "number", sortable=True, unique=True, text=True),
            Column("name", _("Name"), "person__full_name", sortable=True),
            Column("regency", _("Regency"), "regency__name", sortable=True, sort=("regency_id",)),
            Column("kind", _("Kind"), "kind", sortable=True),
            Column("incident", _("Incident date"), "incident_date", sortable=True),
            Column("status", _("Status"), "status", sortable=True),
            Column("verdict", _("Cover verdict"), "verdict"),
            Column("paid", _("Paid"), "paid"),
            Column("computed", _("By regulation"), "computed"),
        ),
    )
)
