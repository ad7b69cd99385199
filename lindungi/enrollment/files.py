"""Reading the insurer's and the regencies' files (CSV or XLSX) into text rows.

Insurer files have a fixed, small layout, so this is deliberately simpler than the registry's
candidate reader: a header row, known column aliases, every cell as text.
"""

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from lindungi.core.errors import InvalidInput

_KEY = re.compile(r"[^a-z0-9]")


def _key(header: str) -> str:
    return _KEY.sub("", header.strip().lower())


@dataclass
class Table:
    headers: list[str]
    # canonical name -> header as found
    mapping: dict[str, str]
    # (row number as a spreadsheet shows it, cells in header order, padded to the header width)
    rows: list[tuple[int, list[str]]]

    def position(self, canonical: str) -> int | None:
        """Where a canonical column sits in every row (None when the file lacks it).

        Validation loops read cells by position: 100,000 rows x 6 columns of dict lookups
        through the header mapping cost more than the checks themselves.
        """
        header = self.mapping.get(canonical)
        return self.headers.index(header) if header else None

    def original(self, cells: list[str]) -> dict[str, str]:
        """A row as header -> text, kept for rejected rows (nothing lost)."""
        return dict(zip(self.headers, cells, strict=False))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        # A number cell: keep its digits (a damaged KPJ/NIK is then caught as malformed).
        return str(int(value))
    return str(value)


def _raw_rows(content: bytes, file_name: str) -> Iterator[list[str]]:
    if file_name.lower().endswith((".xlsx", ".xls", ".xlsm")):
        from python_calamine import CalamineWorkbook

        try:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
            sheet = workbook.get_sheet_by_index(0)
        except Exception as error:  # calamine raises its own types for damaged files
            raise InvalidInput(_("The spreadsheet cannot be read."), code="file_invalid") from error
        for row in sheet.to_python(skip_empty_area=False):
            yield [_text(cell) for cell in row]
        return
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252")
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    yield from csv.reader(io.StringIO(text), delimiter=delimiter)


def read_table(
    content: bytes, file_name: str, *, aliases: dict[str, tuple[str, ...]], required: tuple
) -> Table:
    rows = _raw_rows(content, file_name)
    headers = [cell.strip() for cell in next(rows, [])]
    by_key = {_key(header): header for header in headers if header}
    mapping = {}
    for canonical, names in aliases.items():
        for name in (canonical, *names):
            if _key(name) in by_key:
                mapping[canonical] = by_key[_key(name)]
                break
    missing = [name for name in required if name not in mapping]
    if missing:
        raise InvalidInput(
            _("The file lacks the column(s): %(columns)s.") % {"columns": ", ".join(missing)},
            code="missing_column",
        )
    width = len(headers)
    table_rows = []
    for number, cells in enumerate(rows, start=2):
        if not any(cells) or not "".join(cells).strip():
            continue
        # Cells are stripped once here, so the checks compare plain strings.
        cells = [cell.strip() for cell in cells]
        if len(cells) < width:  # a ragged row: the missing trailing cells are empty
            cells.extend([""] * (width - len(cells)))
        table_rows.append((number, cells))
    return Table(headers=headers, mapping=mapping, rows=table_rows)


def parse_date(text: str) -> date | None:
    """ISO (2025-07-18) or Indonesian day-first (18/07/2025, 18-07-2025)."""
    text = text.strip()
    if len(text) == 10 and text[4] == "-":
        try:
            return date.fromisoformat(text)  # the fast path: what the simulator and insurer send
        except ValueError:
            return None
    for pattern in ("%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None
