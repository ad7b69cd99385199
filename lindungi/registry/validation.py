"""Row validation: pure functions from the cells of one row to a clean row or a rejection.

Everything a row is checked against (district prefixes of every edition, the village index,
the served region, the uploader's regency, today) is passed in a `ValidationContext`, built
once per import, so validating a million rows asks the database nothing.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from django.utils.translation import gettext as _

from lindungi.core.dates import MONTH_ALIASES
from lindungi.registry.choices import RejectReason

# Field lengths of registry.Person.
MAX_LENGTHS = {"NAMA": 150, "TEMPAT_LAHIR": 100, "ALAMAT": 300, "PEKERJAAN": 100}

SEX_ALIASES = {
    "L": "L",
    "LAKILAKI": "L",
    "LAKI": "L",
    "PRIA": "L",
    "M": "L",
    "MALE": "L",
    "P": "P",
    "PEREMPUAN": "P",
    "WANITA": "P",
    "F": "P",
    "FEMALE": "P",
}

# A number Excel showed in scientific notation, e.g. 5.30101E+15 (or 5,30101E+15 in id-ID).
_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE][+]?\d+$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_PHONE_NOISE = str.maketrans("", "", " -().")
_FORMULA_START = ("=", "+", "-", "@")
_NAME_PUNCTUATION = str.maketrans({c: " " for c in ".,'`’\"-_/()"})
OLDEST_BIRTH_DATE = date(1900, 1, 1)


@dataclass(frozen=True)
class ValidationContext:
    district_prefixes: frozenset[str]
    # Dotted and undotted village code -> (dotted village code, dotted regency code, in region).
    villages: dict[str, tuple[str, str, bool]]
    today: date
    poverty_labels: dict[int | None, str]
    # Set for a regency officer's import: residents elsewhere are rejected.
    user_regency: str | None = None


def build_village_index(
    village_regencies: dict[str, str], *, served_region: str
) -> dict[str, tuple[str, str, bool]]:
    """From {dotted village: dotted regency} to a look-up by dotted or 10-digit code."""
    index: dict[str, tuple[str, str, bool]] = {}
    for village, regency in village_regencies.items():
        inside = regency == served_region or regency.startswith(served_region + ".")
        entry = (village, regency, inside)
        index[village] = entry
        index[village.replace(".", "")] = entry
    return index


class CleanRow(NamedTuple):
    row_number: int
    nik: str
    kk_number: str
    full_name: str
    name_normalised: str
    sex: str
    birth_place: str
    birth_date: date
    village_id: str
    regency_id: str
    address: str
    occupation: str
    phone: str
    desil: int | None
    poverty_label: str


class Rejection(NamedTuple):
    row_number: int
    reason: str
    message: str
    nik: str


class RowError(Exception):
    def __init__(self, reason: RejectReason, message: str) -> None:
        self.reason = reason
        self.message = message


def normalise_name(name: str) -> str:
    """Upper case, accents folded, punctuation to spaces, single spaces: for duplicate checks."""
    if not name.isascii():
        name = "".join(
            c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)
        )
    return " ".join(name.translate(_NAME_PUNCTUATION).split()).upper()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_identity_number(value: Any, *, label: str, damaged: RejectReason, invalid: RejectReason):
    """A 16-digit NIK or KK number as text; a value that went through Excel as a number is
    damaged (15 significant digits) and is refused, never repaired."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        if abs(value) >= 1e14:
            raise RowError(
                damaged,
                _(
                    "%(label)s was stored as a number, so Excel kept only 15 digits and the "
                    "last digit may be lost; format the column as text and type it again"
                )
                % {"label": label},
            )
        value = _text(value)
    text = value.strip() if isinstance(value, str) else _text(value)
    if text.startswith("'"):
        text = text[1:]  # Excel's "store as text" marker typed into a CSV
    text = text.replace(" ", "")
    if _SCIENTIFIC.match(text):
        raise RowError(
            damaged,
            _(
                "%(label)s %(value)s is in scientific notation: Excel lost its last digits; "
                "format the column as text and type it again"
            )
            % {"label": label, "value": text},
        )
    if len(text) != 16 or not text.isdigit() or text[0] == "0":
        raise RowError(
            invalid, _("%(label)s %(value)s is not 16 digits") % {"label": label, "value": text}
        )
    return text


def parse_date(value: Any) -> date | None:
    """ISO, dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy, "15 Maret 1985", "15 Mar 1985", or a date cell.

    Returns None when the text is not a real date in any of these forms.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if len(text) == 10 and text[4] == "-":
            return date.fromisoformat(text)
        match = _DAY_MONTH_YEAR.match(text)
        if match:
            day, month, year = match.groups()
            return date(int(year), int(month), int(day))
        parts = text.replace(",", " ").split()
        if len(parts) == 3 and parts[0].isdigit() and parts[2].isdigit():
            month_number = MONTH_ALIASES.get(parts[1].lower().rstrip("."))
            if month_number:
                return date(int(parts[2]), month_number, int(parts[0]))
    except ValueError:
        return None
    return None


def parse_sex(value: Any) -> str | None:
    return SEX_ALIASES.get(_NOT_LETTER.sub("", _text(value).upper()))


_NOT_LETTER = re.compile(r"[^A-Z]")


def parse_desil(value: Any) -> int | None:
    """1-10, or None when blank. Raises RowError otherwise."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = _text(value)
        if not text:
            return None
        if not text.isdigit():
            raise RowError(
                RejectReason.DESIL_INVALID, _("Desil %(value)s is not 1 to 10") % {"value": text}
            )
        number = int(text)
    if not 1 <= number <= 10:
        raise RowError(
            RejectReason.DESIL_INVALID, _("Desil %(value)s is not 1 to 10") % {"value": number}
        )
    return number


def parse_phone(value: Any) -> str:
    text = _text(value).translate(_PHONE_NOISE)
    if not text:
        return ""
    digits = text[1:] if text.startswith("+") else text
    if not digits.isdigit() or not 8 <= len(digits) <= 15:
        raise RowError(
            RejectReason.PHONE_INVALID,
            _("Phone number %(value)s is not 8 to 15 digits") % {"value": _text(value)},
        )
    return digits


def check_name(name: str) -> None:
    if (
        name.startswith(_FORMULA_START)
        or not any(c.isalpha() for c in name)
        or any(c.isdigit() for c in name)
    ):
        raise RowError(
            RejectReason.NAME_INVALID,
            _("Name %(value)s is not plausible (letters only, no leading = + - @)")
            % {"value": name},
        )


def validate_row(
    row_number: int, cells: list[Any], columns: dict[str, int], context: ValidationContext
) -> CleanRow | Rejection:
    """Check one row; the first problem found decides its reason."""
    width = len(cells)

    def cell(name: str) -> Any:
        index = columns.get(name)
        return cells[index] if index is not None and index < width else None

    raw_nik = cell("NIK")
    try:
        return _validate(row_number, cell, context)
    except RowError as error:
        return Rejection(row_number, error.reason.value, error.message, _text(raw_nik)[:40])


_REQUIRED_LABELS = {
    "NIK": "NIK",
    "NO_KK": "NO_KK",
    "NAMA": "NAMA",
    "JENIS_KELAMIN": "JENIS_KELAMIN",
    "TANGGAL_LAHIR": "TANGGAL_LAHIR",
    "KODE_DESA": "KODE_DESA",
}


def _validate(row_number: int, cell, context: ValidationContext) -> CleanRow:
    for name in _REQUIRED_LABELS:
        value = cell(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise RowError(
                RejectReason.MISSING_REQUIRED,
                _("Required value %(column)s is empty") % {"column": name},
            )
    nik = parse_identity_number(
        cell("NIK"),
        label="NIK",
        damaged=RejectReason.NIK_EXCEL_DAMAGED,
        invalid=RejectReason.NIK_INVALID,
    )
    if nik[12:] == "0000":
        raise RowError(
            RejectReason.NIK_INVALID,
            _("NIK %(value)s has serial 0000, which is never issued") % {"value": nik},
        )
    kk_number = parse_identity_number(
        cell("NO_KK"),
        label="NO_KK",
        damaged=RejectReason.KK_EXCEL_DAMAGED,
        invalid=RejectReason.KK_INVALID,
    )
    full_name = " ".join(_text(cell("NAMA")).split())
    check_name(full_name)
    sex = parse_sex(cell("JENIS_KELAMIN"))
    if sex is None:
        raise RowError(
            RejectReason.SEX_INVALID,
            _("Sex %(value)s is not L or P") % {"value": _text(cell("JENIS_KELAMIN"))},
        )
    birth_date = parse_date(cell("TANGGAL_LAHIR"))
    if birth_date is None or birth_date < OLDEST_BIRTH_DATE:
        raise RowError(
            RejectReason.BIRTH_DATE_INVALID,
            _("Birth date %(value)s is not a real date") % {"value": _text(cell("TANGGAL_LAHIR"))},
        )
    if birth_date > context.today:
        raise RowError(
            RejectReason.BIRTH_DATE_FUTURE,
            _("Birth date %(value)s is in the future") % {"value": birth_date.isoformat()},
        )
    if nik[:6] not in context.district_prefixes:
        raise RowError(
            RejectReason.NIK_UNKNOWN_REGION,
            _("NIK %(value)s starts with district code %(prefix)s, unknown in every edition")
            % {"value": nik, "prefix": nik[:6]},
        )
    nik_day = int(nik[6:8])
    nik_sex = "P" if nik_day > 40 else "L"
    if nik_day > 40:
        nik_day -= 40
    if (
        nik_sex != sex
        or nik_day != birth_date.day
        or int(nik[8:10]) != birth_date.month
        or int(nik[10:12]) != birth_date.year % 100
    ):
        raise RowError(
            RejectReason.NIK_BIRTH_MISMATCH,
            _(
                "NIK %(value)s does not match birth date %(date)s and sex %(sex)s "
                "(women have 40 added to the day)"
            )
            % {"value": nik, "date": birth_date.isoformat(), "sex": sex},
        )
    village_text = _text(cell("KODE_DESA")).replace(" ", "")
    village = context.villages.get(village_text)
    if village is None:
        raise RowError(
            RejectReason.VILLAGE_UNKNOWN,
            _("Village code %(value)s is unknown") % {"value": village_text},
        )
    village_id, regency_id, inside = village
    if not inside:
        raise RowError(
            RejectReason.VILLAGE_OUTSIDE_REGION,
            _("Village %(value)s lies outside the region this installation serves")
            % {"value": village_id},
        )
    if context.user_regency and regency_id != context.user_regency:
        raise RowError(
            RejectReason.OUTSIDE_USER_REGENCY,
            _("Village %(value)s is not in regency %(regency)s, the uploader's regency")
            % {"value": village_id, "regency": context.user_regency},
        )
    desil = parse_desil(cell("DESIL"))
    phone = parse_phone(cell("NO_HP"))
    birth_place = " ".join(_text(cell("TEMPAT_LAHIR")).split())
    address = " ".join(_text(cell("ALAMAT")).split())
    occupation = " ".join(_text(cell("PEKERJAAN")).split())
    for column, value in (
        ("NAMA", full_name),
        ("TEMPAT_LAHIR", birth_place),
        ("ALAMAT", address),
        ("PEKERJAAN", occupation),
    ):
        if len(value) > MAX_LENGTHS[column]:
            raise RowError(
                RejectReason.VALUE_TOO_LONG,
                _("%(column)s is longer than %(limit)s characters")
                % {"column": column, "limit": MAX_LENGTHS[column]},
            )
    return CleanRow(
        row_number,
        nik,
        kk_number,
        full_name,
        normalise_name(full_name),
        sex,
        birth_place,
        birth_date,
        village_id,
        regency_id,
        address,
        occupation,
        phone,
        desil,
        context.poverty_labels[desil],
    )
