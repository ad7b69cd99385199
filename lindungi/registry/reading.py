"""The candidate file's columns: the template, the names real exports give them, and which
column is which. Reading the file itself (encodings, delimiters, XLSX, limits) is the shared
intake's (`lindungi.core.intake`), re-exported here for the import.
"""

import re
from typing import Any

from django.utils.translation import gettext as _

from lindungi.core.intake import (
    FileFacts,
    FileFormatError,
    Table,
    cell_text,
    inspect_file,
    open_table,
)

__all__ = [
    "CANONICAL_COLUMNS",
    "HEADER_ALIASES",
    "REQUIRED_COLUMNS",
    "FileFacts",
    "FileFormatError",
    "Table",
    "cell_text",
    "inspect_file",
    "normalise_header",
    "open_table",
    "resolve_columns",
]

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
