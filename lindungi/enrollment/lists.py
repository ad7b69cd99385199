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


def batch_rows(user, query):
    return selectors.list_batches(user=user)


BATCHES = register(
    ListDefinition(
        name="enrollment.batches",
        title=_("Submission batches"),
        action=Action.VIEW_PEOPLE,
        rows=batch_rows,
        export_kind="batches",
        default_sort="-id",
        columns=(
            Column("number", _("Batch number"), "number", sortable=True, unique=True, text=True),
            Column("programme", _("Programme"), "programme__name", sortable=True),
            Column("status", _("Status"), "status", sortable=True),
            Column("people", _("People"), "people", sortable=True),
            Column("start", _("Requested coverage start"), "start_date", sortable=True),
        ),
    )
)


def exit_import_rows(user, query):
    return selectors.list_exit_imports(user=user)


EXIT_IMPORTS = register(
    ListDefinition(
        name="enrollment.exit_imports",
        title=_("Exits"),
        action=Action.VIEW_PEOPLE,
        rows=exit_import_rows,
        export_kind="exit_imports",
        default_sort="-id",
        columns=(
            Column("kind", _("Kind of file"), "kind", sortable=True),
            Column("file", _("File"), "file_name", sortable=True),
            Column("read", _("Read"), "rows_read", sortable=True),
            Column("ended", _("Ended"), "rows_ended", sortable=True),
            Column("unchanged", _("Unchanged"), "rows_unchanged", sortable=True),
            Column("rejected", _("Invalid rows"), "rows_rejected", sortable=True),
            Column("replacements", _("Replacements"), "replacements", sortable=True),
        ),
    )
)
