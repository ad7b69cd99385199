"""The audit trail page as a `core.lists` list: newest first, keyset pages, exports."""

from django.utils.translation import gettext_lazy as _

from lindungi.audit.forms import AuditFilterForm
from lindungi.audit.selectors import list_events, list_object_types
from lindungi.core.lists import Column, ListDefinition, register
from lindungi.core.permissions import Action


def event_rows(user, query):
    form = AuditFilterForm(query or None, object_types=list_object_types())
    filters = form.cleaned_data if form.is_valid() else {}
    return list_events(**{key: value for key, value in filters.items() if value}).select_related(
        None
    )


EVENTS = register(
    ListDefinition(
        name="audit.events",
        title=_("Audit trail"),
        action=Action.VIEW_AUDIT,
        rows=event_rows,
        export_kind="audit_events",
        # Events are appended in time order: the id orders them, on its own index.
        default_sort="-time",
        columns=(
            Column("time", _("Time"), "occurred_at", sortable=True, sort=("pk",), unique=True),
            Column("user", _("User"), "actor_username"),
            Column("action", _("Action"), "action"),
            Column("object", _("Object"), "object_type"),
            Column("object_repr", _("Object name"), "object_repr", page=False),
            Column("object_id", _("Object id"), "object_id", page=False, text=True),
            Column("source", _("Source"), "source"),
        ),
    )
)
