"""Demo households with identification and exit cases in every state, each moved there through
the engine under a backfill clock (see ``workflows.roads``). Also used by the tests."""

import datetime
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction

from approvals import clock, diffs, edits
from approvals.models import Policy
from approvals.spec import CLOSE_NOTICE
from workflows import roads

from . import demo_names, idnumber
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


def _student_status(born: datetime.date) -> str:
    """Where someone born on ``born`` was at school in the year assessed."""
    age = IDENTIFIED_IN - born.year
    if 3 <= age <= 5:
        return "preschool"
    if 6 <= age <= 15:
        return "compulsory"
    return "high_school" if 16 <= age <= 18 else "not_student"


def new_household(village, number: int, people, head: str = "", size: int | None = 4) -> Household:
    """A household of ``size`` people (drawn when None), headed by ``head`` (or by someone
    drawn), with data that qualifies it in 2019 and lets it exit in 2020, entered by the village
    committee (the creation is the first entry of the household's chain). Its people, their
    names and sexes and its causes are drawn from ``demo_names`` seeded by the village and the
    number: the same on every run."""
    rng = random.Random(f"{village.code}/{number}")
    size = size or rng.choice(demo_names.SIZES)
    family = demo_names.family(rng, size, head)
    main_cause, other_causes = demo_names.causes(rng)
    household = Household(
        region=village,
        number=f"{village.code}{number:04d}",
        head_name=family[0].name,
        phone=f"1390939{number:04d}",
        poverty_attribute="general",
        main_cause=main_cause,
        other_causes=other_causes,
        helper=people.team,
    )
    area = village.code[:6]
    members = [
        Member(
            household=household,
            name=person.name,
            # The sequence is odd for a man and even for a woman, as on a real card.
            id_number=idnumber.compose(
                area, person.born, (number * 7 + i) % 500 * 2 + (person.sex == "male")
            ),
            relation=person.relation,
            student_status=_student_status(person.born),
        )
        for i, person in enumerate(family)
    ]
    assessments = [
        IncomeAssessment(
            household=household, year=IDENTIFIED_IN, wage_income=Decimal(1500 * size),
            business_income=Decimal(500 * size), transfer_income=Decimal(200 * size),
        ),
        GuaranteeCheck(
            household=household, year=IDENTIFIED_IN, food_clothing=True,
            compulsory_education=True, medical_insurance=True, safe_housing=False,
            safe_housing_note="土坯房，属C级危房", safe_water=True,
        ),
        IncomeAssessment(
            household=household, year=EXITS_IN, wage_income=Decimal(4000 * size),
            business_income=Decimal(1000 * size), transfer_income=Decimal(300 * size),
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
        with transaction.atomic():
            household = new_household(village, number, people, size=None)
            if model is ExitCase:  # registered first, a year before it exits
                _bring(IdentificationCase, household, people, "registered")
                household.refresh_from_db()
            _bring(model, household, people, state)
        created += 1
    return created
