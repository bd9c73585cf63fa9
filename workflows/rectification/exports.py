"""A campaign's two workbooks: the 清零台账 (every problem with its units, measures, dates,
evidence and who closed it) and the monthly report (each unit's figures and rank, with the rule).

Both are written through ``admin_site.exports`` (every cell made safe), in the reader's
language, and hold only the problems the reader may see (``reading``). The ledger costs a fixed
number of queries however many problems the campaign has.
"""

import datetime

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from admin_site.exports import Spreadsheet
from admin_site.ledgers import attachment, choices, label, local
from roles.models import Unit
from roles.names import person_name

from .figures import in_current_round
from .history import histories
from .models import Evidence, Problem, UnitTask
from .monthly import DEFINITIONS, RANKING_RULE, monthly_rows
from .reading import Reading

LEDGER_WIDTHS = [6, 14, 40, 40, 14, 22, 12, 12, 10, 34, 60, 18, 10, 10]
MONTHLY_WIDTHS = [8, 20, 12, 10, 14, 10, 10]


def filename(kind: str, reading: Reading, suffix: str = "") -> str:
    """``kind-campaign-suffix.xlsx``, the suffix today's date unless given."""
    title = reading.campaign.title.replace("/", "-").replace("\\", "-")
    parts = [kind, title, suffix or f"{timezone.localdate():%Y%m%d}"]
    return "-".join(parts) + ".xlsx"


def ledger_problems(reading: Reading):
    """The problems with what their rows name, fetched together: four queries in all. Units
    come in the order they were set up, the same on every database (names would sort by each
    database's collation)."""
    return (
        reading.problems.select_related("lead_unit")
        .prefetch_related(
            Prefetch("units", queryset=Unit.objects.order_by("pk")),
            Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "pk")),
            Prefetch(
                "unit_tasks",
                queryset=UnitTask.objects.filter(in_current_round())
                .select_related("unit")
                .order_by("unit_id"),
                to_attr="current_tasks",
            ),
        )
        .order_by("number")
    )


def report_times(problem: Problem) -> str:
    """When each unit reported in the current round, or that it has not yet."""
    separator = _("；")
    return separator.join(
        _("%(unit)s：%(when)s")
        % {
            "unit": task.unit.name,
            "when": f"{local(task.reported_at):%Y-%m-%d %H:%M}"
            if task.reported_at
            else _("未报送"),
        }
        for task in problem.current_tasks
    )


def evidence_list(problem: Problem) -> str:
    """Each file backing the problem's reports and closing, named with its SHA-256."""
    return _("；").join(
        _("%(name)s（SHA-256：%(sha256)s）") % {"name": item.name, "sha256": item.sha256}
        for item in problem.evidence.all()
    )


def ledger(reading: Reading):
    """The 清零台账 of the campaign, as a download."""
    workbook = Spreadsheet()
    sheet = workbook.sheet(
        _("清零台账"),
        [
            label(Problem, "number"), label(Problem, "area"), label(Problem, "description"),
            label(Problem, "measures"), label(Problem, "lead_unit"), label(Problem, "units"),
            label(Problem, "tier"), label(Problem, "deadline"), label(Problem, "state"),
            _("各单位报送时间"), _("印证材料"), _("销号时间"), _("销号人"), _("是否反弹"),
        ],
        LEDGER_WIDTHS,
    )  # fmt: skip
    tiers, states = choices(Problem, "tier"), choices(Problem, "state")
    found = histories(reading.problems)
    for problem in ledger_problems(reading):
        closing = found[problem.pk].closing if problem.pk in found else None
        closer = person_name(*closing.actor) if closing and closing.actor else ""
        sheet.append([
            problem.number, problem.area, problem.description, problem.measures,
            problem.lead_unit.name, _("、").join(u.name for u in problem.units.all()),
            tiers.get(problem.tier, problem.tier), problem.due_date,
            states.get(problem.state, problem.state), report_times(problem),
            evidence_list(problem), local(closing.at) if closing else None, closer,
            _("是") if problem.recurring else _("否"),
        ])  # fmt: skip
    return attachment(workbook, filename(_("清零台账"), reading))


def monthly_report(reading: Reading, first: datetime.date):
    """The monthly report of the campaign for the month starting ``first``, as a download."""
    month = _("%(year)d年%(month)d月") % {"year": first.year, "month": first.month}
    workbook = Spreadsheet()
    sheet = workbook.sheet(
        _("月排名"),
        [_("名次"), _("责任单位"), *(str(name) for name, _meaning in DEFINITIONS)],
        MONTHLY_WIDTHS,
    )
    for row in monthly_rows(reading, first):
        sheet.append(
            [row.rank, row.unit, row.assigned, row.closed, row.share, row.overdue, row.reopened]
        )
    notes = workbook.sheet(_("说明"), [_("项目"), _("说明")], [16, 90])
    notes.append([_("整改任务"), reading.campaign.title])
    notes.append([_("月份"), month])
    notes.append([_("排名规则"), str(RANKING_RULE)])
    for name, meaning in DEFINITIONS:
        notes.append([str(name), str(meaning)])
    return attachment(workbook, filename(_("月排名"), reading, f"{first:%Y%m}"))
