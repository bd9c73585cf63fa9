"""Demo projects in every state of the procedure, each moved there through the engine with the
clock set to when each step would have happened, so their trails, waiting times and notices are
real. Also used by the tests to bring a project to a given state."""

import datetime
import random
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

# Projects a village proposes: what they build, named as the county's plans name them.
PROJECT_KINDS = (
    "通组道路硬化工程", "人饮安全巩固提升工程", "中药材（当归）种植基地建设项目",
    "高原夏菜种植项目", "肉牛养殖合作社圈舍建设项目", "村级光伏扶贫电站", "花椒提质增效项目",
    "农田灌溉渠道改造工程",
    "易地扶贫搬迁安置点配套工程", "村卫生室标准化建设项目", "产业路建设工程", "中蜂养殖扶贫项目",
    "食用菌种植大棚建设项目", "小型农产品加工车间建设项目", "乡村旅游民宿改造项目",
    "危旧桥梁改建工程", "电商服务站建设项目", "土地整理及高标准农田建设项目", "饮水水源地保护工程",
    "村组文化广场建设项目", "冷链仓储设施建设项目", "苗木繁育基地建设项目",
)  # fmt: skip


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


def project_names(rng: random.Random, village: str, count: int) -> list[str]:
    """``count`` different project names for ``village``, in an order the seed fixes."""
    names = [village + project for project in PROJECT_KINDS]
    rng.shuffle(names)
    return [
        names[i % len(names)] + (f"（{i // len(names) + 1}期）" if i >= len(names) else "")
        for i in range(count)
    ]


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
    states = list(ProjectApplication.workflow.states)
    names = project_names(random.Random(demo.county.code), village.name, len(states))
    for state, name in zip(states, names, strict=True):
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
