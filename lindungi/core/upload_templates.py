"""One template builder for every upload: the columns an importer reads, declared once.

Each importer declares its layout as an `UploadTemplate` (next to the header aliases it reads
with, in `<app>/upload_templates.py`, which the web app discovers at start-up) and
`register()`s it. From that one declaration come:

- the XLSX template (`workbook_bytes`): the header row with a note per column, text-formatted
  identity columns (so Excel keeps a NIK's 16 digits), drop-down lists for coded columns,
  whole-number and date checks, and one example row;
- the upload page's "which columns" help (`web` renders `columns` as a table).

The declaration does not read files: `core/intake.py` does, with the importer's aliases.
"""

import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

TEXT, DATE, WHOLE, MONTH = "text", "date", "whole", "month"
# Rows formatted as text cell by cell (the column's own format covers the rest in Excel), and
# rows the drop-downs and checks cover. The example is row 2.
FORMATTED_ROWS = 1_000
VALIDATED_ROWS = 100_000


@dataclass(frozen=True)
class TemplateColumn:
    name: str
    description: str | Promise
    required: bool = False
    kind: str = TEXT
    # A drop-down list: the values the importer accepts (as a file would write them).
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    example: Any = ""

    @property
    def allowed(self) -> str:
        """The accepted values as one line for the help table ("" when free)."""
        if self.choices:
            return ", ".join(self.choices)
        if self.kind == WHOLE and self.minimum is not None and self.maximum is not None:
            return f"{self.minimum}–{self.maximum}"
        if self.kind == DATE:
            return _("a date (YYYY-MM-DD)")
        if self.kind == MONTH:
            return _("a month (YYYY-MM)")
        return ""


@dataclass(frozen=True)
class UploadTemplate:
    key: str
    title: str | Promise
    sheet: str
    file_name: str
    columns: tuple[TemplateColumn, ...] = field(default_factory=tuple)

    @property
    def required(self) -> list[str]:
        return [column.name for column in self.columns if column.required]


_REGISTRY: dict[str, UploadTemplate] = {}


def register(template: UploadTemplate) -> UploadTemplate:
    """Declare an upload's layout; the same key twice must be the same declaration."""
    existing = _REGISTRY.get(template.key)
    if existing is not None and existing != template:
        raise ValueError(f"upload template {template.key!r} is declared twice")
    _REGISTRY[template.key] = template
    return template


def get_template(key: str) -> UploadTemplate:
    """The declared template (KeyError for an unknown key)."""
    return _REGISTRY[key]


def registered() -> dict[str, UploadTemplate]:
    return dict(_REGISTRY)


def workbook_bytes(template: UploadTemplate) -> bytes:
    """The XLSX template: headers with notes, formats, drop-downs and one example row."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = template.sheet[:31]
    last = FORMATTED_ROWS + 1
    validated = VALIDATED_ROWS
    for index, column in enumerate(template.columns, 1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index, value=column.name)
        header.font = Font(bold=True)
        note = str(column.description)
        if column.required:
            note = _("Required. %(note)s") % {"note": note}
        if column.allowed:
            note = f"{note} ({column.allowed})"
        header.comment = Comment(note, "Lindungi")
        sheet.column_dimensions[letter].width = max(14, len(column.name) + 4)
        example = sheet.cell(row=2, column=index, value=_example(column))
        if column.kind == TEXT:
            sheet.column_dimensions[letter].number_format = "@"
            # Text cells: a NIK or KPJ typed in keeps every digit (no 5.30101E+15).
            for row in range(2, last + 1):
                sheet.cell(row=row, column=index).number_format = "@"
        elif column.kind == DATE:
            example.number_format = "yyyy-mm-dd"
        validation = _validation(column, DataValidation)
        if validation is not None:
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{validated}")
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _example(column: TemplateColumn) -> Any:
    if column.kind == DATE and isinstance(column.example, str) and column.example:
        return date.fromisoformat(column.example)
    return column.example


def _validation(column: TemplateColumn, DataValidation):
    if column.choices:
        # A list of literal values: Excel limits it to 255 characters.
        listed = ",".join(column.choices)
        if len(listed) > 250:
            raise ValueError(f"the drop-down of {column.name} is too long for Excel")
        validation = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True)
        validation.error = _("Choose one of: %(values)s") % {"values": ", ".join(column.choices)}
    elif column.kind == WHOLE and column.minimum is not None and column.maximum is not None:
        validation = DataValidation(
            type="whole",
            operator="between",
            formula1=str(column.minimum),
            formula2=str(column.maximum),
            allow_blank=True,
        )
        validation.error = _("A whole number from %(low)s to %(high)s") % {
            "low": column.minimum,
            "high": column.maximum,
        }
    else:
        # Dates are not checked by the sheet: importers also read "18/07/2025" typed as text.
        return None
    validation.showErrorMessage = True
    validation.errorTitle = column.name
    return validation
