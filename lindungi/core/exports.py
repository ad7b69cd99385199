"""Formula-safe, streamed XLSX exports that any list page can use.

    return xlsx_response(
        filename="peserta.xlsx",
        headers=["NIK", "Nama"],
        rows=iter_rows(queryset, ["nik", "full_name"]),
    )

Rows are pulled from the database in chunks and written with openpyxl's write-only mode to a
temporary file, which is then streamed to the client: memory stays flat at a million rows.
Every text cell that a spreadsheet would read as a formula is neutralised (DOMAIN.md §4).
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from django.db.models import QuerySet
from django.http import FileResponse
from openpyxl import Workbook

# A leading =, +, - or @ makes Excel and LibreOffice evaluate the cell; tab and carriage return
# are also stripped by some spreadsheet importers before evaluation.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CHUNK_SIZE = 2000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: Any) -> Any:
    """Text that starts like a formula gets a leading apostrophe; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def iter_rows(
    queryset: QuerySet, fields: Sequence[str], *, chunk_size: int = CHUNK_SIZE
) -> Iterator[tuple]:
    """The values of `fields` for each row, fetched `chunk_size` at a time (a server-side cursor
    on PostgreSQL), never the whole queryset in memory."""
    return queryset.values_list(*fields).iterator(chunk_size=chunk_size)


@dataclass(frozen=True)
class SheetData:
    """One sheet of a workbook: its title, header row, rows and text columns (0-based)."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    text_columns: Sequence[int] = ()


def write_xlsx_sheets(target, sheets: Iterable[SheetData]) -> list[int]:
    """Write several sheets to a path or binary file; return the data rows of each.

    A sheet's `text_columns` are written as text even when they look like numbers, so that a
    NIK or KK keeps all 16 digits when the file is opened in Excel.
    """
    workbook = Workbook(write_only=True)
    counts = []
    for data in sheets:
        sheet = workbook.create_sheet(title=data.title[:31])
        sheet.append([neutralise(str(header)) for header in data.headers])
        text = set(data.text_columns)
        count = 0
        for row in data.rows:
            sheet.append(
                [
                    neutralise(str(value) if index in text and value is not None else value)
                    for index, value in enumerate(row)
                ]
            )
            count += 1
        counts.append(count)
    workbook.save(target)
    return counts


def write_xlsx(
    target,
    *,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    sheet_title: str = "Data",
    text_columns: Sequence[int] = (),
) -> int:
    """Write one sheet to a path or binary file; return the number of data rows."""
    sheet = SheetData(sheet_title, headers, rows, text_columns)
    return write_xlsx_sheets(target, [sheet])[0]


def xlsx_response(
    *,
    filename: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    sheet_title: str = "Data",
    text_columns: Sequence[int] = (),
) -> FileResponse:
    """An attachment download of the rows, streamed from a temporary file."""
    spool = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    write_xlsx(
        spool, headers=headers, rows=rows, sheet_title=sheet_title, text_columns=text_columns
    )
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )


class _Echo:
    """A file-like object that hands back what csv.writer writes (one line at a time)."""

    def write(self, value: str) -> str:
        return value


def _csv_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return "" if value is None else value


def csv_lines(headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """CSV text line by line, formula-safe, with a BOM first so that Excel reads UTF-8.

    For a StreamingHttpResponse or a file: nothing is held beyond one line."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([neutralise(str(header)) for header in headers])
    for row in rows:
        yield writer.writerow([neutralise(_csv_value(value)) for value in row])


def write_csv(target: IO[bytes], *, headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> int:
    """Write the rows as UTF-8 CSV to a binary file; return the number of data rows."""
    lines = -1  # the header line is not a data row
    for line in csv_lines(headers, rows):
        target.write(line.encode("utf-8"))
        lines += 1
    return lines
