"""Row validation: pure functions from the cells of one row to a clean row or a rejection.

Everything a row is checked against (district prefixes of every edition, the village index,
the served region, the uploader's regency, today) is passed in a `ValidationContext`, built
once per import, so validating a million rows asks the database nothing.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from django.utils.translation import gettext as _

from lindungi.core.dates import MONTH_ALIASES
from lindungi.regions.selectors import normalise_village_code
from lindungi.registry.choices import RejectReason
from lindungi.registry.reading import CANONICAL_COLUMNS

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
    # The served province ("53") or regency ("53.05"): a well-formed village code elsewhere is
    # outside the region even when that province's villages are not loaded.
    served_region: str = ""


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
    """The layout of a clean row's values. `validate` returns them as a plain tuple in this
    order, between the row number and the raw text (building a NamedTuple a million times
    costs more than the rest of the row)."""

    nik: str
    kk_number: str
    full_name: str
    name_normalised: str
    sex: str
    birth_place: str
    birth_date: str  # ISO 8601, ready for the staging table
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


_BAD_NAME = re.compile(r"^[=+\-@]|\d")
_LETTER = re.compile(r"[^\W\d_]")


def check_name(name: str) -> None:
    if _BAD_NAME.search(name) or not _LETTER.search(name):
        raise RowError(
            RejectReason.NAME_INVALID,
            _("Name %(value)s is not plausible (letters only, no leading = + - @)")
            % {"value": name},
        )


def _clean_text(value: Any) -> str:
    text = value.strip() if type(value) is str else _text(value)
    return " ".join(text.split()) if "  " in text or "\t" in text or "\n" in text else text


def _check_required(cells: list[Any], required: tuple[tuple[int, str], ...]) -> None:
    for index, column in required:
        value = cells[index]
        if value is None or (type(value) is str and not value.strip()):
            raise RowError(
                RejectReason.MISSING_REQUIRED,
                _("Required value %(column)s is empty") % {"column": column},
            )


_DESIL_TEXT = {str(number): number for number in range(1, 11)}
_DESIL_TEXT[""] = None


def make_validator(
    columns: dict[str, int],
    width: int,
    context: ValidationContext,
    *,
    raw: Callable[[list[Any]], str],
):
    """Compile a row checker for one file layout: `validate(row_number, cells)`.

    `columns` maps canonical columns to cell indexes and `width` is the header width; optional
    columns absent from the file read as blank. Returns the row ready for staging as one
    plain tuple, (row_number, *the values of a CleanRow, raw(cells)), or a Rejection; the
    first problem found decides the reason. Written for speed: this runs a million times.
    """
    blank_index = width  # rows are padded with one blank cell past the header width
    indexes = [columns.get(name, blank_index) for name in CANONICAL_COLUMNS]
    (i_nik, i_kk, i_name, i_sex, i_place, i_born, i_village, i_address, i_job, i_desil,
     i_phone) = indexes  # fmt: skip
    # Rows shorter than this are padded with blanks (only layouts lacking an optional column
    # pad every row; files with every column pad only their ragged rows).
    padded_width = max(indexes) + 1
    required = (
        (i_nik, "NIK"),
        (i_kk, "NO_KK"),
        (i_name, "NAMA"),
        (i_sex, "JENIS_KELAMIN"),
        (i_born, "TANGGAL_LAHIR"),
        (i_village, "KODE_DESA"),
    )
    prefixes = context.district_prefixes
    # A NIK whose district is missing from our tables (issued before the 2015 edition, or a
    # gap) but whose province is real is accepted; the registry and the "why" flag it for
    # verification (registry.selectors.region_unverified) instead of turning a resident away.
    provinces = frozenset(prefix[:2] for prefix in prefixes)
    villages = context.villages
    today = context.today
    labels = context.poverty_labels
    user_regency = context.user_regency
    served_region = context.served_region
    sexes = SEX_ALIASES
    desil_text = _DESIL_TEXT
    bad_name = _BAD_NAME.search
    letter = _LETTER.search

    # Raw birth-date text -> (date, ISO text, NIK digits 7-12 for a man, for a woman), or None
    # when it is not a real date since 1900. A million rows hold a few tens of thousands of
    # distinct dates, so each is parsed once; the cache is capped against hostile files.
    birth_cache: dict[str, tuple[date, str, str, str] | None] = {}

    def birth_facts(raw: Any) -> tuple[date, str, str, str] | None:
        if type(raw) is str and len(raw) == 10 and raw[2] == "/":
            try:
                born = date(int(raw[6:]), int(raw[3:5]), int(raw[:2]))
            except ValueError:
                born = None
        else:
            born = parse_date(raw)
        if born is None or born < OLDEST_BIRTH_DATE:
            facts = None
        else:
            tail = f"{born.month:02d}{born.year % 100:02d}"
            facts = (born, born.isoformat(), f"{born.day:02d}{tail}", f"{born.day + 40}{tail}")
        if type(raw) is str and len(birth_cache) < 100_000:
            birth_cache[raw] = facts
        return facts

    def validate(row_number: int, cells: list[Any]) -> tuple | Rejection:
        as_read = cells
        if len(cells) < padded_width:
            cells = [*cells, *([""] * (padded_width - len(cells)))]
        try:
            nik = cells[i_nik]
            # Fast path: every required cell non-empty (whitespace-only is caught below).
            if not (
                nik and cells[i_kk] and cells[i_name] and cells[i_sex] and cells[i_born]
                and cells[i_village]
            ):  # fmt: skip
                _check_required(cells, required)
            if not (type(nik) is str and len(nik) == 16 and nik.isdigit() and nik[0] != "0"):
                nik = parse_identity_number(
                    nik,
                    label="NIK",
                    damaged=RejectReason.NIK_EXCEL_DAMAGED,
                    invalid=RejectReason.NIK_INVALID,
                )
            if nik[12:] == "0000":
                raise RowError(
                    RejectReason.NIK_INVALID,
                    _("NIK %(value)s has serial 0000, which is never issued") % {"value": nik},
                )
            kk_number = cells[i_kk]
            if not (
                type(kk_number) is str
                and len(kk_number) == 16
                and kk_number.isdigit()
                and kk_number[0] != "0"
            ):
                kk_number = parse_identity_number(
                    kk_number,
                    label="NO_KK",
                    damaged=RejectReason.KK_EXCEL_DAMAGED,
                    invalid=RejectReason.KK_INVALID,
                )
            full_name = cells[i_name]
            # Inlined _clean_text for the common case (text cells): four calls a row add up.
            if type(full_name) is str:
                full_name = full_name.strip()
                if "  " in full_name or "\t" in full_name or "\n" in full_name:
                    full_name = " ".join(full_name.split())
            else:
                full_name = _clean_text(full_name)
            if not full_name:
                _check_required(cells, required)
            # Letters and single spaces only (most names): plausible, and for ASCII the
            # normalised form is just the upper case. Anything else takes the full checks.
            if full_name.replace(" ", "").isalpha():
                name_normalised = (
                    full_name.upper() if full_name.isascii() else normalise_name(full_name)
                )
            else:
                if bad_name(full_name) or not letter(full_name):
                    check_name(full_name)
                name_normalised = normalise_name(full_name)
            raw_sex = cells[i_sex]
            sex = sexes.get(raw_sex) if type(raw_sex) is str else None
            if sex is None:
                sex = parse_sex(raw_sex)
                if sex is None:
                    raise RowError(
                        RejectReason.SEX_INVALID,
                        _("Sex %(value)s is not L or P") % {"value": _text(raw_sex)},
                    )
            raw_born = cells[i_born]
            try:
                facts = birth_cache[raw_born]
            except (KeyError, TypeError):  # not seen yet, or an unhashable cell
                facts = birth_facts(raw_born)
            if facts is None:
                raise RowError(
                    RejectReason.BIRTH_DATE_INVALID,
                    _("Birth date %(value)s is not a real date") % {"value": _text(raw_born)},
                )
            birth_date, birth_iso, man_digits, woman_digits = facts
            if birth_date > today:
                raise RowError(
                    RejectReason.BIRTH_DATE_FUTURE,
                    _("Birth date %(value)s is in the future") % {"value": birth_iso},
                )
            if nik[:6] not in prefixes and nik[:2] not in provinces:
                raise RowError(
                    RejectReason.NIK_UNKNOWN_REGION,
                    _("NIK %(value)s: province code %(prefix)s is unknown in every edition")
                    % {"value": nik, "prefix": nik[:2]},
                )
            # Day (plus 40 for women), month and two-digit year, compared as text.
            if nik[6:12] != (man_digits if sex == "L" else woman_digits):
                raise RowError(
                    RejectReason.NIK_BIRTH_MISMATCH,
                    _(
                        "NIK %(value)s does not match birth date %(date)s and sex %(sex)s "
                        "(women have 40 added to the day)"
                    )
                    % {"value": nik, "date": birth_iso, "sex": sex},
                )
            raw_village = cells[i_village]
            village = villages.get(raw_village) if type(raw_village) is str else None
            if village is None:
                village_text = _text(raw_village).replace(" ", "")
                village = villages.get(village_text)
                # Only rows whose code is not in the index get here, so the selector's
                # regular expressions cost nothing on the million-row path.
                dotted = normalise_village_code(village_text)
                if (
                    village is None
                    and dotted
                    and served_region
                    and not dotted.startswith(served_region + ".")
                ):
                    raise RowError(
                        RejectReason.VILLAGE_OUTSIDE_REGION,
                        _("Village %(value)s lies outside the region this installation serves")
                        % {"value": dotted},
                    )
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
            if user_regency and regency_id != user_regency:
                raise RowError(
                    RejectReason.OUTSIDE_USER_REGENCY,
                    _("Village %(value)s is not in regency %(regency)s, the uploader's regency")
                    % {"value": village_id, "regency": user_regency},
                )
            raw_desil = cells[i_desil]
            if type(raw_desil) is str and raw_desil in desil_text:
                desil = desil_text[raw_desil]
            else:
                desil = parse_desil(raw_desil)
            phone = cells[i_phone]
            if not (
                type(phone) is str and (not phone or (phone.isdigit() and 8 <= len(phone) <= 15))
            ):
                phone = parse_phone(phone)
            birth_place = cells[i_place]
            if (
                type(birth_place) is not str
                or "  " in birth_place
                or "\t" in birth_place
                or "\n" in birth_place
            ):
                birth_place = _clean_text(birth_place)
            else:
                birth_place = birth_place.strip()
            address = cells[i_address]
            if type(address) is not str or "  " in address or "\t" in address or "\n" in address:
                address = _clean_text(address)
            else:
                address = address.strip()
            occupation = cells[i_job]
            if (
                type(occupation) is not str
                or "  " in occupation
                or "\t" in occupation
                or "\n" in occupation
            ):
                occupation = _clean_text(occupation)
            else:
                occupation = occupation.strip()
            if (
                len(full_name) > 150
                or len(birth_place) > 100
                or len(address) > 300
                or len(occupation) > 100
            ):
                _check_lengths(full_name, birth_place, address, occupation)
            return (
                row_number,
                nik,
                kk_number,
                full_name,
                name_normalised,
                sex,
                birth_place,
                birth_iso,
                village_id,
                regency_id,
                address,
                occupation,
                phone,
                desil,
                labels[desil],
                raw(as_read),
            )
        except RowError as error:
            return Rejection(
                row_number, error.reason.value, error.message, _text(cells[i_nik])[:40]
            )

    return validate


def _check_lengths(full_name: str, birth_place: str, address: str, occupation: str) -> None:
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
