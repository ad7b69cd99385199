"""One intake for every uploaded file: store it, inspect it, read it as rows, within limits.

Every importer (candidates, insurer responses, exits, the active-participant list, insurer
statements) reads through here, so they agree on encodings (UTF-8 with or without BOM,
Windows-1252), delimiters (comma, semicolon, tab), XLSX, and on what is too big:

- the upload (`LINDUNGI_INTAKE["max_upload_bytes"]`) is refused before it is stored;
- an XLSX is refused before it inflates past `max_inflated_bytes` or a suspicious compression
  ratio (a zip bomb), or when it declares more rows or columns than allowed; it is read as a
  stream (core/xlsx.py), so memory stays flat as the sheet grows;
- a file with more rows than `max_rows` stops with a clear error (nothing is written: the
  importers run in one transaction);
- a row with a NUL byte, a cell longer than `max_cell_chars`, or a line the CSV parser cannot
  read is not a reason to drop the file: the row comes back as a `RowProblem` with a stable
  reason code (`IntakeReason`), and the importer rejects that row with its values.

Retention of stored uploads: an upload lives as long as its job. The job handler removes it
when the import ends, succeeded or failed (`remove_upload`); what the file said is kept by the
import record (name, SHA-256, counts, every rejected row with its original values). Files a
killed worker left behind are removed once older than `retention_hours` whenever another
upload is stored (`purge_stale_uploads`), or by `lindungi purge_uploads`.
"""

import codecs
import csv
import hashlib
import io
import json
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindungi.core.errors import InvalidInput
from lindungi.core.xlsx import LongCellRow, XlsxError, XlsxLimitError, XlsxLimits, XlsxReader

DEFAULT_LIMITS = {
    # A million-row candidate CSV is ~150 MB; as XLSX ~60 MB.
    "max_upload_bytes": 256 * 1024 * 1024,
    "max_rows": 2_000_000,
    "max_columns": 200,
    # The longest field any importer keeps is 300 characters (an address).
    "max_cell_chars": 4_000,
    # XLSX: the sheet XML of a million candidate rows inflates to ~600 MB.
    "max_inflated_bytes": 2 * 1024 * 1024 * 1024,
    # Spreadsheets compress 5-20x; a bomb compresses 1,000x.
    "max_compression_ratio": 200,
    "retention_hours": 24,
}
UPLOAD_ROOT = "uploads"
ALLOWED_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")


@dataclass(frozen=True)
class IntakeLimits:
    max_upload_bytes: int
    max_rows: int
    max_columns: int
    max_cell_chars: int
    max_inflated_bytes: int
    max_compression_ratio: int
    retention_hours: int

    @classmethod
    def from_settings(cls) -> "IntakeLimits":
        configured = getattr(settings, "LINDUNGI_INTAKE", {}) or {}
        unknown = set(configured) - set(DEFAULT_LIMITS)
        if unknown:
            raise ValueError(f"unknown LINDUNGI_INTAKE keys: {sorted(unknown)}")
        return cls(**{**DEFAULT_LIMITS, **configured})

    def xlsx(self) -> XlsxLimits:
        return XlsxLimits(
            max_inflated_bytes=self.max_inflated_bytes,
            max_compression_ratio=self.max_compression_ratio,
            max_rows=self.max_rows,
            max_columns=self.max_columns,
            max_cell_chars=self.max_cell_chars,
        )


class IntakeReason(models.TextChoices):
    """Why the intake itself refused a row; every importer's reason choices include these."""

    NUL_BYTE = "nul_byte", gettext_lazy("The row contains a NUL byte (damaged text)")
    CELL_TOO_LONG = "cell_too_long", gettext_lazy("A cell of the row is far too long")
    ROW_UNREADABLE = "row_unreadable", gettext_lazy("The row cannot be read as CSV")


INTAKE_REASON_CHOICES = IntakeReason.choices


class FileFormatError(InvalidInput):
    code = "file_format"


class FileTooLarge(InvalidInput):
    code = "file_too_large"


@dataclass(frozen=True)
class RowProblem:
    """A row the intake could not hand over as cells: the importer rejects it with `reason`
    and keeps `cells` (as much of the row as could be read) as its original values."""

    reason: str
    message: str
    cells: list[Any]


# -- storing uploads -------------------------------------------------------------------------


def store_upload(*, uploaded_file: Any, area: str, limits: IntakeLimits | None = None) -> str:
    """Keep an uploaded file under MEDIA_ROOT/uploads/<area>/; return its path relative to
    MEDIA_ROOT. Refuses a file type no importer reads, and a file over the size limit (before
    anything is written, and again while writing: a client can lie about the size)."""
    limits = limits or IntakeLimits.from_settings()
    suffix = Path(uploaded_file.name or "").suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise InvalidInput(_("Upload a CSV or XLSX file."), code="file_type")
    if (uploaded_file.size or 0) > limits.max_upload_bytes:
        raise _too_large(uploaded_file.size, limits)
    purge_stale_uploads(limits=limits)
    relative = f"{UPLOAD_ROOT}/{area}/{timezone.now():%Y%m}/{uuid.uuid4().hex}{suffix}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    try:
        with target.open("wb") as handle:
            for chunk in uploaded_file.chunks():
                written += len(chunk)
                if written > limits.max_upload_bytes:
                    raise _too_large(written, limits)
                handle.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return relative


def _too_large(size: int, limits: IntakeLimits) -> FileTooLarge:
    return FileTooLarge(
        _("The file is %(size)s MB; the limit is %(limit)s MB.")
        % {
            "size": f"{size / 1_048_576:,.1f}",
            "limit": f"{limits.max_upload_bytes / 1_048_576:,.0f}",
        }
    )


def upload_path(relative: str) -> Path:
    return Path(settings.MEDIA_ROOT) / relative


def remove_upload(relative: str) -> None:
    """The retention rule's end: the import record keeps what the file said."""
    path = upload_path(relative)
    root = (Path(settings.MEDIA_ROOT) / UPLOAD_ROOT).resolve()
    if root in path.resolve().parents:
        path.unlink(missing_ok=True)


def purge_stale_uploads(*, limits: IntakeLimits | None = None) -> int:
    """Remove uploads older than the retention period (a killed worker's leftovers)."""
    limits = limits or IntakeLimits.from_settings()
    root = Path(settings.MEDIA_ROOT) / UPLOAD_ROOT
    if not root.is_dir():
        return 0
    cutoff = time.time() - limits.retention_hours * 3600
    removed = 0
    for path in root.rglob("*"):
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


# -- inspecting and opening --------------------------------------------------------------------


@dataclass
class FileFacts:
    sha256: str
    size: int
    lines: int
    is_xlsx: bool
    encoding: str  # for CSV: "utf-8-sig", "utf-8" or "cp1252"
    nul_bytes: int = 0


def inspect_file(file: IO[bytes], *, limits: IntakeLimits | None = None) -> FileFacts:
    """One pass over the bytes: hash, size, lines, NUL bytes and the text encoding. Rewinds.

    Raises FileTooLarge past the upload limit (a file given on the command line too)."""
    limits = limits or IntakeLimits.from_settings()
    file.seek(0)
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    size = lines = nul_bytes = 0
    first = b""
    while chunk := file.read(1 << 20):
        if not first:
            first = chunk[:4]
        digest.update(chunk)
        size += len(chunk)
        if size > limits.max_upload_bytes:
            raise _too_large(size, limits)
        lines += chunk.count(b"\n")
        nul_bytes += chunk.count(b"\x00")
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
    return FileFacts(digest.hexdigest(), size, lines, is_xlsx, encoding, nul_bytes)


@dataclass
class Table:
    """A file opened as rows. `rows` yields `(row_number, cells)` with the number a
    spreadsheet shows (the header is row 1), or `(row_number, RowProblem)` for a row the
    intake refused. CSV cells are text; XLSX cells are str, float, bool, date or datetime."""

    headers: list[str]
    sheet_name: str
    # Data rows expected (an estimate for CSV: physical lines), for progress bars.
    total_rows: int
    rows: Iterator[tuple[int, Any]]
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


def open_table(
    file: IO[bytes],
    *,
    facts: FileFacts,
    sheet: str | None = None,
    limits: IntakeLimits | None = None,
) -> Table:
    """Open a CSV or XLSX (told apart by its bytes, not its name) as a Table."""
    limits = limits or IntakeLimits.from_settings()
    if facts.is_xlsx:
        return _open_xlsx(file, sheet=sheet, limits=limits)
    if sheet:
        raise FileFormatError(_("A sheet can only be chosen in an XLSX file"))
    return _open_csv(file, facts=facts, limits=limits)


def _row_limit_error(limits: IntakeLimits) -> FileTooLarge:
    return FileTooLarge(
        _("The file has more than %(limit)s rows; split it into smaller files.")
        % {"limit": f"{limits.max_rows:,}"}
    )


def _open_csv(file: IO[bytes], *, facts: FileFacts, limits: IntakeLimits) -> Table:
    file.seek(0)
    text = io.TextIOWrapper(file, encoding=facts.encoding, errors="replace", newline="")
    header_line = text.readline()
    if not header_line.strip():
        text.detach()
        raise FileFormatError(_("The file is empty"))
    delimiter = sniff_delimiter(header_line)
    headers = [cell.strip() for cell in next(csv.reader([header_line], delimiter=delimiter))]
    if len(headers) > limits.max_columns:
        text.detach()
        raise FileTooLarge(
            _("The file has %(found)s columns; at most %(limit)s are read.")
            % {"found": len(headers), "limit": limits.max_columns}
        )
    # The C parser refuses a field over this many characters: that row, not the file.
    csv.field_size_limit(limits.max_cell_chars)

    def close() -> None:
        # Leave the caller's file open: they own it.
        if not text.closed:
            text.detach()

    def rows() -> Iterator[tuple[int, Any]]:
        reader = csv.reader(text, delimiter=delimiter)
        number = 1
        last = limits.max_rows + 1
        nul_check = facts.nul_bytes > 0
        while True:
            try:
                # The C reader runs the loop; this frame only resumes per row.
                for cells in reader:
                    number += 1
                    if number > last:
                        raise _row_limit_error(limits)
                    if nul_check and "\x00" in "".join(cells):
                        yield number, nul_problem(cells)
                        continue
                    yield number, cells
                return
            except csv.Error as error:
                number += 1
                if "field larger" in str(error):
                    yield number, too_long_problem([], limits)
                else:
                    yield (
                        number,
                        RowProblem(
                            IntakeReason.ROW_UNREADABLE,
                            _("The row cannot be read as CSV: %(error)s") % {"error": error},
                            [],
                        ),
                    )

    return Table(
        headers=headers,
        sheet_name="",
        total_rows=max(facts.lines - 1, 0),
        rows=rows(),
        encoding=facts.encoding,
        delimiter=delimiter,
        _closers=[close],
    )


def nul_problem(cells: list[Any]) -> RowProblem:
    return RowProblem(
        IntakeReason.NUL_BYTE,
        _("The row contains a NUL byte (damaged text)"),
        [str(cell).replace("\x00", "\N{REPLACEMENT CHARACTER}") for cell in cells],
    )


def _open_xlsx(file: IO[bytes], *, sheet: str | None, limits: IntakeLimits) -> Table:
    file.seek(0)
    try:
        reader = XlsxReader(file, limits.xlsx())
        if sheet and sheet not in reader.sheet_names:
            raise FileFormatError(
                _("Sheet %(sheet)s is not in the workbook (it has: %(sheets)s)")
                % {"sheet": sheet, "sheets": ", ".join(reader.sheet_names)}
            )
        opened = reader.open_sheet(sheet)
        iterator = opened.rows
        header_number, header_cells = next(iterator, (1, None))
    except XlsxLimitError as error:
        raise _xlsx_limit(error, limits) from None
    except XlsxError as error:
        raise FileFormatError(
            _("The XLSX file cannot be read: %(error)s") % {"error": error}
        ) from None
    if not header_cells or not any(cell_text(cell).strip() for cell in header_cells):
        reader.close()
        raise FileFormatError(_("The file is empty"))
    headers = [cell_text(cell).strip() for cell in header_cells]

    def rows() -> Iterator[tuple[int, Any]]:
        try:
            for number, cells in iterator:
                if type(cells) is LongCellRow:
                    yield number, too_long_problem(list(cells), limits)
                else:
                    yield number, cells
        except XlsxLimitError as error:
            raise _xlsx_limit(error, limits) from None
        except XlsxError as error:
            raise FileFormatError(
                _("The XLSX file cannot be read: %(error)s") % {"error": error}
            ) from None

    return Table(
        headers=headers,
        sheet_name=opened.name,
        total_rows=max(opened.declared_rows - header_number, 0),
        rows=rows(),
        _closers=[reader.close],
    )


def too_long_problem(cells: list[Any], limits: IntakeLimits) -> RowProblem:
    return RowProblem(
        IntakeReason.CELL_TOO_LONG,
        _("A cell of this row is longer than %(limit)s characters")
        % {"limit": f"{limits.max_cell_chars:,}"},
        cells,
    )


def _xlsx_limit(error: XlsxLimitError, limits: IntakeLimits) -> FileTooLarge:
    if error.what == "rows":
        return _row_limit_error(limits)
    if error.what == "columns":
        return FileTooLarge(
            _("The sheet has %(found)s columns; at most %(limit)s are read.")
            % {"found": error.found, "limit": error.limit}
        )
    return FileTooLarge(
        _(
            "The XLSX file would inflate to more than %(limit)s MB (or is compressed "
            "suspiciously well); it is not read. Save it again from the spreadsheet program, "
            "or send it as CSV."
        )
        % {"limit": f"{limits.max_inflated_bytes / 1_048_576:,.0f}"}
    )


# -- rows, originals and counts --------------------------------------------------------------


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


def original(headers: list[str], cells: list[Any]) -> dict[str, str]:
    """A row as header -> text, kept with a rejected row (nothing lost). Cells past the
    header are kept under "#n"."""
    values: dict[str, str] = {}
    for index, value in enumerate(cells):
        key = headers[index] if index < len(headers) and headers[index] else f"#{index + 1}"
        values[key] = cell_text(value)
    return values


def original_json(headers: list[str], cells: list[Any]) -> str:
    return json.dumps(original(headers, cells), ensure_ascii=False)


def check_counts(*, read: int, rejected: int, **outcomes: int) -> None:
    """Every row read is accounted for: sum(outcomes) + rejected = read, or the import stops
    (its transaction rolls back) rather than record counts that do not add up."""
    accounted = sum(outcomes.values()) + rejected
    if accounted != read:
        raise AssertionError(f"counts do not reconcile: {outcomes} + {rejected} != {read}")


# -- small files of a fixed layout, as text -------------------------------------------------

_KEY = re.compile(r"[^a-z0-9]")


def _key(header: str) -> str:
    return _KEY.sub("", header.strip().lower())


@dataclass
class TextTable:
    headers: list[str]
    # canonical name -> header as found
    mapping: dict[str, str]
    # (row number as a spreadsheet shows it, cells in header order, padded to the header width)
    rows: list[tuple[int, list[str]]]
    # Rows the intake refused (a NUL byte, a cell far too long): row number -> the problem.
    problems: dict[int, RowProblem] = field(default_factory=dict)

    @property
    def rows_read(self) -> int:
        return len(self.rows) + len(self.problems)

    def position(self, canonical: str) -> int | None:
        """Where a canonical column sits in every row (None when the file lacks it).

        Validation loops read cells by position: 100,000 rows x 6 columns of dict lookups
        through the header mapping cost more than the checks themselves.
        """
        header = self.mapping.get(canonical)
        return self.headers.index(header) if header else None

    def original(self, cells: list[str]) -> dict[str, str]:
        """A row as header -> text, kept for rejected rows (nothing lost)."""
        return original(self.headers, cells)


def _text(value) -> str:
    # A date-time cell of an insurer file is a date; a number keeps its digits (a damaged
    # KPJ/NIK is then caught as malformed).
    if isinstance(value, datetime):
        return value.date().isoformat()
    return cell_text(value)


def read_text_table(
    content: bytes, file_name: str, *, aliases: dict[str, tuple[str, ...]], required: tuple
) -> TextTable:
    """Read a whole file of a small, fixed layout (insurer files, lists) as stripped text
    cells; `aliases` are {canonical column: other names}. Raises InvalidInput when the file
    cannot be read at all or lacks a `required` column.

    `file_name` is kept for the callers' records: CSV and XLSX are told apart by the bytes.
    """
    handle = io.BytesIO(content)
    facts = inspect_file(handle)
    opened = open_table(handle, facts=facts)
    try:
        headers = [str(cell).strip() for cell in opened.headers]
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
        problems: dict[int, RowProblem] = {}
        text_cells = opened.delimiter == ""  # XLSX cells are typed; CSV cells are text
        for number, cells in opened.rows:
            if type(cells) is RowProblem:
                problems[number] = cells
                continue
            if text_cells:
                cells = [_text(cell) for cell in cells]
            if not any(cells) or not "".join(cells).strip():
                continue
            # Cells are stripped once here, so the checks compare plain strings.
            cells = [cell.strip() for cell in cells]
            if len(cells) < width:  # a ragged row: the missing trailing cells are empty
                cells.extend([""] * (width - len(cells)))
            table_rows.append((number, cells))
    finally:
        opened.close()
    return TextTable(headers=headers, mapping=mapping, rows=table_rows, problems=problems)
