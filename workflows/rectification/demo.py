"""A demo campaign: the central inspection's feedback to the demo county, a dozen problems across
four units in every state — rectifying (some units reported, one sent back), verifying, closing,
closed, one re-opened after a look-back and recurring, one overdue — each moved there through the
service with the clock set to when each step would have happened, so the trails verify.

Its people (password ``demo``) act for their units: the rectification office, the education and
health bureaus and the 城关镇 government; the county's auditor reads everything.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from admin_site.demo import PASSWORD
from approvals import clock, edits
from approvals.system import system_user
from roles.models import AccountOwner, RoleAssignment, Unit, UnitKind

from . import process
from .choices import Source, Tier
from .models import Campaign

TITLE = "中央脱贫攻坚专项巡视反馈问题整改"
STEP = datetime.timedelta(days=1)
EVIDENCE = b"%PDF-1.4 demo rectification evidence"
PLAN = "制定整改方案，明确责任人和时限"
CLOSING = "整改到位，同意销号"

# (number, area, description, measures, tier, units (the first leads), road)
# Roads: the steps taken, in order; see ``_take``.
PROBLEMS = [
    (
        1,
        "责任落实",
        "部分行业部门脱贫攻坚责任落实不到位",
        "逐级压实责任，建立责任清单",
        Tier.BY_DATE,
        ["education", "health"],
        [],
    ),
    (
        2,
        "控辍保学",
        "个别村适龄儿童辍学底数不清",
        "逐户排查，建立台账，一人一案劝返",
        Tier.IMMEDIATE,
        ["education", "township"],
        ["plan:education"],
    ),
    (
        3,
        "健康扶贫",
        "家庭医生签约服务履约不到位",
        "开展履约情况专项检查",
        Tier.BY_DATE,
        ["health", "township"],
        ["plan", "report:health"],
    ),
    (
        4,
        "住房安全",
        "部分农户危房改造验收把关不严",
        "逐户复核验收资料",
        Tier.BY_DATE,
        ["township", "health"],
        ["plan", "report"],
    ),
    (
        5,
        "资金监管",
        "扶贫项目资金拨付滞后",
        "建立资金拨付进度台账，按月通报",
        Tier.BY_DATE,
        ["education", "health"],
        ["plan", "report", "send_back:health"],
    ),
    (
        6,
        "产业扶贫",
        "产业项目带贫机制不健全",
        "完善利益联结机制，落实分红",
        Tier.LONG_TERM,
        ["township", "education"],
        ["plan", "report", "accept"],
    ),
    (
        7,
        "饮水安全",
        "个别村饮水水质检测不及时",
        "按季度开展水质检测",
        Tier.IMMEDIATE,
        ["health"],
        ["plan", "report", "accept"],
    ),
    (
        8,
        "兜底保障",
        "低保对象动态管理不及时",
        "开展低保对象全面排查",
        Tier.BY_DATE,
        ["township"],
        ["plan", "report", "accept", "close"],
    ),
    (
        9,
        "教育扶贫",
        "“两免一补”政策落实不精准",
        "逐校核对资助名单",
        Tier.BY_DATE,
        ["education"],
        ["plan", "report", "accept", "close"],
    ),
    (
        10,
        "作风建设",
        "填表报数过多过频，基层负担重",
        "精简报表，统一数据口径",
        Tier.LONG_TERM,
        ["education", "township"],
        ["plan", "report", "accept", "close", "reopen"],
    ),
    (
        11,
        "信息管理",
        "建档立卡数据与实际不符",
        "开展数据比对清洗",
        Tier.BY_DATE,
        ["health", "education"],
        ["plan"],
    ),
    (
        12,
        "问题整改",
        "上轮考核反馈问题整改不彻底",
        "对账销号，逐项复核",
        Tier.IMMEDIATE,
        ["education", "health"],
        ["plan", "report", "send_back:education", "report:education", "accept"],
    ),
]
OVERDUE = 11  # given five working days, twelve days ago: its units are marked overdue

UNITS = {
    "office": ("县整改办", UnitKind.OFFICE),
    "education": ("县教育局", UnitKind.COUNTY_DEPARTMENT),
    "health": ("县卫健局", UnitKind.COUNTY_DEPARTMENT),
    "township": ("城关镇人民政府", UnitKind.TOWNSHIP),
}
# username, full name, unit, role
PEOPLE = [
    ("rectoffice", "县整改办 干部", "office", "county_office"),
    ("education", "县教育局 干部", "education", "sector_department"),
    ("health", "县卫健局 干部", "health", "sector_department"),
    ("township", "城关镇人民政府 干部", "township", "township_reviewer"),
]


def _units(demo) -> dict[str, Unit]:
    return {
        key: Unit.objects.get_or_create(
            name=name,
            region=demo.townships[0] if kind == UnitKind.TOWNSHIP else demo.county,
            defaults={"kind": kind},
        )[0]
        for key, (name, kind) in UNITS.items()
    }


def _person(demo, username, full_name, unit, role):
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": full_name}
    )
    if created:
        user.set_password(PASSWORD)
        user.save()
    RoleAssignment.objects.get_or_create(
        user=user,
        role=role,
        region=unit.region,
        unit=unit,
        defaults={"valid_from": datetime.date(2014, 1, 1), "heads_unit": True},
    )
    AccountOwner.objects.get_or_create(user=user, defaults={"county": demo.county})
    return user


def _evidence(name):
    return [ContentFile(EVIDENCE, name=name)]


def _take(step, problem, units, people, office):
    """One step of a demo road: ``plan``/``report`` (every open unit, or ``:unit`` alone),
    ``send_back:unit`` and ``accept`` by the lead unit, ``close`` and ``reopen`` by the office."""
    name, _sep, only = step.partition(":")
    tasks = process.current_round(problem).unit_tasks.select_related("unit")
    chosen = [t for t in tasks if not only or t.unit == units[only]]
    lead = people[problem.lead_unit.pk]
    if name == "plan":
        for task in chosen:
            if task.state == "planning":
                process.submit_plan(
                    task, actor=people[task.unit_id], plan="制定整改方案，明确责任人和时限"
                )
    elif name == "report":
        for task in chosen:
            if task.state in process.OPEN_UNIT_STATES:
                process.submit_report(
                    task,
                    actor=people[task.unit_id],
                    measures_taken="已按整改措施逐项落实",
                    progress="已完成，附印证材料",
                    files=_evidence(f"{task.unit.name}印证材料.pdf"),
                )
    elif name == "send_back":
        process.verify(problem, actor=lead, send_back={units[only]: "印证材料不全，请补充"})
    elif name == "accept":
        process.verify(problem, actor=lead)
    elif name == "close":
        process.close(
            problem, actor=office, comment="整改到位，同意销号", files=_evidence("销号审批表.pdf")
        )
    elif name == "reopen":
        process.reopen(problem, actor=office, reason="回头看发现问题反弹")


def _working_days(number, tier) -> int | None:
    if tier == Tier.LONG_TERM:
        return None
    return 5 if number == OVERDUE else 15


def seed(demo) -> int:
    """Plant the demo campaign once; running it again adds nothing."""
    units = _units(demo)
    staff = {key: _person(demo, u, n, units[key], r) for u, n, key, r in PEOPLE}
    for username, _name, key, _role in PEOPLE:
        setattr(demo.people, username, staff[key])
    if Campaign.objects.filter(county=demo.county, title=TITLE).exists():
        return 0
    people = {units[key].pk: user for key, user in staff.items()}
    start = timezone.now() - datetime.timedelta(days=12)
    campaign = Campaign(
        source=Source.CENTRAL_INSPECTION,
        title=TITLE,
        county=demo.county,
        opened_on=timezone.localdate(start),
        office=units["office"],
    )
    with clock.at(start):
        edits.create_record(campaign, staff["office"])
    for number, area, description, measures, tier, keys, road in PROBLEMS:
        moment = start + datetime.timedelta(hours=number)
        with clock.at(moment):
            problem = process.open_problem(
                campaign,
                actor=staff["office"],
                number=number,
                area=area,
                description=description,
                measures=measures,
                tier=tier,
                lead_unit=units[keys[0]],
                units=[units[k] for k in keys],
                deadline_working_days=_working_days(number, tier),
            )
        for step in road:
            moment += STEP
            with clock.at(moment):
                _take(step, problem, units, people, staff["office"])
        if number == OVERDUE:
            for task in process.current_round(problem).unit_tasks.all():
                process.mark_overdue(task, actor=system_user(), today=timezone.localdate())
    return len(PROBLEMS)
