"""Files for people to download: rejected rows (CSV, XLSX) and the import template.

Every cell written from an uploaded value is neutralised: a leading = + - or @ would make a
spreadsheet run it as a formula (CSV injection), so such a value gets a leading apostrophe.
"""

import csv
from collections.abc import Callable, Iterator

from django.utils.translation import gettext as _

from lindungi.core.exports import neutralise as neutralise_cell
from lindungi.core.upload_templates import workbook_bytes
from lindungi.registry.models import CandidateImport, RejectedRow
from lindungi.registry.reading import CANONICAL_COLUMNS
from lindungi.registry.upload_templates import CANDIDATES

REJECT_EXTRA_COLUMNS = ("BARIS", "KODE_ALASAN", "ALASAN")


def neutralise(value: object) -> str:
    """The value as the text that was read, neutralised like every exported cell."""
    return neutralise_cell("" if value is None else str(value))


def _reject_rows(
    candidate_import: CandidateImport, show_nik: Callable[[str], str] = str
) -> Iterator[list[str]]:
    """The rejected rows as read; the NIK and KK columns as `show_nik` shows them to the reader
    (`core.permissions.nik_shown_to`: masked for a role whose work does not need them)."""
    headers = list(candidate_import.headers)
    numbers = {candidate_import.column_mapping.get(name) for name in ("NIK", "NO_KK")} - {None}
    rejected = (
        RejectedRow.objects.filter(candidate_import=candidate_import)
        .order_by("row_number")
        .values_list("row_number", "original", "reason", "message")
    )
    yield [neutralise(h) for h in (*headers, *REJECT_EXTRA_COLUMNS)]
    for row_number, original, reason, message in rejected.iterator(chunk_size=5000):
        values = [
            show_nik(str(original.get(header) or ""))
            if header in numbers
            else original.get(header, "")
            for header in headers
        ]
        # Cells beyond the header (ragged rows) are kept too, under "#n".
        values += [value for key, value in original.items() if key not in headers]
        yield [neutralise(v) for v in (*values, row_number, reason, message)]


class _Echo:
    def write(self, value: str) -> str:
        return value


def rejects_csv(
    candidate_import: CandidateImport, *, show_nik: Callable[[str], str] = str
) -> Iterator[str]:
    """Stream the rejected rows as CSV text (UTF-8 with BOM so Excel reads it right)."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in _reject_rows(candidate_import, show_nik):
        yield writer.writerow(row)


def write_rejects_xlsx(
    candidate_import: CandidateImport, output, *, show_nik: Callable[[str], str] = str
) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Rejected rows")[:31])
    for row in _reject_rows(candidate_import, show_nik):
        sheet.append(row)
    workbook.save(output)


def write_rejects(candidate_import: CandidateImport, path: str) -> int:
    """Write the rejects to a .csv or .xlsx file (by extension); return the rows written."""
    if str(path).lower().endswith(".xlsx"):
        write_rejects_xlsx(candidate_import, path)
    else:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.writelines(rejects_csv(candidate_import))
    return candidate_import.rows_rejected


def template_xlsx(output) -> None:
    """The import template: the generic builder fed by the declaration in upload_templates."""
    output.write(template_bytes())


def template_csv() -> str:
    return "\ufeff" + ",".join(CANONICAL_COLUMNS) + "\r\n"


def template_bytes() -> bytes:
    return workbook_bytes(CANDIDATES)
