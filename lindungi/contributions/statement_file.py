"""Reading the insurer's statement file (CSV in any common encoding and delimiter, or XLSX).

Kept thin on purpose: the bytes are read by the one intake (`core.intake`: encodings,
delimiters, XLSX, size limits, damaged rows), and each row is checked on its own here: a row
that cannot be reconciled is kept with its cells and a rejection code, never dropped and never
fatal. Only a file that cannot be a statement at all (empty, no amount column, no KPJ or NIK
column, too large) is refused as a whole.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter
from typing import IO, NamedTuple

from django.utils.translation import gettext as _

from lindungi.contributions.choices import StatementRejection
from lindungi.core.dates import Month
from lindungi.core.errors import InvalidInput
from lindungi.core.intake import RowProblem, cell_text, inspect_file, open_table

HEADER_ALIASES = {
    "kpj": {"kpj", "no_kpj", "nomor_kpj"},
    "nik": {"nik", "no_nik"},
    "amount": {"amount", "iuran", "jumlah", "nominal", "total_iuran"},
    "month": {"month", "periode", "bulan"},
}
# 16800, 16.800, 16,800, Rp 16.800, 16800,00 and 16800.00 are whole rupiah; 16800,50 is not.
_THOUSANDS = re.compile(r"^\d{1,3}([.,])\d{3}(?:\1\d{3})*$")
_ZERO_CENTS = re.compile(r"^(\d+)[.,]00?$")
_PICKED = ("kpj", "nik", "amount", "month")
_MONTH_FORMS = (
    re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})$"),
    re.compile(r"^(?P<month>\d{1,2})[/-](?P<year>\d{4})$"),
    re.compile(r"^(?P<year>\d{4})(?P<month>\d{2})$"),
)


RAW_SEPARATOR = "\x1f"
# A trillion rupiah: far above any monthly contribution, far below a 64-bit integer.
MAX_AMOUNT = 10**12
# Plain strings: they go straight into the bulk write.
_NO_IDENTITY = StatementRejection.NO_IDENTITY.value
_INVALID_AMOUNT = StatementRejection.INVALID_AMOUNT.value
_OTHER_MONTH = StatementRejection.OTHER_MONTH.value
_DUPLICATE = StatementRejection.DUPLICATE.value


class StatementRow(NamedTuple):
    """One data row: its number in the file, identity, amount (None if unreadable), the
    rejection found while reading (None if the row is readable), the cells as read (joined by
    RAW_SEPARATOR; `StatementFile.original` turns them back into header -> value). A tuple,
    in the order of the stage's columns: it goes straight into the bulk write."""

    row_number: int
    kpj: str
    nik: str
    amount: int | None
    rejection: str | None
    raw: str


@dataclass
class StatementFile:
    rows: list[StatementRow]
    # The month the file's period column names, if one month is named more than any other.
    named_month: Month | None
    content_hash: str
    headers: list[str]

    def original(self, raw: str) -> dict[str, str]:
        """The cells of a row, by header, as they were read."""
        cells = raw.split(RAW_SEPARATOR)
        return {
            (header or f"col{i + 1}"): cell
            for i, (header, cell) in enumerate(zip(self.headers, cells, strict=False))
        }


def parse_amount(text: str) -> int | None:
    """Whole rupiah from the ways statements write them; None when it is not whole rupiah."""
    text = text.strip().removeprefix("Rp").removeprefix("rp").strip().replace(" ", "")
    if text.isdigit():
        return int(text)
    if _THOUSANDS.match(text):
        return int(re.sub(r"[.,]", "", text))
    if match := _ZERO_CENTS.match(text):
        return int(match.group(1))
    return None


def parse_month(text: str) -> Month | None:
    text = text.strip()
    for form in _MONTH_FORMS:
        if match := form.match(text):
            try:
                return Month(int(match.group("year")), int(match.group("month")))
            except ValueError:
                return None
    return None


def read_statement(file: IO[bytes], *, month: Month | None = None) -> StatementFile:
    """Every data row of a statement with its rejection, if any.

    A row whose period is not `month` is rejected as `other_month`; without `month`, the
    month the file names most often is the statement's month.
    """
    facts = inspect_file(file)
    try:
        table = open_table(file, facts=facts)
    except InvalidInput:
        raise InvalidInput(_("The statement file is empty."), code="empty_file") from None
    try:
        headers = [header.strip().lower().replace(" ", "_") for header in table.headers]
        columns = {
            name: next((i for i, cell in enumerate(headers) if cell in aliases), None)
            for name, aliases in HEADER_ALIASES.items()
        }
        if columns["amount"] is None or (columns["kpj"] is None and columns["nik"] is None):
            raise InvalidInput(
                _("The statement needs an amount column and a KPJ or NIK column."),
                code="missing_columns",
            )
        raw_rows = list(_cells(table.rows, columns, is_text=bool(table.encoding)))
    finally:
        table.close()
    months: dict[str, Month | None] = {}
    for period in {row[4] for row in raw_rows}:
        months[period] = parse_month(period)
    if month is None:
        named: dict[Month, int] = {}
        for row in raw_rows:
            if (found := months[row[4]]) is not None:
                named[found] = named.get(found, 0) + 1
        month = max(named, key=named.__getitem__) if named else None
    rows = [_checked(*row, months, month) for row in raw_rows]
    rows = _without_repeats(rows)
    return StatementFile(
        rows=rows, named_month=month, content_hash=facts.sha256, headers=table.headers
    )


def _cells(rows, columns: dict[str, int | None], *, is_text: bool) -> Iterator[tuple]:
    """(row number, kpj, nik, amount text, period text, raw) of each non-blank row.

    The hot loop of a 100,000-row file, kept to a few C calls per row: CSV cells are already
    text, so XLSX cells alone go through cell_text; a missing column reads an empty cell
    appended to the row."""
    width = max(index for index in columns.values() if index is not None) + 1
    pick = itemgetter(*(width if columns[name] is None else columns[name] for name in _PICKED))
    padding = [""] * (width + 1)
    for number, values in rows:
        if isinstance(values, RowProblem):
            # Damaged in the file (a NUL byte, a cell far too long): rejected with its reason.
            cells = [cell_text(value) for value in values.cells]
            yield number, "", "", "", "", RAW_SEPARATOR.join(cells), str(values.reason)
            continue
        if not is_text:
            values = [cell_text(value) for value in values]
        raw = RAW_SEPARATOR.join(values)
        if not raw.replace(RAW_SEPARATOR, "").strip():
            continue
        kpj, nik, amount, period = pick(values + padding[len(values) :])
        yield number, kpj.strip(), nik.strip(), amount.strip(), period.strip(), raw, None


def _without_repeats(rows: list[StatementRow]) -> list[StatementRow]:
    """A KPJ (or, on rows without KPJ, a NIK) already on an earlier readable row: rejected."""
    seen_kpj: set[str] = set()
    seen_nik: set[str] = set()
    checked = []
    for row in rows:
        if row.rejection is None:
            seen, key = (seen_kpj, row.kpj) if row.kpj else (seen_nik, row.nik)
            if key in seen:
                row = row._replace(rejection=_DUPLICATE)
            else:
                seen.add(key)
        checked.append(row)
    return checked


def _checked(number, kpj, nik, amount_text, period, raw, problem, months, month) -> StatementRow:
    amount = int(amount_text) if amount_text.isdigit() else parse_amount(amount_text)
    if amount is not None and amount > MAX_AMOUNT:
        amount = None  # no one person's month costs this; it would not fit the column either
    if problem is not None:
        rejection: str | None = problem
    elif not kpj and not nik:
        rejection = _NO_IDENTITY
    elif amount is None:
        rejection = _INVALID_AMOUNT
    elif period and month is not None and months[period] != month:
        rejection = _OTHER_MONTH
    else:
        rejection = None
    return StatementRow(number, kpj[:40], nik[:40], amount, rejection, raw)
