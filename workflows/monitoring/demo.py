"""Demo households with an inclusion case in every state and, among households included eight
months earlier, an elimination case in every state; each moved there through the engine under a
backfill clock (see ``workflows.roads``). A household put under monitoring has its assistance
plan filled in, and those included earlier one measure delivered. Also used by the tests."""

import datetime
import types
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction

from approvals import clock, diffs, edits
from approvals.models import Policy
from approvals.spec import CLOSE_NOTICE
from workflows import roads
from workflows.household.choices import MonitoringStatus
from workflows.household.demo import EXITS_IN, MEETING, new_household
from workflows.household.demo_names import SURNAMES
from workflows.household.models import GuaranteeCheck, Household, IncomeAssessment

from .cases import propose_elimination, register_clue
from .choices import ClueSource, MeasureKind, MonitoringType, RiskCause
from .elimination import ELIMINATION, KEPT
from .models import AssistanceMeasure
from .spec import INCLUSION, MONITORED, NOT_INCLUDED

# A scan of the authorisation the household signed (a PDF: the engine accepts files by content).
AUTHORISATION = "%PDF-1.4\n% 家庭经济状况核对授权书：户主签字\n%%EOF\n".encode()
COMPARISON = {
    "comparison_result": "经民政、医保、人社等部门数据比对，家庭无财政供养人员、无商品房和车辆；"
    "2020年住院自付费用较大。",
    "hardship_expense": "18000",
}
ROAD = [
    ("verify", ("cadre", "team"),
     {"authorisation_sha256": ContentFile(AUTHORISATION, name="授权书.pdf")}),
    ("record_comparison", "cadre", COMPARISON),
    ("record_deliberation", "cadre", MEETING),
    (CLOSE_NOTICE, None, {}),
    ("township_approve", "reviewer", {}),
    ("county_approve", "approver", {}),
]  # fmt: skip
RISK_RESOLUTION = {
    "risk_resolution": "户主住院治疗后已康复，医保报销后自付费用已降至较低水平；"
    "家庭成员稳定务工，收入持续稳定。"
}
ELIMINATION_ROAD = [
    ("record_deliberation", "cadre", MEETING),
    ("verify", ("cadre", "team"), RISK_RESOLUTION),
    (CLOSE_NOTICE, None, {}),
    ("township_approve", "reviewer", {}),
    ("county_approve", "approver", {}),
]  # fmt: skip
PLAN_GOAL = "落实健康帮扶和就业帮扶，年内家庭人均纯收入稳定高于监测标准"
MEASURES = [
    (MeasureKind.HEALTH, "家庭医生签约服务，落实大病专项救治和医疗救助", 30),
    (MeasureKind.EMPLOYMENT, "推荐家庭劳动力到县城产业园稳定务工", 90),
]
DELIVERY_NOTE = "已签约家庭医生，住院费用经医保和医疗救助报销"
# The year an elimination is assessed on, and how long before it the household was included.
ELIMINATED_IN = EXITS_IN + 1
MONITORED_BEFORE = datetime.timedelta(days=240)
# Households numbered from here in the first village, after those of the household procedure.
FIRST_NUMBER = 201
ELIMINATION_NUMBER = 301
FACTORY_NUMBER = 801


def open_case(household, user):
    return register_clue(
        household,
        user,
        EXITS_IN,
        clue_source=ClueSource.CADRE_VISIT,
        monitoring_type=MonitoringType.UNSTABLE,
        risk_causes=[RiskCause.ILLNESS],
    )


def _bring(workflow, road, opener, case_of, people, state: str, withdrawn: str):
    """A case of ``workflow`` opened by ``opener(user)`` and brought along ``road`` to ``state``,
    with a history ending a day ago; ``withdrawn`` is reached by withdrawing at the start."""
    side_step = state == withdrawn
    before = workflow.initial if side_step else state
    policy = Policy.current(workflow.name, case_of.region.code)
    took = roads.backdated(workflow, road, before, policy, side_step)
    with clock.at(clock.now() - took):
        case = roads.advance(opener(people.cadre), people, road, before)
        if side_step:
            with clock.at(case.state_since + roads.STEP_GAP):
                roads.step(case, people, "withdraw", "cadre")
    return case


def bring(household, people, state: str):
    """An inclusion brought to ``state``; ``not_included`` by a withdrawn clue."""
    return _bring(
        INCLUSION, ROAD, lambda user: open_case(household, user), household, people, state,
        NOT_INCLUDED,
    )  # fmt: skip


def add_elimination_year(household, user):
    """The household's data of the year its elimination is assessed on: income well above the
    line, every guarantee met, entered by the village committee (an audited edit)."""
    rows = [
        IncomeAssessment(
            household=household, year=ELIMINATED_IN, wage_income=Decimal("30000"),
            business_income=Decimal("6000"), transfer_income=Decimal("1200"),
        ),
        GuaranteeCheck(
            household=household, year=ELIMINATED_IN, food_clothing=True,
            compulsory_education=True, medical_insurance=True, safe_housing=True,
            safe_water=True,
        ),
    ]  # fmt: skip
    edits.record_edit(household, user, [], [edits.RowEdit(row, diffs.ADDED) for row in rows])


def plan_help(household, people):
    """The assistance plan (一户一策) filled in by the village committee the day after the
    county's decision: its goal and two measures the work team answers for (an audited edit)."""
    plan = household.assistance_plans.get()
    plan.goal = PLAN_GOAL
    start = plan.drawn_up_on
    measures = [
        AssistanceMeasure(
            household=household, plan=plan, kind=kind, content=content,
            responsible=people.team, planned_on=start + datetime.timedelta(days=days),
        )
        for kind, content, days in MEASURES
    ]  # fmt: skip
    rows = [edits.RowEdit(plan, diffs.CHANGED)]
    rows += [edits.RowEdit(measure, diffs.ADDED) for measure in measures]
    edits.record_edit(household, people.cadre, [], rows)


def deliver_help(household, people):
    """The first measure recorded as delivered before its planned date (an audited edit)."""
    measure = household.assistance_measures.order_by("pk").first()
    measure.delivered_on = measure.planned_on - datetime.timedelta(days=10)
    measure.delivery_note = DELIVERY_NOTE
    edits.record_edit(household, people.cadre, [], [edits.RowEdit(measure, diffs.CHANGED)])


def included(household, people, state: str):
    """An inclusion brought to ``state``; a household it put under monitoring has its plan."""
    case = bring(household, people, state)
    if state == MONITORED:
        household.refresh_from_db()
        plan_help(household, people)
    return case


def monitored_household(village, number, people, head):
    """A new household included in monitoring eight months ago with its plan, one measure since
    delivered, and its elimination year's data."""
    household = new_household(village, number, people, head)
    with clock.at(clock.now() - MONITORED_BEFORE):
        included(household, people, MONITORED)
    household.refresh_from_db()
    deliver_help(household, people)
    add_elimination_year(household, people.cadre)
    return household


def bring_elimination(household, people, state: str):
    """An elimination brought to ``state``; ``kept_monitored`` by a withdrawn proposal."""
    return _bring(
        ELIMINATION, ELIMINATION_ROAD,
        lambda user: propose_elimination(household, user, ELIMINATED_IN), household, people,
        state, KEPT,
    )  # fmt: skip


def _seed(demo, workflow, first_number: int, given_name: str, bring_to) -> int:
    """A new household in every state of ``workflow``, numbered from ``first_number`` in the
    demo county's first village, each ``bring_to(village, number, people, head, state)``;
    returns how many new (a household already there is left as it is)."""
    people, village = demo.people, demo.villages[0]
    created = 0
    for number, state in enumerate(workflow.states, start=first_number):
        if Household.objects.filter(region=village, number=f"{village.code}{number:04d}").exists():
            continue
        head = SURNAMES[number % len(SURNAMES)] + given_name
        with transaction.atomic():
            bring_to(village, number, people, head, state)
        created += 1
    return created


def seed(demo) -> int:
    """A household in every state of the inclusion."""
    return _seed(
        demo, INCLUSION, FIRST_NUMBER, "长顺",
        lambda village, number, people, head, state: included(
            new_household(village, number, people, head), people, state
        ),
    )  # fmt: skip


def seed_eliminations(demo) -> int:
    """A household included eight months ago with an elimination in every state."""
    return _seed(
        demo, ELIMINATION, ELIMINATION_NUMBER, "安康",
        lambda village, number, people, head, state: bring_elimination(
            monitored_household(village, number, people, head), people, state
        ),
    )  # fmt: skip


def factory(region, user):
    """A clue registered by ``user`` for a new household in ``region``, for the access matrix."""
    number = FACTORY_NUMBER + Household.objects.filter(region=region).count()
    opener = types.SimpleNamespace(cadre=user, team=None)
    return open_case(new_household(region, number, opener, "张长顺"), user)


def elimination_factory(region, user):
    """A proposal by ``user`` for a new household in ``region`` marked as monitored eight months
    ago (set directly: the access matrix needs no inclusion behind it)."""
    number = FACTORY_NUMBER + Household.objects.filter(region=region).count()
    opener = types.SimpleNamespace(cadre=user, team=None)
    household = new_household(region, number, opener, "李安康")
    Household.objects.filter(pk=household.pk).update(
        monitoring_status=MonitoringStatus.MONITORED,
        monitored_since=(clock.now() - MONITORED_BEFORE).date(),
    )
    household.refresh_from_db()
    return propose_elimination(household, user, ELIMINATED_IN)
