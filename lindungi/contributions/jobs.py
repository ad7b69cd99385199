"""Background handlers: the insurer's statement is reconciled here, with a progress bar, and
the daily lapse rule runs here (also started from the arrears page).

The statement import keeps its own (short) transaction: the file is read and checked outside
any transaction, then one transaction of about a second writes the whole reconciliation.
"""

from datetime import date

from django.db import transaction
from django.urls import reverse

from lindungi.contributions.lapses import run_daily_lapses
from lindungi.contributions.models import Payer
from lindungi.contributions.reconciliation import (
    STATEMENT_JOB_KIND,
    import_statement,
    read_statement,
    summarise,
)
from lindungi.core.dates import Month
from lindungi.core.intake import remove_upload, upload_path
from lindungi.jobs.registry import job_handler
from lindungi.programs.models import Programme

LAPSES_JOB_KIND = "contributions.lapses"


@job_handler(STATEMENT_JOB_KIND, atomic=False)
def run_statement_import(
    *, job, progress, path: str, file_name: str, programme_id: int, month: str, payer_id=None
) -> dict:
    statement_month = Month.parse(month)
    try:
        with upload_path(path).open("rb") as handle:
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
    finally:
        # What the file said is kept by the statement (hash, lines, rejected rows).
        remove_upload(path)
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


@job_handler(LAPSES_JOB_KIND)
def run_lapses_job(*, job, progress, as_of: str, programme_id: int | None = None) -> dict:
    programmes = None if programme_id is None else [Programme.objects.get(pk=programme_id)]
    results = run_daily_lapses(
        as_of=date.fromisoformat(as_of),
        user=job.created_by,
        programmes=programmes,
        progress=progress,
    )
    return {
        "as_of": as_of,
        "programmes": len(results),
        "at_risk": sum(result.at_risk for result in results),
        "lapsed": sum(result.lapsed for result in results),
        "ended": sum(result.ended for result in results),
        "result_url": reverse("contributions:arrears"),
    }


# --- exports too large for a request (issue 17.3): the file is written by the worker ---------

INVOICE_XLSX_JOB_KIND = "contributions.invoice_xlsx"
STATEMENT_EXPORT_JOB_KIND = "contributions.statement_export"


@job_handler(INVOICE_XLSX_JOB_KIND, atomic=False)
def export_invoice_detail(*, job, progress, invoice_id: int) -> dict:
    """The per-person detail of an invoice, as the creator may read it (their regency's rows)."""
    from lindungi.audit.services import record_export
    from lindungi.contributions.documents import detail_xlsx_chunks
    from lindungi.contributions.selectors import get_invoice, list_details
    from lindungi.core.permissions import Action, nik_shown_to
    from lindungi.jobs.files import file_result, purge_expired_files, write_job_file

    user = job.created_by
    invoice = get_invoice(user, invoice_id)
    details = list_details(user, invoice)
    purge_expired_files()
    total = details.count()
    progress.start(total, "")

    def write(target) -> int:
        for chunk in detail_xlsx_chunks(details, show_nik=nik_shown_to(user)):
            target.write(chunk)
        return total

    path, rows = write_job_file(job.pk, "xlsx", write)
    progress.advance(total)
    progress.finish()
    with transaction.atomic():
        record_export(user=user, kind="invoice_lines", target=invoice, file_format="xlsx")
    name = invoice.number.replace("/", "-")
    return file_result(
        job.pk,
        path,
        rows,
        download_name=f"{name}-rincian.xlsx",
        action=Action.VIEW_MONEY.value,
    )


@job_handler(STATEMENT_EXPORT_JOB_KIND, atomic=False)
def export_statement(*, job, progress, statement_id: int, file_format: str) -> dict:
    """The reconciliation lines the creator may see, formula-safe, as CSV or XLSX."""
    from lindungi.audit.services import record_export
    from lindungi.contributions.exports import statement_name, write_statement_export
    from lindungi.contributions.selectors import get_statement
    from lindungi.core.permissions import Action
    from lindungi.jobs.files import file_result, purge_expired_files, write_job_file

    user = job.created_by
    statement = get_statement(user, statement_id)
    purge_expired_files()
    progress.start(None, "")
    path, rows = write_job_file(
        job.pk,
        file_format,
        lambda target: write_statement_export(user, statement, file_format, target),
    )
    progress.advance(rows)
    progress.finish()
    with transaction.atomic():
        record_export(user=user, kind="statement", target=statement, file_format=file_format)
    return file_result(
        job.pk,
        path,
        rows,
        download_name=f"{statement_name(statement)}.{file_format}",
        action=Action.VIEW_MONEY.value,
    )
