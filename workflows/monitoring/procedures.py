"""Inclusion in monitoring as the site runs it: its admin, board line (the household procedure's:
names and villages, never an ID number or a risk cause), ledger, demo data and factory."""

from django.utils.translation import gettext_lazy

from approvals.procedures import Ledger, Procedure
from workflows.household.procedures import BOARD

from . import demo
from .admin_options import MonitoringCaseAdmin
from .ledger import monitored_households
from .models import MonitoringCase

INCLUSION = Procedure(
    model=MonitoringCase,
    admin=MonitoringCaseAdmin,
    board=BOARD,
    ledger=Ledger(
        slug="monitored",
        title=gettext_lazy("监测对象台账"),
        description=gettext_lazy("已纳入防返贫监测的农户，户主身份证号码已遮蔽，Excel格式"),
        write=monitored_households,
    ),
    seed=demo.seed,
    factory=demo.factory,
)
