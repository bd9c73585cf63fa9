"""The workbooks of the problem-list import: the blank template, and the uploaded sheet handed
back with its errors marked.

Both are written cell by cell through ``admin_site.exports.cell_value``, so text from an
uploaded file that a spreadsheet would read as a formula is handed back as text.
"""

import re

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from admin_site.exports import cell_value

from .importing import COLUMNS, Report

BAD_CELL = PatternFill("solid", fgColor="FFC7CE")
BAD_ROW = PatternFill("solid", fgColor="FFEB9C")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
ERROR_HEADER = "错误说明"
# Characters a sheet's title may not hold, and its longest length.
TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
TITLE_LENGTH = 31

EXAMPLE = {
    "number": 1,
    "area": "责任落实",
    "description": "部分乡镇脱贫攻坚责任落实不到位",
    "measures": "制定责任清单，明确到人",
    "lead_unit": "县教育局",
    "units": "县教育局、县卫健局",
    "deadline": "2020年4月30日",
    "requirement": "逐项销号，报送印证材料",
}


def _notes() -> dict[str, str]:
    return {
        "number": _("必填。正整数，在本整改任务中不重复；再次导入同一序号的问题不会重复登记。"),
        "area": _("必填。问题所属方面，如“责任落实”“政策落实”。可合并单元格。"),
        "description": _("必填。问题的具体内容。"),
        "measures": _("选填。整改措施。"),
        "lead_unit": _("必填。一个单位，名称须与系统中本县的单位名称一致。"),
        "units": _("必填。一个或多个单位，用“、”“，”“,”或“;”分隔，名称须与系统中本县的单位一致。"),
        "deadline": _(
            "必填。可填写日期（2020年4月30日、2020-04-30、2020.4.30，或Excel日期单元格）、"
            "“2020年4月底前”、工作日天数（如“30个工作日”）、“立行立改”或“长期坚持”。"
        ),
        "requirement": _("选填。整改要求。"),
    }


def _bold_row(sheet, values, widths=None) -> None:
    sheet.append([cell_value(v) for v in values])
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    for index, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def template() -> Workbook:
    """The problem list to fill in: its headers, one example row, and a sheet of notes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "问题清单"
    _bold_row(sheet, [c.header for c in COLUMNS], [8, 14, 40, 30, 16, 24, 18, 24])
    sheet.append([EXAMPLE[c.key] for c in COLUMNS])
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("填写说明")
    _bold_row(notes, [_("列名"), _("填写说明")], [14, 90])
    for column in COLUMNS:
        notes.append([column.header, _notes()[column.key]])
    notes.append([])
    notes.append(
        [
            "",
            _(
                "表头可以在任意顺序，其他列会被忽略；表头上方可以有标题行。"
                "导入前先试导入，系统逐行报告错误，没有错误才能确认导入。"
            ),
        ]
    )
    return workbook


def sheet_title(name: str) -> str:
    return TITLE_FORBIDDEN.sub("", name)[:TITLE_LENGTH] or "问题清单"


def error_workbook(report: Report) -> Workbook:
    """The uploaded sheet with every bad cell filled red and commented, each row's reasons in an
    extra 错误说明 column, and a second sheet listing every error."""
    workbook = Workbook()
    sheet = workbook.active
    by_row = report.errors_by_row()
    if report.grid is not None:
        sheet.title = sheet_title(report.grid.sheet_name)
        width = max((len(row) for row in report.grid.rows), default=0)
        for number, row in enumerate(report.grid.rows, start=1):
            sheet.append([cell_value(value) for value in row])
            if number == report.header_row:
                # Its faults (a column missing or twice) are listed on the second sheet.
                sheet.cell(number, width + 1, ERROR_HEADER).font = BOLD
            elif number in by_row:
                _mark_row(sheet, number, width, by_row[number])
    errors = workbook.create_sheet("错误清单")
    _bold_row(errors, [_("行号"), _("列"), _("值"), _("原因")], [8, 14, 30, 70])
    for error in report.errors:
        errors.append(
            [error.row or "", error.column, cell_value(error.value), cell_value(error.reason)]
        )
    return workbook


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
