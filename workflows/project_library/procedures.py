"""The project library as the site runs it: its admin, board line, ledger and demo data."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.procedures import Board, Ledger, Procedure, ValueLabel

from . import demo
from .admin_options import ProjectApplicationAdmin
from .models import ProjectApplication


def board_subject(case):
    return [
        (_("项目名称"), case.name),
        (_("所在村"), case.region.name),
        (_("总投资"), _amount(case.total_funds)),
    ]


def _amount(value) -> str:
    return _("%(amount)s万元") % {"amount": f"{value:.2f}"}


# The sources of a project's money, each shown on its notice page when it brings any.
FUND_SOURCES = (
    "funds_central", "funds_provincial", "funds_prefecture", "funds_county",
    "funds_self_raised", "funds_other",
)  # fmt: skip


DESCRIBED = ("location", "tasks_and_scale", "responsible_unit")


def notice_details(case):
    """What a project's notice page publishes: the project as proposed, its money by source and
    whom it benefits (the funds in total are the page's own line)."""
    label = case._meta.get_field
    rows = [
        (_("项目名称"), case.name),
        (_("所在村"), case.region.name),
        (label("category").verbose_name, case.get_category_display()),
        (label("construction_nature").verbose_name, case.get_construction_nature_display()),
        *((label(name).verbose_name, getattr(case, name)) for name in DESCRIBED),
    ]
    if case.planned_start and case.planned_end:
        rows.append((_("计划工期"), f"{case.planned_start:%Y-%m-%d} — {case.planned_end:%Y-%m-%d}"))
    rows += [
        (label(name).verbose_name, _amount(getattr(case, name)))
        for name in FUND_SOURCES
        if getattr(case, name)
    ]
    rows += [
        (
            _("受益对象"),
            _("%(households)d户%(people)d人，其中贫困户%(poor)d户")
            % {
                "households": case.beneficiary_households,
                "people": case.beneficiary_people,
                "poor": case.beneficiary_poor_households,
            },
        ),
        (label("benefit_mechanism").verbose_name, case.benefit_mechanism),
    ]
    return [(str(heading), value) for heading, value in rows if value]


def sample_project(region, user):
    return demo.new_project(region, user, "村组道路硬化工程")


LEDGER = Ledger(
    slug="projects",
    title=gettext_lazy("项目台账"),
    description=gettext_lazy("项目库全部项目及其当前状态，Excel格式"),
    columns=(
        "name", "category", "construction_nature", "location", "planned_start", "planned_end",
        "responsible_unit", "total_funds", "funds_central", "funds_provincial",
        "funds_prefecture", "funds_county", "funds_self_raised", "funds_other",
        "beneficiary_households", "beneficiary_poor_households", "beneficiary_people", "state",
        "state_since",
    ),
    sheet=gettext_lazy("项目"),
    widths=(30, 16, 10, 20, 12, 12, 18, 12, 10, 10, 10, 10, 10, 10, 10, 10, 10, 14, 18),
)  # fmt: skip

PROJECT_LIBRARY = Procedure(
    model=ProjectApplication,
    admin=ProjectApplicationAdmin,
    board=Board(subject=board_subject, details=notice_details),
    ledger=LEDGER,
    seed=demo.seed,
    factory=sample_project,
    funds="total_funds",
    policy_values={
        "county_appraisal": ValueLabel(gettext_lazy("县级论证")),
        "category_list": ValueLabel(gettext_lazy("项目类别目录（年版）")),
    },
)
