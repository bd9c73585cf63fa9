"""The project library (项目库台账): one row per project, keyed by its name, village and the
year it is planned to start.

Each row is checked as the project form checks it: the funds add up to the total, the category is
one of the list the policy of its year gives, the dates and beneficiary counts agree, the village
is in the importer's scope. A new project enters the state its 项目状态 says through
``approvals.import_case`` with one entry; a project already here is compared, and what the
register corrects is one audited edit (approved figures stay as approved). A register whose
状态 differs from the system's is refused: a project moves only through its procedure.
"""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from approvals import import_case, import_record
from approvals.diffs import ADDED, DELETED
from approvals.edits import RowEdit
from approvals.models import Policy
from workflows.project_library.choices import FUND_SOURCES, ConstructionNature, categories_for
from workflows.project_library.models import PerformanceTarget, ProjectApplication
from workflows.project_library.spec import PROJECT_LIBRARY
from workflows.spreadsheets import Column, as_text, normalise

from .scope import IMPORT_ROLES, Unreadable
from .sheets import Cells, Plan, Run, Unit, choice, count, imported_meanwhile, required, text

COLUMNS = (
    Column("name", "项目名称", True),
    Column("category", "项目类别", False),
    Column("construction_nature", "建设性质", False),
    Column("village", "实施地点(行政村)", True),
    Column("tasks_and_scale", "建设任务", False),
    Column("planned_start", "计划开工", True),
    Column("planned_end", "计划完工", False),
    Column("responsible_unit", "责任单位", False),
    Column("total_funds", "总投资(万元)", True),
    Column("funds_central", "中央资金", False),
    Column("funds_provincial", "省级资金", False),
    Column("funds_prefecture", "市级资金", False),
    Column("funds_county", "县级资金", False),
    Column("funds_self_raised", "自筹资金", False),
    Column("funds_other", "其他资金", False),
    Column("beneficiary_households", "受益户数", False),
    Column("beneficiary_poor_households", "其中脱贫户/贫困户", False),
    Column("beneficiary_people", "受益人数", False),
    Column("benefit_mechanism", "带贫减贫机制", False),
    Column("targets", "绩效目标", False),
    Column("state", "项目状态", True),
)
MONEY = ("total_funds", *(field for field, _label in FUND_SOURCES))
COUNTS = ("beneficiary_households", "beneficiary_poor_households", "beneficiary_people")
PROSE = ("tasks_and_scale", "benefit_mechanism")
# The fields a project is compared by, and that a corrected register may change.
FIELDS = (
    "category",
    "construction_nature",
    "tasks_and_scale",
    "planned_end",
    "responsible_unit",
    *MONEY,
    *COUNTS,
    "benefit_mechanism",
)
TARGET_SEPARATORS = str.maketrans({";": "；", "\n": "；"})


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = normalise(value).replace("年", "-").replace("月", "-").replace("日", "")
    text = text.replace("/", "-").replace(".", "-").strip("-")
    if not text:
        return None
    try:
        return datetime.date(*(int(part) for part in text.split("-")))
    except (TypeError, ValueError):
        raise Unreadable(_("无法识别日期，请填写如2020-04-30或2020年4月30日")) from None


def _money(value) -> Decimal:
    text = normalise(value).replace(",", "").removesuffix("万元")
    if not text:
        return Decimal("0")
    try:
        amount = Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise Unreadable(_("应是金额（万元），如12.5")) from None
    if amount < 0:
        raise Unreadable(_("金额不能为负数"))
    return amount


def _prose(value) -> str:
    return as_text(value).strip()


def _targets(value) -> list[tuple[str, str]]:
    """绩效目标 as (indicator, target) pairs: ``指标：目标值`` items separated by ``；``."""
    items = [i.strip() for i in _prose(value).translate(TARGET_SEPARATORS).split("；")]
    pairs = []
    for item in filter(None, items):
        indicator, colon, target = item.replace(":", "：").partition("：")
        if not colon or not indicator.strip() or not target.strip():
            raise Unreadable(_("绩效目标应写成“指标：目标值”，多项用“；”分隔"))
        pairs.append((indicator.strip()[:200], target.strip()[:50]))
    return pairs


STATES = {normalise(state.label): name for name, state in PROJECT_LIBRARY.states.items()}


def _state(value) -> str:
    text = normalise(value)
    if text not in STATES:
        raise Unreadable(
            _("“%(value)s”不是项目状态：%(states)s")
            % {
                "value": text,
                "states": "、".join(str(s.label) for s in PROJECT_LIBRARY.states.values()),
            }
        )
    return STATES[text]


READERS = {
    "name": required(text(200)),
    "construction_nature": choice(ConstructionNature),
    "tasks_and_scale": _prose,
    "planned_start": required(_date),
    "planned_end": _date,
    "responsible_unit": text(200),
    **{field: _money for field in MONEY},
    **{field: lambda v: count(v) or 0 for field in COUNTS},
    "benefit_mechanism": _prose,
    "targets": _targets,
    "state": required(_state),
}


@dataclasses.dataclass
class ProjectRow:
    row: int
    project: ProjectApplication
    targets: list[tuple[str, str]]


def _category(plan, number, values, policy) -> str | None:
    text = normalise(values.get("category"))
    if not text:
        return ""
    choices = {normalise(label): value for value, label in categories_for(policy)}
    if text not in choices:
        plan.add(
            number,
            "category",
            values.get("category"),
            _("该类别不在本项目计划开工当年适用的政策类别目录中：%(choices)s")
            % {"choices": "、".join(str(label) for _value, label in categories_for(policy))},
        )
        return None
    return choices[text]


def _key(name: str, village, year: int) -> str:
    return f"{village.code}/{year}/{name}"


def plan_units(plan: Plan, rows, villages) -> None:
    """Read every project row, check it as the form does, and sort it into the plan."""
    read_rows = {}
    for number, values in rows:
        row = _read_row(plan, number, values, villages)
        if row is None:
            continue
        project = row.project
        key = _key(project.name, project.region, project.planned_start.year)
        if key in read_rows:
            plan.add(
                number,
                "name",
                project.name,
                _("与第%(row)s行是同一项目（名称、行政村、年度相同）")
                % {"row": read_rows[key].row},
            )
            continue
        read_rows[key] = row
    existing = {}
    for project in ProjectApplication.objects.filter(
        name__in={r.project.name for r in read_rows.values()},
        region__in={r.project.region_id for r in read_rows.values()},
    ).prefetch_related("performance_targets"):
        if project.planned_start:
            existing[_key(project.name, project.region, project.planned_start.year)] = project
    for key, row in read_rows.items():
        stored = existing.get(key)
        if stored is not None and stored.state != row.project.state:
            plan.add(
                row.row,
                "state",
                row.project.state_label,
                _("系统中该项目为“%(state)s”，项目状态只能在系统中办理变更")
                % {"state": stored.state_label},
            )
            continue
        changed = stored is not None and _differs(row, stored)
        plan.sort(Unit(key, [row.row], stored, row), changed)


def _read_row(plan, number, values, villages) -> ProjectRow | None:
    cells = Cells(plan, number, values)
    read = {key: cells.read(key, reader) for key, reader in READERS.items()}
    village = cells.read("village", lambda v: villages.find(None, None, v))
    if cells.failed:
        return None
    policy = Policy.current(PROJECT_LIBRARY.name, village.code, read["planned_start"])
    category = _category(plan, number, values, policy)
    if category is None:
        return None
    targets = read.pop("targets")
    project = ProjectApplication(
        region=village,
        policy=policy,
        location=village.name,
        category=category,
        **read,
    )
    try:
        project.clean()
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            for message in messages:
                plan.add(number, field, values.get(field), message)
        return None
    return ProjectRow(number, project, targets)


def _stored_targets(project) -> list[tuple[str, str]]:
    return [(t.indicator, t.target_value) for t in project.performance_targets.all()]


def _differs(row: ProjectRow, stored) -> bool:
    return any(getattr(stored, f) != getattr(row.project, f) for f in FIELDS) or (
        row.targets != _stored_targets(stored)
    )


def write(unit: Unit, run: Run) -> None:
    """Import one project: new, in the state the register says; or its corrections."""
    row: ProjectRow = unit.content
    if unit.existing is None:
        project = row.project
        same = ProjectApplication.objects.filter(
            region=project.region,
            name=project.name,
            planned_start__year=project.planned_start.year,
        )
        if same.exists():
            raise imported_meanwhile()
        targets = [
            PerformanceTarget(project=project, indicator=i, target_value=t) for i, t in row.targets
        ]
        import_case(
            project,
            run.user,
            roles=IMPORT_ROLES,
            source=run.source,
            related=[RowEdit(target, ADDED) for target in targets],
            permits=run.permits,
        )
        return
    stored = ProjectApplication.objects.get(pk=unit.existing.pk)
    for field in FIELDS:
        setattr(stored, field, getattr(row.project, field))
    related = []
    if row.targets != _stored_targets(stored):
        related = [RowEdit(t, DELETED) for t in stored.performance_targets.all()]
        related += [
            RowEdit(PerformanceTarget(project=stored, indicator=i, target_value=t), ADDED)
            for i, t in row.targets
        ]
    import_record(
        stored,
        run.user,
        roles=IMPORT_ROLES,
        source=run.source,
        fields=FIELDS,
        related=related,
        permits=run.permits,
    )
