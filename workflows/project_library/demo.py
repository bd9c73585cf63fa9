"""Demo projects in every state of the procedure, each moved there through the engine with the
clock set to when each step would have happened, so their trails, waiting times and notices are
real. Also used by the tests to bring a project to a given state."""

import datetime
from decimal import Decimal

from django.db import transaction

from approvals import clock, create_case, policy_versions
from approvals.models import Policy
from approvals.spec import CLOSE_NOTICE
from workflows import roads

from .models import PerformanceTarget, ProjectApplication

MEETING = {
    "meeting_date": "2025-03-01",
    "representatives_total": 30,
    "attendees": 24,
    "votes_for": 21,
    "minutes": "村民代表大会讨论通过该项目，同意申报。",
}

# The main road, one step at a time: (action, who takes it, data). ``None`` closes a notice.
ROAD = [
    ("submit_for_deliberation", "cadre", {}),
    ("record_deliberation", "cadre", MEETING),
    (CLOSE_NOTICE, None, {}),
    ("township_approve", "reviewer", {}),
    (CLOSE_NOTICE, None, {}),
    ("appraisal_pass", "sector", {}),  # only where the policy has the county appraisal
    ("county_approve", "approver", {}),
    (CLOSE_NOTICE, None, {}),
    ("include_in_plan", "office", {}),
    ("start_implementation", "cadre", {}),
    ("report_completion", "cadre", {}),
    ("township_accept", "reviewer", {}),
    ("county_accept", "office", {}),
    ("publish_completion_notice", "cadre", {}),
    (CLOSE_NOTICE, None, {}),
]

# The demo county's own rules: it runs the county appraisal (县级论证), as some provinces require.
DEMO_POLICY_DAYS = {
    "village_notice_days": 7,
    "township_notice_days": 7,
    "county_notice_days": 10,
    "completion_notice_days": 10,
}

# The side roads a demo should show, from the main-road state they leave: (action, who, comment).
SIDE_ROADS = {
    "withdrawn": ("draft", "withdraw", "cadre", ""),
    "rejected": ("township_review", "township_reject", "reviewer", "不符合入库条件"),
    "removed": ("in_library", "remove_from_library", "office", "资金来源变化，无法实施"),
    "adjusting": ("in_library", "request_adjustment", "office", "县级资金调减，需调整资金来源"),
}

PROJECT = {
    "category": "industry",
    "construction_nature": "new",
    "location": "村委会以北200米",
    "planned_start": datetime.date(2025, 4, 1),
    "planned_end": datetime.date(2025, 11, 30),
    "responsible_unit": "乡镇人民政府",
    "tasks_and_scale": "新建标准化养殖圈舍1200平方米",
    "total_funds": Decimal("150.00"),
    "funds_central": Decimal("100.00"),
    "funds_provincial": Decimal("30.00"),
    "funds_county": Decimal("15.00"),
    "funds_self_raised": Decimal("5.00"),
    "beneficiary_households": 86,
    "beneficiary_poor_households": 32,
    "beneficiary_people": 341,
    "benefit_mechanism": "贫困户以扶贫资金入股合作社，按年分红；优先吸纳贫困劳动力务工",
}


def new_project(region, creator, name, **fields):
    project = create_case(
        ProjectApplication, creator, region=region, name=name, **PROJECT, **fields
    )
    PerformanceTarget.objects.create(
        project=project, indicator="带动贫困户增收", target_value="32", unit="户"
    )
    return project


def advance(project, people, until: str):
    """Move ``project`` along the main road until it reaches ``until``."""
    return roads.advance(project, people, ROAD, until)


def seed(demo) -> int:
    """One project per state of the procedure in the demo county; returns how many were new."""
    people = demo.people
    village = demo.villages[0]
    created = 0
    policy = Policy.objects.filter(
        workflow=ProjectApplication.workflow.name, version=f"{demo.county.name}-2024"
    ).first()
    if policy is None:
        policy = Policy(
            workflow=ProjectApplication.workflow.name,
            version=f"{demo.county.name}-2024",
            region_prefix=demo.county.prefix,
            effective_from=datetime.date(2024, 1, 1),
            values={**DEMO_POLICY_DAYS, "county_appraisal": True, "category_list": "2021"},
        )
        policy_versions.load(policy)
    for state in ProjectApplication.workflow.states:
        name = f"示范项目：{ProjectApplication.workflow.state_label(state)}"
        if ProjectApplication.objects.filter(region=village, name=name).exists():
            continue
        side_step = SIDE_ROADS.get(state)
        before = side_step[0] if side_step else state
        # Date the history so that the last step happened a day ago: notices are still running.
        took = roads.backdated(ProjectApplication.workflow, ROAD, before, policy, bool(side_step))
        with transaction.atomic(), clock.at(clock.now() - took):
            project = new_project(village, people.cadre, name)
            advance(project, people, before)
            if side_step:
                _before, action, who, comment = side_step
                with clock.at(project.state_since + roads.STEP_GAP):
                    roads.step(project, people, action, who, comment=comment)
        created += 1
    return created
