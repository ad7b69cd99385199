"""Writing generated rows to CSV or XLSX as they come, without holding the file in memory.

Both writers leave the hidden `_defect` column out and return a summary of what they wrote.
The XLSX writer makes the same bytes for the same rows: openpyxl stamps the workbook and every
zip entry with the current time, so both are pinned.
"""

import csv
import datetime
import re
import shutil
import zipfile
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from lindungi.core.progress import NULL_PROGRESS, Progress
from lindungi.demo.generation.defects import DefectKind
from lindungi.demo.generation.people import COLUMNS

PROGRESS_EVERY = 10_000
BIRTH_DATE = COLUMNS.index("TANGGAL_LAHIR")
# Excel's shape for a 16-digit number it has rounded: 5.30101E+15.
_SCIENTIFIC = re.compile(r"^\d\.\d+E\+\d+$")
_FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
_FIXED_DOC_TIME = datetime.datetime(2000, 1, 1)


@dataclass
class GenerationSummary:
    rows: int = 0
    defects: Counter[str] = field(default_factory=Counter)

    @property
    def defective(self) -> int:
        return sum(self.defects.values())

    def add(self, row: Mapping[str, object]) -> None:
        self.rows += 1
        kind = row.get("_defect")
        if kind:
            self.defects[str(kind)] += 1


def _csv_value(value: object) -> object:
    if isinstance(value, datetime.date):
        # What Excel with an Indonesian locale writes for a date cell.
        return f"{value.day:02d}/{value.month:02d}/{value.year}"
    return value


def write_csv(
    path: str | Path,
    rows: Iterable[Mapping[str, object]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    progress: Progress = NULL_PROGRESS,
    total: int | None = None,
) -> GenerationSummary:
    """Write the canonical header and the rows; returns what was written."""
    summary = GenerationSummary()
    progress.start(total, "CSV")
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        pending = 0
        take = itemgetter(*COLUMNS)
        for row in rows:
            values = take(row)
            if isinstance(values[BIRTH_DATE], datetime.date):
                values = list(values)
                values[BIRTH_DATE] = _csv_value(values[BIRTH_DATE])
            writer.writerow(values)
            summary.add(row)
            pending += 1
            if pending == PROGRESS_EVERY:
                progress.advance(pending)
                pending = 0
        progress.advance(pending)
    progress.finish()
    return summary


class _PinnedTimeZipFile(zipfile.ZipFile):
    """A zip whose entries all carry one fixed time, so equal content gives equal bytes."""

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=_FIXED_ZIP_TIME)
        info.compress_type = self.compression
        info.external_attr = 0o600 << 16
        return info

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        info = self._info(arcname or str(filename))
        with open(filename, "rb") as source, self.open(info, "w", force_zip64=True) as target:
            shutil.copyfileobj(source, target, 1 << 20)

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)


def write_xlsx(
    path: str | Path,
    rows: Iterable[Mapping[str, object]],
    *,
    sheet_title: str = "Kandidat",
    progress: Progress = NULL_PROGRESS,
    total: int | None = None,
) -> GenerationSummary:
    """Write one sheet in openpyxl's write-only mode.

    NIK and NO_KK are text cells, as the import template asks; an Excel-damaged NIK becomes the
    number Excel would have stored. Date objects become real date cells. A value that looks like
    a formula stays text: the file must carry the attack, not run it.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.writer.excel import ExcelWriter

    workbook = Workbook(write_only=True)
    workbook.properties.creator = "Lindungi"
    workbook.properties.created = _FIXED_DOC_TIME
    sheet = workbook.create_sheet(sheet_title)
    sheet.append(list(COLUMNS))
    summary = GenerationSummary()
    damaged = DefectKind.NIK_EXCEL_DAMAGED.value
    progress.start(total, "XLSX")
    pending = 0
    for row in rows:
        values: list[object] = []
        for column in COLUMNS:
            value = row[column]
            if isinstance(value, str):
                if column == "NIK" and row.get("_defect") == damaged and _SCIENTIFIC.match(value):
                    value = float(value)
                elif value[:1] == "=":
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"
                    value = cell
            elif isinstance(value, datetime.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "DD/MM/YYYY"
                value = cell
            values.append(value)
        sheet.append(values)
        summary.add(row)
        pending += 1
        if pending == PROGRESS_EVERY:
            progress.advance(pending)
            pending = 0
    progress.advance(pending)
    # save_workbook() would stamp the current time; write through ExcelWriter ourselves instead.
    workbook.properties.modified = _FIXED_DOC_TIME
    with _PinnedTimeZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).save()
    progress.finish()
    return summary
