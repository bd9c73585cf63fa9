"""An uploaded problem list read into rows of cell values, whatever shape the file arrives in.

An .xlsx is read with openpyxl: its active sheet, formulas by the values Excel last computed,
merged cells filled from their top-left cell (a county merges one 问题方面 over all its problems).
A .csv is read as UTF-8 or as GB18030 (what Excel saves in Chinese). The type is recognised from
the content, never from the name. A file that is no table, too large, or empty is refused with a
message people can act on (``UnreadableFile``), never with an exception from the reader.
"""

import codecs
import csv
import dataclasses
import io
import zipfile

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.worksheet.worksheet import Worksheet

# The largest upload taken, and the most its workbook may unpack to (a workbook is a zip archive:
# a small file may unpack to gigabytes, which is refused before it is read).
MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
# The most rows with content, and the columns read from each row (any more are ignored).
MAX_ROWS = 5000
MAX_COLUMNS = 60

ZIP_SIGNATURE = b"PK\x03\x04"
# Excel 97-2003 workbooks (.xls) and other OLE compound files.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")


class UnreadableFile(Exception):
    """The upload cannot be read as a problem list; ``str()`` says why, in the person's language."""


@dataclasses.dataclass(frozen=True)
class Grid:
    """A sheet's cells as values: ``rows[i]`` is row ``i + 1`` as Excel numbers it."""

    sheet_name: str
    rows: list[list]


def read(content: bytes) -> Grid:
    """The first sheet of an .xlsx, or a .csv, as a grid of values."""
    if not content:
        raise UnreadableFile(_("上传的文件是空的"))
    if len(content) > MAX_BYTES:
        raise UnreadableFile(
            _("文件超过%(limit)s MB，请分成几个文件导入") % {"limit": MAX_BYTES // (1024 * 1024)}
        )
    if content.startswith(OLE_SIGNATURE):
        raise UnreadableFile(_("这是旧版Excel文件（.xls），请在Excel中另存为.xlsx后再导入"))
    if content.startswith(ZIP_SIGNATURE):
        rows, name = _workbook_rows(content)
    else:
        rows, name = _csv_rows(content), "CSV"
    while rows and _is_empty(rows[-1]):
        rows.pop()
    if not rows:
        raise UnreadableFile(_("表格中没有内容"))
    if sum(not _is_empty(row) for row in rows) > MAX_ROWS + 1:
        raise UnreadableFile(_("表格超过%(rows)s行，请分成几个文件导入") % {"rows": MAX_ROWS})
    return Grid(name, rows)


def _is_empty(row) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in row)


def _not_a_workbook() -> UnreadableFile:
    return UnreadableFile(_("无法读取该文件，请上传Excel（.xlsx）或CSV文件"))


def _workbook_rows(content: bytes) -> tuple[list[list], str]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise _not_a_workbook() from error
    if unpacked > MAX_UNPACKED_BYTES:
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


def _csv_rows(content: bytes) -> list[list]:
    if b"\x00" in content:
        raise _not_a_workbook()
    for encoding in TEXT_ENCODINGS:
        try:
            text = codecs.decode(content, encoding)
        except UnicodeDecodeError:
            continue
        try:
            return [row[:MAX_COLUMNS] for row in csv.reader(io.StringIO(text, newline=""))]
        except csv.Error as error:
            raise _not_a_workbook() from error
    raise _not_a_workbook()
