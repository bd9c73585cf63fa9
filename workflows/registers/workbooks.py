"""The workbooks of the register imports: blank templates with notes, sample registers that
import cleanly into the villages of a county, and the uploaded file handed back with its
errors marked (``workflows.spreadsheets.marked_workbook``).

Everything is written cell by cell through ``admin_site.exports.cell_value``.
"""

import datetime
import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from admin_site.exports import cell_value
from workflows.household import idnumber
from workflows.spreadsheets import bold_row

from . import households, projects

NOTES = {
    "households": gettext_lazy(
        "每位家庭成员一行，户的信息（户编号、户主姓名、识别年度等）在本户每一行重复填写。"
        "行政村按名称在本县内查找（重名时填写乡镇，或直接填写12位区划代码）。"
        "证件号码可含全角数字或小写x，系统会校验校验位；一人只能属于一户。"
        "脱贫年度未脱贫的留空。再次导入同一文件不会重复登记；更正后的文件只更新变化的内容。"
        "系统中有、文件中没有的家庭成员只列出提示，不会删除。"
    ),
    "projects": gettext_lazy(
        "每个项目一行，按项目名称、行政村和计划开工年度识别。各来源资金之和须等于总投资（万元）；"
        "项目类别须在计划开工当年适用的政策类别目录中；项目状态填写系统中的状态名称，如“已入库”“实施中”。"
        "绩效目标写成“指标：目标值”，多项用“；”分隔。"
    ),
}
KINDS = {"households": households, "projects": projects}
TITLES = {"households": "农户台账", "projects": "项目库台账"}


def register(kind: str, rows: list[dict]) -> Workbook:
    """A register of ``kind`` with its header row and ``rows`` (column key → value)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = TITLES[kind]
    columns = KINDS[kind].COLUMNS
    bold_row(sheet, [c.header for c in columns], [14] * len(columns))
    for row in rows:
        sheet.append([cell_value(row.get(c.key, "")) for c in columns])
    sheet.freeze_panes = "A2"
    return workbook


def template(kind: str, villages) -> Workbook:
    """The register to fill in: headers, an example from the county's own villages, notes."""
    workbook = register(kind, SAMPLES[kind](villages[:1], 1))
    notes = workbook.create_sheet("填写说明")
    bold_row(notes, [_("列名"), _("是否必填")], [20, 12])
    for column in KINDS[kind].COLUMNS:
        notes.append([column.header, _("必填") if column.required else _("选填")])
    notes.append([])
    notes.append([str(NOTES[kind])])
    return workbook


def as_bytes(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _person_id(county_code: str, index: int) -> str:
    """A well-formed ID number, different for every ``index`` (900 a day of birth)."""
    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=index // 900)
    return idnumber.compose(county_code[:6], born, index % 900 + 1)


def sample_households(villages, count: int, start: int = 0) -> list[dict]:
    """``count`` households over ``villages``, three or four people each, every one registered
    in 2016 and a third exited in 2019."""
    rows, person = [], start * 4
    for index in range(start, start + count):
        village = villages[index % len(villages)]
        size = 4 if index % 3 == 0 else 3
        number = f"{village.code}{index:06d}"
        head = f"户主{index}"
        for member in range(size):
            rows.append(
                {
                    "township": village.parent.name,
                    "village": village.name,
                    "number": number,
                    "head_name": head,
                    "name": head if member == 0 else f"成员{index}-{member}",
                    "id_number": _person_id(village.code, person),
                    "relation": "户主" if member == 0 else ("配偶" if member == 1 else "子女"),
                    "ethnicity": "汉族",
                    "phone": f"139{index:08d}" if member == 0 else "",
                    "size": size,
                    "poverty_attribute": "一般贫困户",
                    "main_cause": "因病",
                    "identification_year": 2016,
                    "exit_year": 2019 if index % 3 == 0 else "",
                    "income": 4200 if index % 3 == 0 else 2600,
                }
            )
            person += 1
    return rows


def sample_projects(villages, count: int, start: int = 0) -> list[dict]:
    """``count`` projects over ``villages``, in the library or being built, funds adding up."""
    rows = []
    for index in range(start, start + count):
        village = villages[index % len(villages)]
        rows.append(
            {
                "name": f"{village.name}产业路{index + 1}号",
                "category": "产业发展",
                "construction_nature": "新建",
                "village": village.code,
                "tasks_and_scale": "硬化道路2公里",
                "planned_start": datetime.date(2021, 3, 1),
                "planned_end": datetime.date(2021, 10, 31),
                "responsible_unit": "县交通运输局",
                "total_funds": "50.00",
                "funds_central": "30.00",
                "funds_county": "20.00",
                "beneficiary_households": 120,
                "beneficiary_poor_households": 40,
                "beneficiary_people": 400,
                "benefit_mechanism": "改善出行条件，带动产业发展",
                "targets": "硬化道路：2公里；受益脱贫户：40户",
                "state": "已入库" if index % 2 else "实施中",
            }
        )
    return rows


SAMPLES = {"households": sample_households, "projects": sample_projects}
