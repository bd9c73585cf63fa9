"""Demo households with identification and exit cases in every state, each moved there through
the engine under a backfill clock (see ``workflows.roads``). Also used by the tests."""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction

from approvals import clock, diffs, edits
from approvals.models import Policy
from approvals.spec import CLOSE_NOTICE
from workflows import roads

from . import idnumber
from .cases import apply_for_identification, propose_exit
from .models import (
    ExitCase,
    GuaranteeCheck,
    Household,
    IdentificationCase,
    IncomeAssessment,
    Member,
    VillagePopulation,
)

MEETING = {
    "meeting_date": "2020-03-01",
    "representatives_total": 21,
    "attendees": 18,
    "votes_for": 15,
    "minutes": "村民代表大会民主评议，同意该户申请。",
}
# A scan of the signed consent form (a PDF: the engine accepts files by their content).
SIGNED_FORM = "%PDF-1.4\n% 退出认可表：户主、帮扶责任人签字\n%%EOF\n".encode()
CONSENT = {
    "form_sha256": ContentFile(SIGNED_FORM, name="签字认可表.pdf"),
    "signed_on": "2020-10-20",
    "helper_cosigned": True,
}

IDENTIFICATION_ROAD = [
    ("record_deliberation", "cadre", MEETING),
    ("verify", ("cadre", "team"), {}),
    (CLOSE_NOTICE, None, {}),
    ("township_approve", "reviewer", {}),
    (CLOSE_NOTICE, None, {}),
    ("county_approve", "approver", {}),
    (CLOSE_NOTICE, None, {}),
]
EXIT_ROAD = [
    ("record_deliberation", "cadre", MEETING),
    ("verify", ("cadre", "team"), {}),
    ("record_consent", "cadre", CONSENT),
    (CLOSE_NOTICE, None, {}),
    ("township_approve", "reviewer", {}),
    ("county_approve", "approver", {}),
    (CLOSE_NOTICE, None, {}),
]
SIDE_ROADS = {
    IdentificationCase: {"rejected": ("applied", "decline", "cadre", "评议未通过：家庭收入较高")},
    ExitCase: {"withdrawn": ("proposed", "withdraw", "cadre", "")},
}
ROADS = {IdentificationCase: IDENTIFICATION_ROAD, ExitCase: EXIT_ROAD}

IDENTIFIED_IN, EXITS_IN = 2019, 2020
OPENERS = {
    IdentificationCase: (apply_for_identification, IDENTIFIED_IN),
    ExitCase: (propose_exit, EXITS_IN),
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"


def new_household(village, number: int, people, head: str) -> Household:
    """A household of four with data that qualifies it in 2019 and lets it exit in 2020, entered
    by the village committee (the creation is the first entry of the household's chain)."""
    household = Household(
        region=village,
        number=f"{village.code}{number:04d}",
        head_name=head,
        phone=f"1390939{number:04d}",
        poverty_attribute="general",
        main_cause="illness",
        other_causes=["skills"],
        helper=people.team,
    )
    area = village.code[:6]
    members = [
        Member(
            household=household,
            name=name,
            id_number=idnumber.compose(area, born, number * 4 % 1000 + i),
            relation=relation,
            student_status="compulsory" if born.year > 2005 else "not_student",
        )
        for i, (name, relation, born) in enumerate(
            [
                (head, "head", datetime.date(1968, 5, 3)),
                (head[0] + "秀英", "spouse", datetime.date(1970, 9, 12)),
                (head[0] + "小军", "child", datetime.date(2004, 2, 20)),
                (head[0] + "小花", "child", datetime.date(2009, 7, 1)),
            ]
        )
    ]
    assessments = [
        IncomeAssessment(
            household=household, year=IDENTIFIED_IN, wage_income=Decimal("6000"),
            business_income=Decimal("2000"), transfer_income=Decimal("800"),
        ),
        GuaranteeCheck(
            household=household, year=IDENTIFIED_IN, food_clothing=True,
            compulsory_education=True, medical_insurance=True, safe_housing=False,
            safe_housing_note="土坯房，属C级危房", safe_water=True,
        ),
        IncomeAssessment(
            household=household, year=EXITS_IN, wage_income=Decimal("16000"),
            business_income=Decimal("4000"), transfer_income=Decimal("1200"),
        ),
        GuaranteeCheck(
            household=household, year=EXITS_IN, food_clothing=True, compulsory_education=True,
            medical_insurance=True, safe_housing=True, safe_water=True,
        ),
    ]  # fmt: skip
    rows = [edits.RowEdit(row, diffs.ADDED) for row in [*members, *assessments]]
    edits.create_record(household, people.cadre, rows)
    return household


def advance(case, people, until: str):
    return roads.advance(case, people, ROADS[type(case)], until)


def _bring(model, household, people, state):
    """A case of ``model`` brought to ``state`` with a believable history ending a day ago."""
    open_case, year = OPENERS[model]
    policy = Policy.current(model.workflow.name, household.region.code)
    side_step = SIDE_ROADS[model].get(state)
    before = side_step[0] if side_step else state
    took = roads.backdated(model.workflow, ROADS[model], before, policy, bool(side_step))
    with clock.at(clock.now() - took):
        case = open_case(household, people.cadre, year)
        advance(case, people, before)
        if side_step:
            _before, action, who, comment = side_step
            with clock.at(case.state_since + roads.STEP_GAP):
                roads.step(case, people, action, who, comment=comment)
    return case


def seed(demo) -> int:
    """Households in every state of both procedures in the demo county; returns how many new."""
    people, village = demo.people, demo.villages[0]
    VillagePopulation.objects.get_or_create(
        region=village, year=EXITS_IN, defaults={"rural_population": 1260}
    )
    created = 0
    plan = [(IdentificationCase, s) for s in IdentificationCase.workflow.states] + [
        (ExitCase, s) for s in ExitCase.workflow.states
    ]
    for number, (model, state) in enumerate(plan, start=1):
        if Household.objects.filter(region=village, number=f"{village.code}{number:04d}").exists():
            continue
        head = SURNAMES[number % len(SURNAMES)] + (
            "建国" if model is IdentificationCase else "福生"
        )
        with transaction.atomic():
            household = new_household(village, number, people, head)
            if model is ExitCase:  # registered first, a year before it exits
                _bring(IdentificationCase, household, people, "registered")
                household.refresh_from_db()
            _bring(model, household, people, state)
        created += 1
    return created
