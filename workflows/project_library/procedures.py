"""The project library as the site runs it: its admin, board line, ledger and demo data."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.procedures import Board, Ledger, Procedure

from . import demo
from .admin_options import ProjectApplicationAdmin
from .models import ProjectApplication


def board_subject(case):
    return [
        (_("项目名称"), case.name),
        (_("所在村"), case.region.name),
        (_("总投资"), _("%(amount)s万元") % {"amount": f"{case.total_funds:.2f}"}),
    ]


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
    board=Board(subject=board_subject),
    ledger=LEDGER,
    seed=demo.seed,
    factory=sample_project,
    funds="total_funds",
)
