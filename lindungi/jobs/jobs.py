"""The background export of a list too large for one request (`core.lists`)."""

from django.db import transaction
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.core import lists
from lindungi.core.errors import InvalidInput
from lindungi.jobs.files import file_result, purge_expired_files, write_job_file
from lindungi.jobs.registry import job_handler

LIST_EXPORT_JOB_KIND = "jobs.list_export"


@job_handler(LIST_EXPORT_JOB_KIND, atomic=False)
def export_list(
    *, job, progress, list_name: str, query: dict, file_format: str, scope: dict | None = None
) -> dict:
    """Rebuild the list's rows for the job's creator (so the same scope and masking apply) and
    write them to the job's file; reads only, so no transaction holds the database."""
    if file_format not in lists.EXPORT_FORMATS:
        raise InvalidInput(_("Unknown export format."), code="bad_format")
    try:
        definition = lists.get_definition(list_name)
    except KeyError:
        raise InvalidInput(_("Unknown list."), code="unknown_list") from None
    user = job.created_by
    if definition.action is not None:
        lists.require(user, definition.action)
    filters = lists.query_from(query)
    queryset = lists.ordered_rows(definition, user, filters, scope or {})
    purge_expired_files()
    total = queryset.order_by().count()
    progress.start(total, str(_("Rows written")))

    def counted(rows):
        pending = 0
        for row in rows:
            yield row
            pending += 1
            if pending == 1000:
                progress.advance(pending)
                pending = 0
        progress.advance(pending)

    def write(target) -> int:
        rows = counted(lists.export_rows(definition, user, queryset))
        return lists.write_rows(definition, file_format, rows, target)

    path, count = write_job_file(job.pk, file_format, write)
    progress.finish()
    with transaction.atomic():
        record_list_export(
            user=user,
            definition=definition,
            file_format=file_format,
            query=query,
            scope=scope or {},
            rows=count,
        )
    return file_result(
        job.pk,
        path,
        count,
        download_name=f"{definition.name.replace('.', '-')}.{file_format}",
        action=definition.action.value if definition.action else "",
    )


def start_list_export(definition: lists.ListDefinition, user, query, scope: dict):
    """Queue the export of a list (called by `core.lists` above its threshold)."""
    from lindungi.jobs.services import start_job

    return start_job(
        kind=LIST_EXPORT_JOB_KIND,
        params=lists.export_job_params(definition, query, scope),
        user=user,
        label=_("Export: %(list)s") % {"list": definition.title},
    )


def record_list_export(
    *, user, definition: lists.ListDefinition, file_format: str, query, scope, rows=None
) -> None:
    """One audit event per export of a list (issue 12.7): who took which rows, in which format."""
    summary = {"format": file_format, "query": query, "scope": scope}
    if rows is not None:
        summary["rows"] = rows
    record_event(
        action=f"export.{definition.export_kind or definition.name}",
        object_type="list",
        object_id=definition.name,
        object_repr=str(definition.title),
        summary=summary,
        user=user,
    )


lists.plug_exports(start_job=start_list_export, record=record_list_export)
