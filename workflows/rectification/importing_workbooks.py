"""The workbooks of the problem-list import: the blank template, and the uploaded sheet handed
back with its errors marked.

Both are written cell by cell through ``admin_site.exports.cell_value``, so text from an
uploaded file that a spreadsheet would read as a formula is handed back as text.
"""

from django.utils.translation import gettext as _
from openpyxl import Workbook

from workflows.spreadsheets import bold_row, marked_workbook

from .importing import COLUMNS, Report

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


def template() -> Workbook:
    """The problem list to fill in: its headers, one example row, and a sheet of notes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "问题清单"
    bold_row(sheet, [c.header for c in COLUMNS], [8, 14, 40, 30, 16, 24, 18, 24])
    sheet.append([EXAMPLE[c.key] for c in COLUMNS])
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("填写说明")
    bold_row(notes, [_("列名"), _("填写说明")], [14, 90])
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


def error_workbook(report: Report) -> Workbook:
    """The uploaded sheet with every bad cell filled red and commented, each row's reasons in an
    extra 错误说明 column, and a second sheet listing every error."""
    return marked_workbook(report.grid, report.header_row, report.errors, "问题清单")
