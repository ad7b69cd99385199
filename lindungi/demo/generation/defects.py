"""The defects real candidate files carry (issue 3), applied one per row to a clean row.

Every defect maps to the reason code the importer is expected to give, so importer tests can
compare what they got with what the generator meant. Two kinds are not rejections: an identical
repeat is counted once, and a likely duplicate (same person, another NIK) is accepted and queued
for review.
"""

import enum
import random
from collections.abc import Callable
from datetime import date, timedelta

from lindungi.core.dates import MONTHS_ID
from lindungi.demo.generation.geography import Geography
from lindungi.demo.generation.vocabulary import BAD_DATES, BAD_DESIL, FORMULA_NAMES
from lindungi.registry.choices import RejectReason


class DefectKind(enum.StrEnum):
    NIK_EXCEL_DAMAGED = "nik_excel_damaged"
    NIK_WRONG_LENGTH = "nik_wrong_length"
    NIK_UNKNOWN_PREFIX = "nik_unknown_prefix"
    NIK_BIRTH_DATE_MISMATCH = "nik_birth_date_mismatch"
    SEX_MISMATCH = "sex_mismatch"
    BIRTH_DATE_FUTURE = "birth_date_future"
    BIRTH_DATE_INVALID = "birth_date_invalid"
    VILLAGE_UNKNOWN = "village_unknown"
    VILLAGE_OUTSIDE_PROVINCE = "village_outside_province"
    NAME_MISSING = "name_missing"
    NAME_FORMULA = "name_formula"
    DESIL_INVALID = "desil_invalid"
    # Both rows of the pair carry it: the importer rejects every row of a conflicting NIK.
    DUPLICATE_CONFLICT = "duplicate_conflict"
    # Only the repeat carries it; the first occurrence is a clean row.
    DUPLICATE_REPEAT = "duplicate_repeat"
    # A clean row's person again under a new NIK: accepted, flagged for review.
    LIKELY_DUPLICATE = "likely_duplicate"


# What the importer should say about a row with this defect; None means "not rejected".
EXPECTED_REASON: dict[DefectKind, str | None] = {
    DefectKind.NIK_EXCEL_DAMAGED: RejectReason.NIK_EXCEL_DAMAGED,
    DefectKind.NIK_WRONG_LENGTH: RejectReason.NIK_INVALID,
    DefectKind.NIK_UNKNOWN_PREFIX: RejectReason.NIK_UNKNOWN_REGION,
    DefectKind.NIK_BIRTH_DATE_MISMATCH: RejectReason.NIK_BIRTH_MISMATCH,
    DefectKind.SEX_MISMATCH: RejectReason.NIK_BIRTH_MISMATCH,
    DefectKind.BIRTH_DATE_FUTURE: RejectReason.BIRTH_DATE_FUTURE,
    DefectKind.BIRTH_DATE_INVALID: RejectReason.BIRTH_DATE_INVALID,
    DefectKind.VILLAGE_UNKNOWN: RejectReason.VILLAGE_UNKNOWN,
    DefectKind.VILLAGE_OUTSIDE_PROVINCE: RejectReason.VILLAGE_OUTSIDE_REGION,
    DefectKind.NAME_MISSING: RejectReason.MISSING_REQUIRED,
    DefectKind.NAME_FORMULA: RejectReason.NAME_INVALID,
    DefectKind.DESIL_INVALID: RejectReason.DESIL_INVALID,
    DefectKind.DUPLICATE_CONFLICT: RejectReason.DUPLICATE_CONFLICT,
    DefectKind.DUPLICATE_REPEAT: None,
    DefectKind.LIKELY_DUPLICATE: None,
}

# Kinds built from one clean row by `apply_defect`; the duplicate kinds need the generator.
SINGLE_ROW_KINDS = tuple(
    kind
    for kind in DefectKind
    if kind
    not in (
        DefectKind.DUPLICATE_CONFLICT,
        DefectKind.DUPLICATE_REPEAT,
        DefectKind.LIKELY_DUPLICATE,
    )
)

Row = dict[str, object]


def excel_scientific(nik: str) -> str:
    """How Excel's General format shows a 16-digit number: 5.30101E+15."""
    return f"{int(nik):.5E}"


def _nik_excel_damaged(row: Row, birth_date: date, rng: random.Random, geo: Geography) -> None:
    row["NIK"] = excel_scientific(str(row["NIK"]))


def _nik_wrong_length(row: Row, birth_date: date, rng: random.Random, geo: Geography) -> None:
    nik = str(row["NIK"])
    if rng.random() < 0.5:
        position = rng.randrange(16)
        row["NIK"] = nik[:position] + nik[position + 1 :]  # a digit dropped while typing
    else:
        position = rng.randrange(17)
        row["NIK"] = nik[:position] + str(rng.randrange(10)) + nik[position:]


def _nik_unknown_prefix(row: Row, birth_date: date, rng: random.Random, geo: Geography) -> None:
    nik = str(row["NIK"])
    while True:
        # A province code that does not exist. (A district number unknown in a real province
        # is accepted with a flag for verification since issue 19: not a defect to reject.)
        province = rng.choice(("00", "10", "20", "30", "40", "50", "99"))
        prefix = f"{province}{rng.randint(1, 99):02d}01"
        if prefix not in geo.known_prefixes:
            row["NIK"] = prefix + nik[6:]
            return


def _shifted_birth_date(birth_date: date, rng: random.Random) -> date:
    """Another date 1 day to 3 years away, so the NIK's ddmmyy no longer matches."""
    days = rng.randint(1, 3 * 365) * rng.choice((-1, 1))
    return birth_date + timedelta(days=days)


def _nik_birth_date_mismatch(
    row: Row, birth_date: date, rng: random.Random, geo: Geography
) -> None:
    row["TANGGAL_LAHIR"] = format_birth_date(_shifted_birth_date(birth_date, rng), "dmy_slash")


def _sex_mismatch(row: Row, birth_date: date, rng: random.Random, geo: Geography) -> None:
    row["JENIS_KELAMIN"] = "P" if row["JENIS_KELAMIN"] == "L" else "L"


def _birth_date_future(row: Row, birth_date: date, rng: random.Random, geo: Geography) -> None:
    # A decade typo (1985 typed as 2085): the NIK's two-digit year still agrees.
    try:
        future = birth_date.replace(year=birth_date.year + 100)
    except ValueError:  # 29 February of a year whose centenary is not a leap year
        future = birth_date.replace(year=birth_date.year + 400)
    row["TANGGAL_LAHIR"] = format_birth_date(future, "dmy_slash")


def _birth_date_invalid(row: Row, birth_date: date, rng: random.Random, geo: Geography) -> None:
    template = rng.choice(BAD_DATES)
    row["TANGGAL_LAHIR"] = template.format(day=f"{birth_date.day:02d}", year=birth_date.year)


def _village_unknown(row: Row, birth_date: date, rng: random.Random, geo: Geography) -> None:
    code = str(row["KODE_DESA"]).replace(".", "")
    existing = geo.village_codes
    while True:
        candidate = f"{code[:2]}.{code[2:4]}.{code[4:6]}.{rng.choice('12')}{rng.randint(900, 999)}"
        if candidate not in existing:
            row["KODE_DESA"] = candidate
            return


def _village_outside_province(
    row: Row, birth_date: date, rng: random.Random, geo: Geography
) -> None:
    if geo.outside_villages:
        row["KODE_DESA"] = rng.choice(geo.outside_villages)
        return
    # No villages of other provinces in the database: a plausible code in a real district.
    prefix = rng.choice(geo.other_province_prefixes).code_nik
    row["KODE_DESA"] = f"{prefix[:2]}.{prefix[2:4]}.{prefix[4:]}.2001"


def _name_missing(row: Row, birth_date: date, rng: random.Random, geo: Geography) -> None:
    row["NAMA"] = rng.choice(("", " ", "-"))


def _name_formula(row: Row, birth_date: date, rng: random.Random, geo: Geography) -> None:
    row["NAMA"] = rng.choice(FORMULA_NAMES).replace("{name}", str(row["NAMA"]))


def _desil_invalid(row: Row, birth_date: date, rng: random.Random, geo: Geography) -> None:
    row["DESIL"] = rng.choice(BAD_DESIL)


_APPLY: dict[DefectKind, Callable[[Row, date, random.Random, Geography], None]] = {
    DefectKind.NIK_EXCEL_DAMAGED: _nik_excel_damaged,
    DefectKind.NIK_WRONG_LENGTH: _nik_wrong_length,
    DefectKind.NIK_UNKNOWN_PREFIX: _nik_unknown_prefix,
    DefectKind.NIK_BIRTH_DATE_MISMATCH: _nik_birth_date_mismatch,
    DefectKind.SEX_MISMATCH: _sex_mismatch,
    DefectKind.BIRTH_DATE_FUTURE: _birth_date_future,
    DefectKind.BIRTH_DATE_INVALID: _birth_date_invalid,
    DefectKind.VILLAGE_UNKNOWN: _village_unknown,
    DefectKind.VILLAGE_OUTSIDE_PROVINCE: _village_outside_province,
    DefectKind.NAME_MISSING: _name_missing,
    DefectKind.NAME_FORMULA: _name_formula,
    DefectKind.DESIL_INVALID: _desil_invalid,
}


def apply_defect(
    kind: DefectKind, row: Row, *, birth_date: date, rng: random.Random, geography: Geography
) -> None:
    """Damage `row` in place with one single-row defect."""
    _APPLY[kind](row, birth_date, rng, geography)
    row["_defect"] = kind.value


# Forms a birth date takes in real files; "date" stays a date object (a real Excel date cell
# in XLSX, dd/mm/yyyy in CSV).
DATE_FORMS = ("dmy_slash", "date", "iso", "dmy_dash", "indonesian")


def format_birth_date(value: date, form: str) -> object:
    if form == "dmy_slash":
        return f"{value.day:02d}/{value.month:02d}/{value.year}"
    if form == "date":
        return value
    if form == "iso":
        return value.isoformat()
    if form == "dmy_dash":
        return f"{value.day:02d}-{value.month:02d}-{value.year}"
    if form == "indonesian":
        return f"{value.day} {MONTHS_ID[value.month - 1]} {value.year}"
    raise ValueError(f"Unknown date form {form!r}")
