"""Demo households with an inclusion case in every state, each moved there through the engine
under a backfill clock (see ``workflows.roads``). Also used by the tests."""

import types

from django.core.files.base import ContentFile
from django.db import transaction

from approvals import clock
from approvals.models import Policy
from approvals.spec import CLOSE_NOTICE
from workflows import roads
from workflows.household.demo import EXITS_IN, MEETING, new_household
from workflows.household.demo_names import SURNAMES
from workflows.household.models import Household

from .cases import register_clue
from .choices import ClueSource, MonitoringType, RiskCause
from .spec import INCLUSION, NOT_INCLUDED

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
# Households numbered from here in the first village, after those of the household procedure.
FIRST_NUMBER = 201
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


def advance(case, people, until: str):
    return roads.advance(case, people, ROAD, until)


def bring(household, people, state: str):
    """A case brought to ``state`` with a history ending a day ago; ``not_included`` by a
    withdrawn clue."""
    withdrawn = state == NOT_INCLUDED
    before = INCLUSION.initial if withdrawn else state
    policy = Policy.current(INCLUSION.name, household.region.code)
    took = roads.backdated(INCLUSION, ROAD, before, policy, withdrawn)
    with clock.at(clock.now() - took):
        case = advance(open_case(household, people.cadre), people, before)
        if withdrawn:
            with clock.at(case.state_since + roads.STEP_GAP):
                roads.step(case, people, "withdraw", "cadre")
    return case


def seed(demo) -> int:
    """A household in every state of the inclusion in the demo county; returns how many new."""
    people, village = demo.people, demo.villages[0]
    created = 0
    for number, state in enumerate(INCLUSION.states, start=FIRST_NUMBER):
        if Household.objects.filter(region=village, number=f"{village.code}{number:04d}").exists():
            continue
        head = SURNAMES[number % len(SURNAMES)] + "长顺"
        with transaction.atomic():
            bring(new_household(village, number, people, head), people, state)
        created += 1
    return created


def factory(region, user):
    """A clue registered by ``user`` for a new household in ``region``, for the access matrix."""
    number = FACTORY_NUMBER + Household.objects.filter(region=region).count()
    opener = types.SimpleNamespace(cadre=user, team=None)
    return open_case(new_household(region, number, opener, "张长顺"), user)
