"""Reading candidate files as people really send them: CSV in any common encoding and
delimiter, or XLSX; rows are streamed, never loaded whole.

`open_table(file, file_name=..., sheet=...)` returns a `Table` whose `rows` yields
`(row_number, cells)`; `row_number` is what a spreadsheet shows (the header is row 1). CSV cells are
text; XLSX cells are what python-calamine returns (str, float, date, datetime, bool).
"""

import codecs
import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.utils.translation import gettext as _

from lindungi.core.errors import InvalidInput

# The template's columns, in order.
CANONICAL_COLUMNS = (
    "NIK",
    "NO_KK",
    "NAMA",
    "JENIS_KELAMIN",
    "TEMPAT_LAHIR",
    "TANGGAL_LAHIR",
    "KODE_DESA",
    "ALAMAT",
    "PEKERJAAN",
    "DESIL",
    "NO_HP",
)
REQUIRED_COLUMNS = ("NIK", "NO_KK", "NAMA", "JENIS_KELAMIN", "TANGGAL_LAHIR", "KODE_DESA")

# What real exports call each column (DTSEN, P3KE, village lists, English forms). Matching
# ignores case, spaces and punctuation, so "Tgl. Lahir" and "TGL_LAHIR" are the same alias.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "NIK": ("NIK", "No NIK", "Nomor NIK", "Nomor Induk Kependudukan", "NIK KTP", "ID Number"),
    "NO_KK": (
        "No KK",
        "Nomor KK",
        "KK",
        "No Kartu Keluarga",
        "Nomor Kartu Keluarga",
        "Family Card",
        "Family Card Number",
    ),
    "NAMA": ("Nama", "Nama Lengkap", "Nama Peserta", "Nama Penerima", "Name", "Full Name"),
    "JENIS_KELAMIN": ("Jenis Kelamin", "JK", "L/P", "Kelamin", "Sex", "Gender"),
    "TEMPAT_LAHIR": ("Tempat Lahir", "Tmp Lahir", "Place of Birth", "Birth Place"),
    "TANGGAL_LAHIR": (
        "Tanggal Lahir",
        "Tgl Lahir",
        "Tgl. Lahir",
        "Tanggal Kelahiran",
        "Date of Birth",
        "Birth Date",
        "DOB",
    ),
    "KODE_DESA": (
        "Kode Desa",
        "Kode Wilayah Desa",
        "Kode Desa/Kelurahan",
        "Kode Kelurahan",
        "Kode Wilayah",
        "Kode Kemendagri",
        "Village Code",
    ),
    "ALAMAT": ("Alamat", "Alamat Lengkap", "Alamat Domisili", "Address"),
    "PEKERJAAN": ("Pekerjaan", "Pekerjaan Utama", "Mata Pencaharian", "Occupation", "Job"),
    "DESIL": ("Desil", "Desil Kesejahteraan", "Peringkat Desil", "Decile", "Welfare Decile"),
    "NO_HP": ("No HP", "Nomor HP", "No Telepon", "Nomor Telepon", "Telepon", "HP", "Phone"),
}

_NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")


def normalise_header(text: Any) -> str:
    """ "Tgl. Lahir" -> "tgllahir": case, spaces and punctuation do not matter."""
    return _NOT_ALPHANUMERIC.sub("", str(text or "").lower())


_ALIAS_INDEX: dict[str, str] = {
    normalise_header(alias): canonical
    for canonical, aliases in HEADER_ALIASES.items()
    for alias in (canonical, *aliases)
}


class FileFormatError(InvalidInput):
    code = "file_format"


def resolve_columns(headers: list[str], mapping: dict[str, str] | None = None) -> dict[str, int]:
    """Canonical column -> index in the row. `mapping` is {canonical column: header in file}.

    Raises FileFormatError naming any required column that is missing.
    """
    by_header: dict[str, int] = {}
    for index, header in enumerate(headers):
        by_header.setdefault(normalise_header(header), index)
    columns: dict[str, int] = {}
    for canonical, header in (mapping or {}).items():
        canonical_key = _ALIAS_INDEX.get(normalise_header(canonical))
        if canonical_key is None:
            raise FileFormatError(
                _("Unknown column in the mapping: %(name)s") % {"name": canonical}
            )
        index = by_header.get(normalise_header(header))
        if index is None:
            raise FileFormatError(
                _("Column %(header)s named in the mapping is not in the file") % {"header": header}
            )
        columns[canonical_key] = index
    for normalised, index in by_header.items():
        canonical_key = _ALIAS_INDEX.get(normalised)
        if canonical_key and canonical_key not in columns and index not in columns.values():
            columns[canonical_key] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise FileFormatError(
            _("Required columns are missing: %(columns)s") % {"columns": ", ".join(missing)}
        )
    return columns


@dataclass
class FileFacts:
    sha256: str
    size: int
    lines: int
    is_xlsx: bool
    encoding: str  # for CSV: "utf-8-sig", "utf-8" or "cp1252"


def inspect_file(file: IO[bytes]) -> FileFacts:
    """One pass over the bytes: hash, size, line count and the text encoding. Rewinds the file."""
    file.seek(0)
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    size = lines = 0
    first = b""
    while chunk := file.read(1 << 20):
        if not first:
            first = chunk[:4]
        digest.update(chunk)
        size += len(chunk)
        lines += chunk.count(b"\n")
        if utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    file.seek(0)
    is_xlsx = first.startswith(b"PK\x03\x04")
    if first.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif utf8:
        encoding = "utf-8"
    else:
        # Spreadsheets saved as "CSV" on Indonesian Windows are Windows-1252.
        encoding = "cp1252"
    return FileFacts(digest.hexdigest(), size, lines, is_xlsx, encoding)


@dataclass
class Table:
    headers: list[str]
    sheet_name: str
    # Data rows expected (an estimate for CSV: physical lines), for progress bars.
    total_rows: int
    rows: Iterator[tuple[int, list[Any]]]
    encoding: str = ""
    delimiter: str = ""
    _closers: list = field(default_factory=list)

    def close(self) -> None:
        for closer in self._closers:
            closer()


def sniff_delimiter(header_line: str) -> str:
    """The most frequent of comma, semicolon and tab in the header line."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in (",", ";", "\t")}
    return max(counts, key=lambda delimiter: counts[delimiter]) if any(counts.values()) else ","


def open_table(file: IO[bytes], *, facts: FileFacts, sheet: str | None = None) -> Table:
    if facts.is_xlsx:
        return _open_xlsx(file, sheet=sheet)
    if sheet:
        raise FileFormatError(_("A sheet can only be chosen in an XLSX file"))
    return _open_csv(file, facts=facts)


def _open_csv(file: IO[bytes], *, facts: FileFacts) -> Table:
    file.seek(0)
    text = io.TextIOWrapper(file, encoding=facts.encoding, errors="replace", newline="")
    header_line = text.readline()
    if not header_line.strip():
        text.detach()
        raise FileFormatError(_("The file is empty"))
    delimiter = sniff_delimiter(header_line)
    headers = [cell.strip() for cell in next(csv.reader([header_line], delimiter=delimiter))]

    def close() -> None:
        # Leave the caller's file open: they own it.
        if not text.closed:
            text.detach()

    return Table(
        headers=headers,
        sheet_name="",
        total_rows=max(facts.lines - 1, 0),
        # enumerate over the C reader: no Python frame per row. Row 2 follows the header.
        rows=enumerate(csv.reader(text, delimiter=delimiter), start=2),
        encoding=facts.encoding,
        delimiter=delimiter,
        _closers=[close],
    )


def _open_xlsx(file: IO[bytes], *, sheet: str | None) -> Table:
    from python_calamine import CalamineError, CalamineWorkbook

    file.seek(0)
    try:
        workbook = CalamineWorkbook.from_filelike(file)
        if sheet:
            if sheet not in workbook.sheet_names:
                raise FileFormatError(
                    _("Sheet %(sheet)s is not in the workbook (it has: %(sheets)s)")
                    % {"sheet": sheet, "sheets": ", ".join(workbook.sheet_names)}
                )
            worksheet = workbook.get_sheet_by_name(sheet)
        else:
            worksheet = workbook.get_sheet_by_index(0)
    except CalamineError as error:
        raise FileFormatError(
            _("The XLSX file cannot be read: %(error)s") % {"error": error}
        ) from None
    iterator = iter(worksheet.iter_rows())
    header_cells = next(iterator, None)
    if not header_cells or not any(str(cell).strip() for cell in header_cells):
        raise FileFormatError(_("The file is empty"))
    headers = [cell_text(cell).strip() for cell in header_cells]
    first_row = (worksheet.start or (0, 0))[0] + 1

    def rows() -> Iterator[tuple[int, list[Any]]]:
        row_number = first_row
        for cells in iterator:
            row_number += 1
            yield row_number, cells

    return Table(
        headers=headers,
        sheet_name=worksheet.name,
        total_rows=max(worksheet.height - 1, 0),
        rows=rows(),
    )


def cell_text(value: Any) -> str:
    """A cell as the text a person would have seen, for keeping original values."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
