"""Reconciliation and invoice-detail files: written by the request when small, by a job
(`contributions/jobs.py`) when large, so that no request runs for seconds (issue 17.3)."""

from typing import IO

from lindungi.contributions.models import StatementImport
from lindungi.contributions.selectors import list_statement_lines
from lindungi.core.exports import write_csv, write_xlsx
from lindungi.core.permissions import nik_shown_to

# Above this many rows a file is a background job and the user downloads it from the job page.
FILE_JOB_THRESHOLD = 5000

EXPORT_HEADER = (
    "Baris",
    "KPJ",
    "NIK",
    "Kab/Kota",
    "Kategori",
    "Tagihan BPJS",
    "Seharusnya",
    "Selesai",
    "Catatan",
)
EXPORT_FIELDS = (
    "row_number",
    "kpj",
    "nik",
    "regency_id",
    "category",
    "insurer_amount",
    "expected_amount",
    "resolved",
    "resolution_note",
)


def statement_name(statement: StatementImport) -> str:
    return f"rekonsiliasi-{statement.month:%Y-%m}-{statement.pk}"


def statement_rows(user, statement: StatementImport):
    return (
        list_statement_lines(user, statement.pk)
        .order_by("category", "row_number", "id")
        .values_list(*EXPORT_FIELDS)
    )


def is_large(queryset) -> bool:
    """More rows than a request should write (one bounded query, never a full count)."""
    return queryset.order_by()[FILE_JOB_THRESHOLD : FILE_JOB_THRESHOLD + 1].exists()


def write_statement_export(user, statement: StatementImport, file_format: str, target: IO[bytes]):
    """The lines the user may see, every text cell neutralised against formulas; KPJ and NIK
    stay text so Excel keeps every digit. Returns the number of rows."""
    rows = statement_rows(user, statement).iterator(chunk_size=2000)
    # The NIK as the user's role may see it (masked for the insurer liaison).
    show_nik = nik_shown_to(user)
    nik_at = EXPORT_FIELDS.index("nik")
    rows = ((*row[:nik_at], show_nik(row[nik_at]), *row[nik_at + 1 :]) for row in rows)
    if file_format == "csv":
        return write_csv(target, headers=EXPORT_HEADER, rows=rows)
    return write_xlsx(
        target, headers=EXPORT_HEADER, rows=rows, sheet_title="Rekonsiliasi", text_columns=(1, 2)
    )
