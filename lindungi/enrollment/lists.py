"""The enrollment list page as a `web.lists` list: columns, sorting, keyset pages, exports."""

from django.utils.translation import gettext_lazy as _

from lindungi.core.lists import Column, ListDefinition, register
from lindungi.core.permissions import Action
from lindungi.enrollment import selectors
from lindungi.enrollment.forms import EnrollmentFilterForm


def enrollment_rows(user, query):
    form = EnrollmentFilterForm(query or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return selectors.list_enrollments(
        user=user,
        regency_code=filters.get("regency") or None,
        state=filters.get("state") or None,
    )


ENROLLMENTS = register(
    ListDefinition(
        name="enrollment.enrollments",
        title=_("Enrollments"),
        action=Action.VIEW_PEOPLE,
        rows=enrollment_rows,
        export_kind="enrollments",
        # By id: the primary key's index serves page 1 and page 20,000 alike.
        default_sort="id",
        columns=(
            Column("nik", "NIK", "person__nik", sortable=True, nik=True),
            Column("name", _("Name"), "person__full_name", sortable=True),
            Column("regency", _("Regency"), "regency__name", sortable=True, sort=("regency_id",)),
            Column("state", _("State"), "state", sortable=True),
            Column("kpj", "KPJ", "kpj", text=True),
            Column("start", _("Coverage start"), "start_date"),
            Column("end", _("Coverage end"), "end_date"),
        ),
    )
)
