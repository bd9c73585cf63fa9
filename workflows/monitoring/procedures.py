"""The monitoring procedures as the site runs them: inclusion and risk elimination, sharing the
household procedure's board line (names and villages, never an ID number or a risk cause), the
ledger of monitored households, the monthly figures on the dashboard and demo data. The
household page shows the assistance plan once the household has been included."""

from django.utils.translation import gettext_lazy

from approvals.procedures import Ledger, Procedure, ValueLabel
from workflows.household.models import Household
from workflows.household.procedures import BOARD, EXCLUSIONS, THROUGH_HOUSEHOLD

from . import demo
from .admin_options import EliminationCaseAdmin, MonitoredHouseholdAdmin, MonitoringCaseAdmin
from .figures import monthly_panel
from .ledger import monitored_households
from .models import AssistanceMeasure, AssistancePlan, EliminationCase, MonitoringCase

RECORDS = {Household: MonitoredHouseholdAdmin}
REGION_PATHS = {
    **THROUGH_HOUSEHOLD,
    **dict.fromkeys((AssistancePlan, AssistanceMeasure), "household__region"),
}

INCLUSION = Procedure(
    model=MonitoringCase,
    admin=MonitoringCaseAdmin,
    records=RECORDS,
    board=BOARD,
    ledger=Ledger(
        slug="monitored",
        title=gettext_lazy("监测对象台账"),
        description=gettext_lazy("已纳入防返贫监测的农户，户主身份证号码已遮蔽，Excel格式"),
        write=monitored_households,
    ),
    seed=demo.seed,
    factory=demo.factory,
    dashboard=monthly_panel,
    region_paths=REGION_PATHS,
    policy_values={
        "monitoring_lines": ValueLabel(gettext_lazy("监测标准（元/人·年，按年度）")),
        "inclusion_working_days": ValueLabel(gettext_lazy("纳入监测办结时限（工作日）")),
        "hardship_expense_threshold": ValueLabel(gettext_lazy("刚性支出骤增标准（元）")),
        "exclusion_rules": EXCLUSIONS,
    },
)
ELIMINATION = Procedure(
    model=EliminationCase,
    admin=EliminationCaseAdmin,
    records=RECORDS,
    board=BOARD,
    seed=demo.seed_eliminations,
    factory=demo.elimination_factory,
    region_paths=REGION_PATHS,
    policy_values={
        "stable_income_years": ValueLabel(gettext_lazy("收入持续稳定年数")),
        "minimum_monitored_months": ValueLabel(gettext_lazy("最短监测期（月）")),
    },
)
