"""An uploaded table (a problem list, a register) read into rows of cell values, whatever shape
the file arrives in, and what every import shares: headers found by name, cells compared in one
normal form, errors placed by row and column.

An .xlsx is read with openpyxl: its active sheet, formulas by the values Excel last computed,
merged cells filled from their top-left cell (a county merges one 问题方面 over all its problems).
A .csv is read as UTF-8 (with or without a byte order mark) or as GB18030 (what Excel saves as
“CSV (逗号分隔)” on a Chinese Windows, GBK included), and Excel's “Unicode 文本” (UTF-16 with a
byte order mark, tab-separated) too; the encoding is recognised, the person chooses nothing. The
type is recognised from the content, never from the name. A file that is no table, too large, or
empty is refused with a message people can act on (``UnreadableFile``), never with an exception
from the reader.
"""

import codecs
import csv
import dataclasses
import datetime
import io
import re
import unicodedata
import zipfile

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from admin_site.exports import cell_value

# The largest upload taken by default, and the most its workbook may unpack to (a workbook is a
# zip archive: a small file may unpack to gigabytes, which is refused before it is read); an
# import of larger tables passes its own limits.
MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
# The most rows with content by default, and the columns read from each row (any more ignored).
MAX_ROWS = 5000
MAX_COLUMNS = 60

ZIP_SIGNATURE = b"PK\x03\x04"
# Excel 97-2003 workbooks (.xls) and other OLE compound files.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")
UTF16_SIGNATURES = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
ENCODING_NAMES = {"utf-8-sig": "UTF-8", "gb18030": "GBK/GB18030", "utf-16": "UTF-16"}


class UnreadableFile(Exception):
    """The upload cannot be read as a table; ``str()`` says why, in the person's language."""


@dataclasses.dataclass(frozen=True)
class Grid:
    """A sheet's cells as values: ``rows[i]`` is row ``i + 1`` as Excel numbers it; a CSV's
    ``encoding`` is the one it was read in."""

    sheet_name: str
    rows: list[list]
    encoding: str = ""


def read(content: bytes, *, max_bytes: int | None = None, max_rows: int | None = None) -> Grid:
    """The first sheet of an .xlsx, or a .csv, as a grid of values."""
    max_bytes = max_bytes or MAX_BYTES
    max_rows = max_rows or MAX_ROWS
    unpacked_limit = max(MAX_UNPACKED_BYTES, max_bytes * 10)
    if not content:
        raise UnreadableFile(_("上传的文件是空的"))
    if len(content) > max_bytes:
        raise UnreadableFile(too_large(max_bytes))
    if content.startswith(OLE_SIGNATURE):
        raise UnreadableFile(_("这是旧版Excel文件（.xls），请在Excel中另存为.xlsx后再导入"))
    if content.startswith(ZIP_SIGNATURE):
        (rows, name), encoding = _workbook_rows(content, unpacked_limit), ""
    else:
        (rows, encoding), name = _csv_rows(content), "CSV"
    while rows and _is_empty(rows[-1]):
        rows.pop()
    if not rows:
        raise UnreadableFile(_("表格中没有内容"))
    if sum(not _is_empty(row) for row in rows) > max_rows + 1:
        raise UnreadableFile(_("表格超过%(rows)s行，请分成几个文件导入") % {"rows": max_rows})
    return Grid(name, rows, encoding)


def _is_empty(row) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in row)


def _not_a_workbook() -> UnreadableFile:
    return UnreadableFile(_("无法读取该文件，请上传Excel（.xlsx）或CSV文件"))


def too_large(max_bytes: int) -> str:
    return _("文件超过%(limit)s MB，请分成几个文件导入") % {"limit": max_bytes // (1024 * 1024)}


def _workbook_rows(content: bytes, unpacked_limit: int) -> tuple[list[list], str]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise _not_a_workbook() from error
    if unpacked > unpacked_limit:
        raise UnreadableFile(_("文件内容过大，请分成几个文件导入"))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
    except Exception as error:
        # A damaged or foreign archive makes openpyxl raise almost anything (KeyError,
        # ValueError, XML parse errors...): all of them mean the same to the person.
        raise _not_a_workbook() from error
    sheet = workbook.active if isinstance(workbook.active, Worksheet) else None
    sheet = sheet or next(iter(workbook.worksheets), None)
    if sheet is None:
        raise UnreadableFile(_("表格中没有内容"))
    width = min(sheet.max_column, MAX_COLUMNS)
    rows = [list(row) for row in sheet.iter_rows(max_col=width, values_only=True)]
    for merged in sheet.merged_cells.ranges:
        value = sheet.cell(merged.min_row, merged.min_col).value
        for r in range(merged.min_row, min(merged.max_row, len(rows)) + 1):
            for c in range(merged.min_col, min(merged.max_col, width) + 1):
                rows[r - 1][c - 1] = value
    return rows, sheet.title


def _csv_rows(content: bytes) -> tuple[list[list], str]:
    """The rows of a text table and the encoding they were read in."""
    if content.startswith(UTF16_SIGNATURES):
        encodings = ("utf-16",)
    elif b"\x00" in content:
        raise _not_a_workbook()
    else:
        encodings = TEXT_ENCODINGS
    for encoding in encodings:
        try:
            text = codecs.decode(content, encoding)
        except UnicodeDecodeError:
            continue
        first_line = text.partition("\n")[0]
        delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
        try:
            reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            return [row[:MAX_COLUMNS] for row in reader], encoding
        except csv.Error as error:
            raise _not_a_workbook() from error
    raise UnreadableFile(
        _(
            "无法识别该CSV文件的文字编码（应为UTF-8或GBK/GB18030）。"
            "请在Excel中“另存为”，类型选“CSV UTF-8（逗号分隔）”，再导入"
        )
    )


# How many rows above the header row a sheet may have (a title, a date line).
HEADER_SEARCH_ROWS = 10


def as_text(value) -> str:
    """A cell as the text a person sees in it: whole numbers without ``.0``, dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def normalise(value) -> str:
    """A header, a name or a short code as compared: NFKC (full-width to half-width), with every
    space and control character removed."""
    text = unicodedata.normalize("NFKC", as_text(value))
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c)[0] != "C")


@dataclasses.dataclass(frozen=True)
class Column:
    """A column of an imported table: the field it fills and the header naming it in the file.

    Headers stay Chinese whatever the page's language: they are what the county's files say.
    """

    key: str
    header: str
    required: bool


@dataclasses.dataclass(frozen=True)
class RowError:
    """One thing wrong with the file: where (the row as Excel numbers it, the column's header;
    either empty when the whole file or row is meant), the value found, and why."""

    row: int | None
    column: str
    value: str
    reason: str
    # The cell's column in the sheet (0-based), to mark it in the error workbook.
    column_index: int | None = None


@dataclasses.dataclass(frozen=True)
class Headers:
    """Where the header row is and where each known column is in it (0-based)."""

    row: int
    columns: dict[str, int]


def find_headers(grid: Grid, columns) -> tuple[Headers | None, list[RowError]]:
    """The header row among the first rows (the one naming most of ``columns``), and what is
    wrong with it: a column named twice, a required column missing, no header row at all."""
    known = {normalise(column.header): column.key for column in columns}
    headers = {column.key: column.header for column in columns}
    best, best_found = None, {}
    for number, row in enumerate(grid.rows[:HEADER_SEARCH_ROWS], start=1):
        found: dict[str, list[int]] = {}
        for index, value in enumerate(row):
            key = known.get(normalise(value))
            if key:
                found.setdefault(key, []).append(index)
        if len(found) > len(best_found):
            best, best_found = number, found
    if best is None:
        required = "、".join(c.header for c in columns if c.required)
        reason = _("找不到表头：表头行应包含列%(columns)s") % {"columns": required}
        if grid.encoding:
            reason += _(
                "（本文件按%(encoding)s编码读取；若表头是乱码，请另存为“CSV UTF-8”再导入）"
            ) % {"encoding": ENCODING_NAMES.get(grid.encoding, grid.encoding)}
        return None, [RowError(None, "", "", reason)]
    errors = [
        RowError(best, "", headers[key], _("列“%(column)s”出现了两次") % {"column": headers[key]})
        for key, indexes in best_found.items()
        if len(indexes) > 1
    ]
    found_columns = {key: indexes[0] for key, indexes in best_found.items()}
    missing = [c.header for c in columns if c.required and c.key not in found_columns]
    if missing:
        reason = _("缺少必填列：%(columns)s") % {"columns": "、".join(missing)}
        errors.append(RowError(best, "", "", reason))
    return Headers(best, found_columns), errors


def data_rows(grid: Grid, headers: Headers):
    """(row number, {column key: cell value}) for each row below the header row with content in
    a known column."""
    for number, cells in enumerate(grid.rows, start=1):
        if number <= headers.row:
            continue
        values = {
            key: cells[index] if index < len(cells) else None
            for key, index in headers.columns.items()
        }
        if any(normalise(value) for value in values.values()):
            yield number, values


BAD_CELL = PatternFill("solid", fgColor="FFC7CE")
BAD_ROW = PatternFill("solid", fgColor="FFEB9C")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
ERROR_HEADER = "错误说明"
# Characters a sheet's title may not hold, and its longest length.
TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
TITLE_LENGTH = 31


def bold_row(sheet, values, widths=None) -> None:
    """Append a row of headers in bold (through ``cell_value``), and set the column widths."""
    sheet.append([cell_value(v) for v in values])
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    for index, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def sheet_title(name: str, default: str) -> str:
    return TITLE_FORBIDDEN.sub("", name)[:TITLE_LENGTH] or default


def marked_workbook(
    grid: Grid | None, header_row: int | None, errors, default_title: str, notes=()
):
    """The uploaded sheet handed back (if there is one): every bad cell filled red and commented,
    each row's reasons in an extra 错误说明 column, a sheet listing every error, and one listing
    the ``notes`` (what is no error but should be known), if any. Written cell by cell through
    ``admin_site.exports.cell_value``, so text a spreadsheet would read as a formula is handed
    back as text."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    by_row: dict[int | None, list[RowError]] = {}
    for error in errors:
        by_row.setdefault(error.row, []).append(error)
    if grid is not None:
        sheet.title = sheet_title(grid.sheet_name, default_title)
        width = max((len(row) for row in grid.rows), default=0)
        for number, row in enumerate(grid.rows, start=1):
            sheet.append([cell_value(value) for value in row])
            if number == header_row:
                # Its faults (a column missing or twice) are listed on the second sheet.
                sheet.cell(number, width + 1, ERROR_HEADER).font = BOLD
            elif number in by_row:
                _mark_row(sheet, number, width, by_row[number])
    else:  # no file to mark (unreadable, or deleted): the list is the first sheet
        workbook.remove(sheet)
    _fill_list(workbook.create_sheet("错误清单"), errors)
    if notes:
        _fill_list(workbook.create_sheet("提示"), notes)
    return workbook


def _fill_list(sheet, errors) -> None:
    bold_row(sheet, [_("行号"), _("列"), _("值"), _("原因")], [8, 14, 30, 70])
    for error in errors:
        sheet.append(
            [error.row or "", error.column, cell_value(error.value), cell_value(error.reason)]
        )


def _mark_row(sheet, number: int, width: int, errors) -> None:
    by_column: dict[int, list[str]] = {}
    for error in errors:
        if error.column_index is not None:
            by_column.setdefault(error.column_index, []).append(error.reason)
    for index, reasons in by_column.items():
        cell = sheet.cell(number, index + 1)
        cell.fill = BAD_CELL
        cell.comment = Comment("\n".join(reasons), "精准扶贫审批系统")
    explanation = sheet.cell(
        number,
        width + 1,
        cell_value("；".join(f"{e.column}：{e.reason}" if e.column else e.reason for e in errors)),
    )
    explanation.fill = BAD_ROW
    explanation.alignment = WRAP
