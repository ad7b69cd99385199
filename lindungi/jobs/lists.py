"""The jobs page as a `core.lists` list (newest first, keyset pages, exports)."""

from django.utils.translation import gettext_lazy as _

from lindungi.core.lists import Column, ListDefinition, register
from lindungi.jobs.selectors import list_jobs


def job_rows(user, query):
    return list_jobs(user=user)


JOBS = register(
    ListDefinition(
        name="jobs.jobs",
        title=_("Background jobs"),
        rows=job_rows,
        export_kind="jobs",
        default_sort="-id",
        columns=(
            Column("id", _("Number"), "pk", sortable=True),
            Column("label", _("Job"), "label", sortable=True),
            Column("status", _("Status"), "status", sortable=True),
            Column("done", _("Progress"), "done"),
            Column("created_by", _("Started by"), "created_by__username"),
            Column("created", _("Created"), "created_at", sortable=True),
        ),
    )
)
