"""Background handlers: the insurer's statement is reconciled here, with a progress bar.

The statement import keeps its own (short) transaction: the file is read and checked outside
any transaction, then one transaction of about a second writes the whole reconciliation.
"""

from pathlib import Path

from django.conf import settings
from django.urls import reverse

from lindungi.contributions.models import Payer
from lindungi.contributions.reconciliation import (
    STATEMENT_JOB_KIND,
    import_statement,
    read_statement,
    summarise,
)
from lindungi.core.dates import Month
from lindungi.jobs.registry import job_handler
from lindungi.programs.models import Programme


@job_handler(STATEMENT_JOB_KIND, atomic=False)
def run_statement_import(
    *, job, progress, path: str, file_name: str, programme_id: int, month: str, payer_id=None
) -> dict:
    statement_month = Month.parse(month)
    with open(Path(settings.MEDIA_ROOT) / path, "rb") as handle:
        statement_file = read_statement(handle, month=statement_month)
    statement = import_statement(
        programme=Programme.objects.get(pk=programme_id),
        month=statement_month,
        statement_file=statement_file,
        file_name=file_name,
        payer=Payer.objects.get(pk=payer_id) if payer_id is not None else None,
        user=job.created_by,
        progress=progress,
    )
    return {
        "statement": statement.pk,
        "version": statement.version,
        "supersedes": statement.supersedes_id,
        "rows_read": statement.rows_read,
        "rows_rejected": statement.rows_rejected,
        "insurer_total": statement.insurer_total,
        "expected_total": statement.expected_total,
        "categories": {
            key: value["count"] for key, value in summarise(statement).items() if key != "rejected"
        },
        "result_url": reverse("contributions:statement", args=[statement.pk]),
    }
