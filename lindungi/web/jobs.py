"""The background export of a list too large for one request (`web.lists`)."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.core.errors import InvalidInput
from lindungi.jobs.files import RETENTION_DAYS, expires_at, purge_expired_files, write_job_file
from lindungi.jobs.registry import job_handler
from lindungi.web import lists


@job_handler("web.list_export", atomic=False)
def export_list(*, job, progress, list_name: str, query: dict, file_format: str) -> dict:
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
    queryset = lists.ordered_rows(definition, user, filters)
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
        headers = lists.export_headers(definition)
        rows = counted(lists.export_rows(definition, user, queryset))
        if file_format == "xlsx":
            from lindungi.core.exports import write_xlsx

            return write_xlsx(
                target,
                headers=headers,
                rows=rows,
                sheet_title=str(definition.title),
                text_columns=lists.text_columns(definition),
            )
        written = -1
        for line in lists.csv_lines(headers, rows):
            target.write(line.encode("utf-8"))
            written += 1
        return written

    path, count = write_job_file(job.pk, file_format, write)
    progress.finish()
    with transaction.atomic():
        record_event(
            action=f"export.{definition.export_kind or definition.name}",
            object_type="list",
            object_id=definition.name,
            object_repr=str(definition.title),
            summary={"format": file_format, "query": query, "rows": count, "job": job.pk},
            user=user,
        )
    return {
        "rows": count,
        "file": path.name,
        "download_name": f"{definition.name.replace('.', '-')}.{file_format}",
        "action": definition.action.value if definition.action else "",
        "result_url": reverse("jobs:file", args=[job.pk]),
        "expires_at": expires_at(timezone.now()),
        "retention_days": RETENTION_DAYS,
    }
