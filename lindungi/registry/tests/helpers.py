"""Building candidate files for tests: valid rows by default, any cell overridable."""

import csv
import datetime
from pathlib import Path

from lindungi.registry.reading import CANONICAL_COLUMNS
from lindungi.registry.tests.factories import make_nik

# Alor (53.05): district 53.05.01 has NIK prefix 530501 in the loaded codes.
ALOR_VILLAGE = "53.05.01.1001"
TTU_VILLAGE_PREFIX = "53.03."


def letters(number: int) -> str:
    """1 -> "A", 27 -> "AA": distinct names without digits (digits make a name implausible)."""
    text = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        text = chr(65 + remainder) + text
    return text


def village_facts(code: str = ALOR_VILLAGE) -> tuple[str, str]:
    """(dotted village code, district NIK prefix)."""
    from lindungi.regions.models import Village

    village = Village.objects.select_related("district").get(code=code)
    return village.code, village.district.code_nik


def candidate(
    serial: int,
    *,
    village: str = ALOR_VILLAGE,
    prefix: str | None = None,
    sex: str = "L",
    birth_date: datetime.date = datetime.date(1985, 3, 15),
    name: str | None = None,
    **overrides,
) -> dict[str, object]:
    """One valid row as {canonical column: value}; `overrides` replace columns by name."""
    if prefix is None:
        prefix = village_facts(village)[1]
    row: dict[str, object] = {
        "NIK": make_nik(district_code_nik=prefix, birth_date=birth_date, sex=sex, serial=serial),
        "NO_KK": f"{prefix}0101{serial:06d}",
        "NAMA": name or f"Warga Uji {letters(serial)}",
        "JENIS_KELAMIN": sex,
        "TEMPAT_LAHIR": "Kalabahi",
        "TANGGAL_LAHIR": birth_date.isoformat(),
        "KODE_DESA": village,
        "ALAMAT": "RT 001 RW 002",
        "PEKERJAAN": "Petani",
        "DESIL": 2,
        "NO_HP": "081234567890",
    }
    row.update(overrides)
    return row


def write_csv(
    path: Path,
    rows: list[dict[str, object]],
    *,
    headers: list[str] | None = None,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Path:
    headers = headers or list(CANONICAL_COLUMNS)
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(headers)
        for row in rows:
            values = list(row.values()) if len(row) == len(headers) else None
            writer.writerow(values or [row.get(h, "") for h in headers])
    return path


def write_xlsx(
    path: Path,
    rows: list[dict[str, object]],
    *,
    headers: list[str] | None = None,
    sheet: str = "Sheet1",
    extra_sheets: tuple[str, ...] = (),
) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    for name in extra_sheets:
        workbook.create_sheet(name).append(["nothing", "here"])
    worksheet = workbook.active
    worksheet.title = sheet
    headers = headers or list(CANONICAL_COLUMNS)
    worksheet.append(headers)
    for row in rows:
        values = list(row.values()) if len(row) == len(headers) else None
        worksheet.append(values or [row.get(h, "") for h in headers])
    if extra_sheets:
        workbook.move_sheet(sheet, offset=len(extra_sheets))
    workbook.save(path)
    return path


def importer():
    """A province officer to act as in imports (every import has an acting user)."""
    from lindungi.accounts.models import User
    from lindungi.core.roles import Role

    user, _created = User.objects.get_or_create(
        username="importer", defaults={"role": Role.PROVINCE_OFFICER}
    )
    return user
