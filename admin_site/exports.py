"""Spreadsheets people download (the audit CSV, the Excel ledgers), written so that opening one
cannot run anything and stored text cannot break one.

Every CSV and Excel writer in the site goes through this module, and every cell through
``cell_value``: text that a spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``, a tab
or a carriage return first, after any leading whitespace, full-width forms included) gets a single
quote in front, as OWASP advises for CSV injection; control characters Excel refuses are dropped.
Numbers, dates and other text are written as they are; a ``Code`` (a 12-digit region code, an
ID number) stays text when the file is opened: ``="…"`` in a CSV, a text cell in a workbook,
so a spreadsheet neither rounds it to 1.2E+11 nor drops its zeros.
"""

import csv
import re
import unicodedata

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

# A spreadsheet starts a formula (or a DDE call) with one of these.
FORMULA_STARTS = frozenset("=+-@")
# Characters an Excel file cannot hold: control characters (tab, line feed and carriage return
# it can) and the two non-characters XML refuses.
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Code(str):
    """Digits that are a name, not a number: kept as text by every writer here."""


TEXT_FORMAT = "@"


def starts_a_formula(text: str) -> bool:
    """Would a spreadsheet read ``text`` as a formula, even after leading whitespace?"""
    if text[:1] in ("\t", "\r"):
        return True
    first = text.lstrip()[:1]
    return bool(first) and unicodedata.normalize("NFKC", first)[:1] in FORMULA_STARTS


def cell_value(value):
    """``value`` as a spreadsheet cell may safely hold it: text neutralised, the rest unchanged."""
    if not isinstance(value, str):
        return value
    if isinstance(value, Code):
        return Code(UNWRITABLE.sub("", value))
    text = UNWRITABLE.sub("", value)
    return "'" + text if starts_a_formula(text) else text


def safe_row(values) -> list:
    return [cell_value(value) for value in values]


class CsvRows:
    """A CSV writer that hands back each row as text (for a streamed response), made safe."""

    class _Echo:
        def write(self, value):
            return value

    def __init__(self):
        self._writer = csv.writer(self._Echo())

    def row(self, values) -> str:
        return self._writer.writerow(
            [f'="{value}"' if isinstance(value, Code) else value for value in safe_row(values)]
        )


class Sheet:
    """One sheet of a write-only workbook: a bold header row, then rows made safe."""

    def __init__(self, worksheet):
        self._worksheet = worksheet

    def append(self, values) -> None:
        self._worksheet.append(
            [self._text(v) if isinstance(v, Code) else v for v in safe_row(values)]
        )

    def _text(self, code):
        cell = WriteOnlyCell(self._worksheet, value=str(code))
        cell.number_format = TEXT_FORMAT
        return cell


class Spreadsheet:
    """A write-only Excel workbook (rows go to disk, not memory) whose every cell is safe."""

    def __init__(self):
        self._workbook = Workbook(write_only=True)

    def sheet(self, title: str, headers: list[str], widths: list[int]) -> Sheet:
        worksheet = self._workbook.create_sheet(title)
        worksheet.freeze_panes = "A2"
        for i, width in enumerate(widths, start=1):
            worksheet.column_dimensions[get_column_letter(i)].width = width
        bold = Font(bold=True)
        cells = []
        for header in headers:
            cell = WriteOnlyCell(worksheet, value=cell_value(header))
            cell.font = bold
            cells.append(cell)
        worksheet.append(cells)
        return Sheet(worksheet)

    def save(self, file) -> None:
        self._workbook.save(file)
