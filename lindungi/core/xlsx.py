"""A streaming XLSX reader with limits: memory stays flat as the sheet grows, and a zip bomb
stops with a clear error before it is inflated.

python-calamine and openpyxl's normal mode hold the whole sheet in memory (316 MB for a
200,000-row candidate file); openpyxl's read-only mode streams but costs ~10x the time per
cell. This reader parses the sheet's XML with lxml's iterparse, row by row, clearing each row
once read. Shared strings (every text cell of a file Excel or openpyxl wrote) are kept packed
in blocks of joined text, not as millions of small Python strings.

Cells come back as calamine returned them before: str, float, bool, date or datetime (a number
cell with a date format), None for an empty cell.
"""

import posixpath
import re
import zipfile
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import IO, Any

from lxml import etree

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_ROW = f"{{{MAIN}}}row"
_C = f"{{{MAIN}}}c"
_V = f"{{{MAIN}}}v"
_IS = f"{{{MAIN}}}is"
_T = f"{{{MAIN}}}t"
_SI = f"{{{MAIN}}}si"
_RPH = f"{{{MAIN}}}rPh"
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')
_EPOCH = datetime(1899, 12, 30)
# Built-in number formats that show a date or a time (ECMA-376 18.8.30).
_DATE_FORMAT_IDS = {*range(14, 23), *range(45, 48)}
_DATE_TOKEN = re.compile(r"[dmyhs]", re.IGNORECASE)
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


class XlsxError(Exception):
    """The workbook cannot be read (damaged, not an XLSX, no such sheet)."""


class XlsxLimitError(XlsxError):
    """The workbook is larger than the limits allow (declared or as it inflates)."""

    def __init__(self, message: str, *, what: str, limit: int, found: int) -> None:
        super().__init__(message)
        self.what = what
        self.limit = limit
        self.found = found


@dataclass(frozen=True)
class XlsxLimits:
    max_inflated_bytes: int
    max_compression_ratio: int
    max_rows: int
    max_columns: int
    max_cell_chars: int


class LongCellRow(list):
    """A row with a text cell longer than the limit (cut to the limit): the importer rejects
    the row, not the file."""

    __slots__ = ()


class _SharedStrings:
    """Shared strings packed 4,096 to a block: one str per block plus an array of ends."""

    BLOCK = 4096

    def __init__(self, max_chars: int) -> None:
        self._blocks: list[str] = []
        self._ends = array("q")
        self._pending: list[str] = []
        self._max_chars = max_chars
        self.too_long: set[int] = set()
        self.count = 0

    def append(self, text: str) -> None:
        if len(text) > self._max_chars:
            self.too_long.add(self.count)
            text = text[: self._max_chars]
        self._pending.append(text)
        self.count += 1
        if len(self._pending) == self.BLOCK:
            self._flush()

    def _flush(self) -> None:
        end = 0
        for text in self._pending:
            end += len(text)
            self._ends.append(end)
        self._blocks.append("".join(self._pending))
        self._pending = []

    def finish(self) -> None:
        if self._pending:
            self._flush()

    def __getitem__(self, index: int) -> str:
        block = self._blocks[index >> 12]
        end = self._ends[index]
        start = self._ends[index - 1] if index & 4095 else 0
        return block[start:end]


class _Counted:
    """A member's stream that refuses to inflate past its share of the limit (the sizes a zip
    declares can lie; zipfile stops at the declared size, this stops at ours)."""

    def __init__(self, stream: IO[bytes], budget: list[int], limit: int) -> None:
        self._stream = stream
        self._budget = budget
        self._limit = limit

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size if size and size > 0 else 1 << 16)
        self._budget[0] += len(data)
        if self._budget[0] > self._limit:
            raise XlsxLimitError(
                "inflated", what="inflated_bytes", limit=self._limit, found=self._budget[0]
            )
        return data


@dataclass
class Sheet:
    name: str
    declared_rows: int  # from the sheet's <dimension>, 0 when absent
    declared_columns: int
    rows: Iterator[tuple[int, list[Any]]]


def column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


class XlsxReader:
    """One workbook opened for streaming; `open_sheet` returns its rows as an iterator."""

    def __init__(self, file: IO[bytes], limits: XlsxLimits) -> None:
        self.limits = limits
        try:
            self._zip = zipfile.ZipFile(file)
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            raise XlsxError(str(error)) from None
        self._check_declared_sizes()
        self._inflated = [0]
        self._sheets = self._sheet_targets()

    def close(self) -> None:
        self._zip.close()

    @property
    def sheet_names(self) -> list[str]:
        return list(self._sheets)

    def _check_declared_sizes(self) -> None:
        limits = self.limits
        total = 0
        for info in self._zip.infolist():
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > 1 << 20 and ratio > limits.max_compression_ratio:
                raise XlsxLimitError(
                    "ratio",
                    what="compression_ratio",
                    limit=limits.max_compression_ratio,
                    found=int(ratio),
                )
        if total > limits.max_inflated_bytes:
            raise XlsxLimitError(
                "declared", what="inflated_bytes", limit=limits.max_inflated_bytes, found=total
            )

    def _open(self, name: str) -> _Counted:
        try:
            stream = self._zip.open(name)
        except KeyError:
            raise XlsxError(f"{name} is missing") from None
        return _Counted(stream, self._inflated, self.limits.max_inflated_bytes)

    def _parse_small(self, name: str) -> etree._Element | None:
        if name not in self._zip.namelist():
            return None
        try:
            return etree.parse(self._open(name), etree.XMLParser(resolve_entities=False)).getroot()
        except etree.XMLSyntaxError as error:
            raise XlsxError(f"{name}: {error}") from None

    def _sheet_targets(self) -> dict[str, str]:
        workbook = self._parse_small("xl/workbook.xml")
        relations = self._parse_small("xl/_rels/workbook.xml.rels")
        if workbook is None:
            raise XlsxError("xl/workbook.xml is missing")
        targets: dict[str, str] = {}
        if relations is not None:
            for relation in relations.iter(f"{{{PACKAGE_RELATIONSHIPS}}}Relationship"):
                target = relation.get("Target", "")
                target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                targets[relation.get("Id", "")] = posixpath.normpath(target)
        sheets: dict[str, str] = {}
        for position, sheet in enumerate(workbook.iter(f"{{{MAIN}}}sheet"), start=1):
            target = targets.get(sheet.get(f"{{{RELATIONSHIPS}}}id", ""))
            sheets[sheet.get("name", "")] = target or f"xl/worksheets/sheet{position}.xml"
        if not sheets:
            raise XlsxError("the workbook has no sheet")
        return sheets

    def _date_styles(self) -> set[int]:
        """Indexes of the cell formats (the `s` of a cell) that show a date."""
        styles = self._parse_small("xl/styles.xml")
        if styles is None:
            return set()
        custom = {
            int(fmt.get("numFmtId", "0")): fmt.get("formatCode", "")
            for fmt in styles.iter(f"{{{MAIN}}}numFmt")
        }
        dated: set[int] = set()
        cell_formats = styles.find(f"{{{MAIN}}}cellXfs")
        for index, xf in enumerate(cell_formats if cell_formats is not None else ()):
            format_id = int(xf.get("numFmtId", "0"))
            code = custom.get(format_id)
            if format_id in _DATE_FORMAT_IDS or (
                code is not None and _DATE_TOKEN.search(_QUOTED.sub("", code))
            ):
                dated.add(index)
        return dated

    def _shared_strings(self) -> _SharedStrings:
        strings = _SharedStrings(self.limits.max_cell_chars)
        name = "xl/sharedStrings.xml"
        if name in self._zip.namelist():
            try:
                for _event, item in etree.iterparse(
                    self._open(name), tag=_SI, resolve_entities=False, huge_tree=True
                ):
                    strings.append(
                        "".join(
                            text.text or ""
                            for text in item.iter(_T)
                            if text.getparent().tag != _RPH
                        )
                    )
                    item.clear()
                    while item.getprevious() is not None:
                        del item.getparent()[0]
            except etree.XMLSyntaxError as error:
                raise XlsxError(f"{name}: {error}") from None
        strings.finish()
        return strings

    def open_sheet(self, name: str | None = None) -> Sheet:
        if name is None:
            name = next(iter(self._sheets))
        if name not in self._sheets:
            raise KeyError(name)
        path = self._sheets[name]
        declared_rows, declared_columns = self._dimension(path)
        limits = self.limits
        if declared_rows > limits.max_rows + 1:
            raise XlsxLimitError(
                "rows", what="rows", limit=limits.max_rows, found=max(declared_rows - 1, 0)
            )
        if declared_columns > limits.max_columns:
            raise XlsxLimitError(
                "columns", what="columns", limit=limits.max_columns, found=declared_columns
            )
        strings = self._shared_strings()
        return Sheet(
            name=name,
            declared_rows=declared_rows,
            declared_columns=declared_columns,
            rows=self._rows(path, strings, self._date_styles()),
        )

    def _dimension(self, path: str) -> tuple[int, int]:
        stream = self._open(path)
        head = stream.read(1 << 14)
        match = _DIMENSION.search(head)
        if not match:
            return 0, 0
        first_col, first_row, last_col, last_row = match.groups()
        last_col = (last_col or first_col or b"A").decode()
        last_row = int(last_row or first_row or 0)
        return last_row, column_index(last_col) + 1

    def _rows(
        self, path: str, strings: _SharedStrings, date_styles: set[int]
    ) -> Iterator[tuple[int, list[Any]]]:
        limits = self.limits
        max_columns, max_rows, max_chars = (
            limits.max_columns,
            limits.max_rows,
            limits.max_cell_chars,
        )
        letters_index: dict[str, int] = {}
        width = 0
        seen = 0
        number = 0
        c_tag, v_tag, is_tag, t_tag = _C, _V, _IS, _T
        long_strings = strings.too_long
        try:
            for _event, row in etree.iterparse(
                self._open(path), tag=_ROW, resolve_entities=False, huge_tree=True
            ):
                seen += 1
                if seen > max_rows + 1:  # + the header row
                    raise XlsxLimitError("rows", what="rows", limit=max_rows, found=seen - 1)
                reference = row.get("r")
                number = int(reference) if reference else number + 1
                cells: list[Any] = [None] * width
                too_long = False
                for cell in row:
                    if cell.tag != c_tag:
                        continue
                    ref = cell.get("r")
                    if ref:
                        letters = ref.rstrip("0123456789")
                        index = letters_index.get(letters)
                        if index is None:
                            index = letters_index[letters] = column_index(letters)
                    else:
                        index = len(cells)
                    if index >= len(cells):
                        if index >= max_columns:
                            raise XlsxLimitError(
                                "columns", what="columns", limit=max_columns, found=index + 1
                            )
                        cells.extend([None] * (index + 1 - len(cells)))
                    kind = cell.get("t")
                    if kind == "inlineStr":
                        inline = cell.find(is_tag)
                        text = (
                            "".join(part.text or "" for part in inline.iter(t_tag))
                            if inline is not None
                            else ""
                        )
                        if len(text) > max_chars:
                            text, too_long = text[:max_chars], True
                        cells[index] = text
                        continue
                    value = cell.find(v_tag)
                    raw = value.text if value is not None else None
                    if raw is None:
                        continue
                    if kind == "s":
                        position = int(raw)
                        cells[index] = strings[position]
                        if long_strings and position in long_strings:
                            too_long = True
                    elif kind is None or kind == "n":
                        number_value = float(raw)
                        style = cell.get("s")
                        if style is not None and int(style) in date_styles:
                            cells[index] = _from_serial(number_value)
                        else:
                            cells[index] = number_value
                    elif kind == "b":
                        cells[index] = raw == "1"
                    elif kind == "str" or kind == "e":
                        if len(raw) > max_chars:
                            raw, too_long = raw[:max_chars], True
                        cells[index] = raw
                    elif kind == "d":
                        cells[index] = _from_iso(raw)
                    else:
                        cells[index] = raw
                if len(cells) > width:
                    width = len(cells)
                row.clear()
                while row.getprevious() is not None:
                    del row.getparent()[0]
                yield number, LongCellRow(cells) if too_long else cells
        except etree.XMLSyntaxError as error:
            raise XlsxError(f"{path}: {error}") from None


def _from_serial(serial: float) -> date | datetime | float:
    try:
        moment = _EPOCH + timedelta(days=serial)
    except OverflowError:
        return serial
    if serial == int(serial):
        return moment.date()
    return moment


def _from_iso(text: str) -> date | datetime | str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return moment.date() if "T" not in text else moment
