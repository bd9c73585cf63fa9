"""A campaign's figures, burn-down, 清零台账 and monthly ranking, after a real rectification:
problems opened, planned, reported, sent back, verified, closed and re-opened through the
service, on known days, so every figure is checked against what the trail says happened."""

import datetime
import hashlib
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import RoleAssignmentFactory
from tests.rectification_setup import county_with_units, open_item
from workflows.rectification import process
from workflows.rectification.choices import Tier
from workflows.rectification.deadlines import run_deadlines
from workflows.rectification.figures import burn_down
from workflows.rectification.models import Problem
from workflows.rectification.monthly import MonthlyRow, ranked
from workflows.rectification.reading import Reading

SHANGHAI = ZoneInfo("Asia/Shanghai")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Monday 9 June 2025: no holiday for weeks after it, so working days are the weekdays.
OPENED = datetime.date(2025, 6, 9)
TODAY = datetime.date(2025, 6, 20)
CLOSING_FILE = b"%PDF-1.4 closing evidence"
REPORT_FILE = b"%PDF-1.4 supporting evidence"

LEDGER_HEADERS = [
    "序号", "问题方面", "具体问题", "整改措施", "牵头单位", "责任单位", "整改时限类别", "整改时限",
    "状态", "各单位报送时间", "印证材料", "销号时间", "销号人", "是否反弹",
]  # fmt: skip


def moment(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=SHANGHAI)


def on(day: datetime.date, hour: int = 10):
    return time_machine.travel(moment(day, hour), tick=False)


def task_of(problem, unit):
    return problem.unit_tasks.filter(unit=unit).order_by("-round__number").first()


def report(problem, unit, person, files=()):
    task = process.submit_plan(task_of(problem, unit), actor=person, plan="制定整改方案")
    return process.submit_report(
        task, actor=person, measures_taken="已逐户排查", progress="已完成", files=files
    )


def report_again(problem, unit, person):
    return process.submit_report(
        task_of(problem, unit), actor=person, measures_taken="补充材料", progress="已完成"
    )


@pytest.fixture
def world(db):
    """Four problems of one campaign, carried through the service from 9 to 20 June 2025:

    1. immediate, education (lead) and health: reported with evidence on the 10th, accepted and
       closed that day;
    2. by date (5 working days, due 16 June), health alone: reported on the 12th, sent back by
       health as lead, reported again and still being verified — overdue on the 20th;
    3. long-term, housing (lead) and the township: the township reports, housing never does;
    4. by date (20 June), education: closed on the 10th, re-opened on the 12th (recurring);
    5. by date (3 working days, due 12 June), housing: never reported, marked overdue by the
       timer on the 13th.
    """
    setup = county_with_units()
    setup.campaign.opened_on = OPENED
    setup.campaign.save()
    edu, health, housing, town = setup.education, setup.health, setup.housing, setup.township
    office = setup.office_clerk
    with on(OPENED):
        p1 = open_item(setup, 1, units=[edu, health], tier=Tier.IMMEDIATE,
                       deadline_working_days=None, area="控辍保学")  # fmt: skip
        p2 = open_item(setup, 2, units=[health], deadline_working_days=5, area="健康扶贫")
        p3 = open_item(setup, 3, units=[housing, town], tier=Tier.LONG_TERM,
                       deadline_working_days=None, area="危房改造")  # fmt: skip
        p4 = open_item(setup, 4, units=[edu], deadline=TODAY, deadline_working_days=None,
                       area="资助政策")  # fmt: skip
        p5 = open_item(setup, 5, units=[housing], deadline_working_days=3, area="住房保障")
    with on(OPENED + datetime.timedelta(days=1)):
        report(p1, edu, setup.person(edu), files=[ContentFile(REPORT_FILE, name="排查台账.pdf")])
        report(p1, health, setup.person(health))
        process.verify(p1, actor=setup.person(edu))
        process.close(p1, actor=office, comment="整改到位",
                      files=[ContentFile(CLOSING_FILE, name="销号审批表.pdf")])  # fmt: skip
        report(p4, edu, setup.person(edu, 1))
        process.verify(p4, actor=setup.person(edu))
        process.close(p4, actor=office, comment="整改到位")
        report(p3, town, setup.person(town))
    with on(OPENED + datetime.timedelta(days=3)):
        report(p2, health, setup.person(health))
        process.verify(p2, actor=setup.person(health), send_back={task_of(p2, health): "材料不全"})
        report_again(p2, health, setup.person(health))
        process.reopen(p4, actor=office, reason="回头看发现部分学生再次辍学")
    with on(OPENED + datetime.timedelta(days=4), 2):
        assert run_deadlines().overdue == 1
    problems = [p1, p2, p3, p4, p5]
    setup.problems = {n: Problem.objects.get(pk=p.pk) for n, p in enumerate(problems, 1)}
    return setup


def page(client, user, name, campaign, **params):
    client.force_login(user)
    with on(TODAY, 15):
        return client.get(reverse(f"admin:{name}", args=[campaign.pk]), params)


def workbook(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX
    return openpyxl.load_workbook(io.BytesIO(response.getvalue()))


def rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def figures_of(client, world, user=None):
    response = page(client, user or world.auditor, "campaign_figures", world.campaign)
    assert response.status_code == 200
    return response.context["figures"]


# --- the figures page ------------------------------------------------------------------------


def test_problems_by_state_and_by_tier(client, world):
    figures = figures_of(client, world)
    assert figures.by_state == [("整改中", 3), ("核查中", 1), ("待销号", 0), ("已销号", 1)]
    assert figures.by_tier == [("立行立改", 1), ("限期整改", 3), ("长期坚持", 1)]
    assert figures.total == 5


def test_overdue_problems_are_those_past_their_date_and_not_closed(client, world):
    figures = figures_of(client, world)
    # 5 was due on 12 June, 2 on 16 June; 4 is due today, not yet overdue; 1 is closed.
    assert [p.number for p in figures.overdue_problems] == [5, 2]
    html = page(client, world.auditor, "campaign_figures", world.campaign).content.decode()
    assert '<td class="overdue">2025-06-16</td>' in html


def test_units_overdue_tasks_are_those_the_timer_marked_and_not_reported(client, world):
    tasks = figures_of(client, world).overdue_tasks
    assert [(t.problem.number, t.unit.name, t.overdue_since) for t in tasks] == [
        (5, "县住建局", datetime.date(2025, 6, 13))
    ]
    with on(TODAY):
        report(world.problems[5], world.housing, world.person(world.housing))
    assert figures_of(client, world).overdue_tasks == []


def test_each_units_progress(client, world):
    progress = {row.unit: row for row in figures_of(client, world).units}
    assert set(progress) == {"县教育局", "县卫健局", "县住建局", "城关镇人民政府"}
    edu, health = progress["县教育局"], progress["县卫健局"]
    assert (edu.assigned, edu.reported, edu.accepted, edu.closed) == (2, 1, 1, 1)
    assert (edu.sent_back, edu.recurring) == (0, 1)  # problem 4, re-opened, is a new round
    assert (health.assigned, health.reported, health.accepted, health.closed) == (2, 2, 1, 1)
    assert (health.sent_back, health.recurring) == (1, 0)
    housing, town = progress["县住建局"], progress["城关镇人民政府"]
    assert (housing.assigned, housing.reported, housing.overdue) == (2, 0, 1)
    assert (town.assigned, town.reported, town.overdue) == (1, 1, 0)


def test_the_burn_down_counts_open_problems_at_the_end_of_each_day(client, world):
    days = dict(figures_of(client, world).burn_down)
    assert min(days) == OPENED and max(days) == TODAY and len(days) == 12
    assert days[OPENED] == 5  # five opened
    assert days[datetime.date(2025, 6, 10)] == 3  # 1 and 4 closed
    assert days[datetime.date(2025, 6, 11)] == 3
    assert days[datetime.date(2025, 6, 12)] == 4  # 4 re-opened
    assert days[TODAY] == 4


def test_what_happened_before_the_campaigns_opening_day_counts_on_that_day(client, world):
    world.campaign.opened_on = datetime.date(2025, 6, 10)
    world.campaign.save()
    days = figures_of(client, world).burn_down
    assert days[:3] == [
        (datetime.date(2025, 6, 10), 3), (datetime.date(2025, 6, 11), 3),
        (datetime.date(2025, 6, 12), 4),
    ]  # fmt: skip


def test_the_burn_down_is_one_query_whatever_the_problems_and_days(world):
    reading = Reading(world.campaign, Problem.objects.filter(campaign=world.campaign), None)
    with CaptureQueriesContext(connection) as queries:
        days = burn_down(reading, TODAY + datetime.timedelta(days=200))
    assert len(days) == 212 and len(queries) == 1


def test_the_chart_is_an_svg_line_without_scripts(client, world):
    response = page(client, world.auditor, "campaign_figures", world.campaign)
    chart = response.context["figures"].chart
    assert chart.startswith("<svg") and chart in response.content.decode()
    assert "<script" not in chart.lower() and "06-12" in chart and "未销号问题数" in chart


# --- the 清零台账 ----------------------------------------------------------------------------


def ledger_rows(client, user, world, **params):
    book = workbook(page(client, user, "campaign_ledger", world.campaign, **params))
    assert book.sheetnames == ["清零台账"]
    return rows(book["清零台账"])


def test_the_ledger_has_every_problem_with_its_units_dates_evidence_and_closer(client, world):
    table = ledger_rows(client, world.auditor, world)
    assert table[0] == LEDGER_HEADERS
    by_number = {row[0]: row for row in table[1:]}
    assert sorted(by_number) == [1, 2, 3, 4, 5]
    first = by_number[1]
    assert first[1:5] == [
        "控辍保学", "控辍保学工作不扎实（第1项）", "逐户排查，建立台账", "县教育局",
    ]  # fmt: skip
    assert first[5] == "县教育局、县卫健局"
    assert first[6:9] == ["立行立改", None, "已销号"]
    assert first[9] == "县教育局：2025-06-10 10:00；县卫健局：2025-06-10 10:00"
    report_hash = hashlib.sha256(REPORT_FILE).hexdigest()
    closing_hash = hashlib.sha256(CLOSING_FILE).hexdigest()
    assert first[10] == (
        f"排查台账.pdf（SHA-256：{report_hash}）；销号审批表.pdf（SHA-256：{closing_hash}）"
    )
    assert first[11] == datetime.datetime(2025, 6, 10, 10, 0)
    assert first[12] == world.office_clerk.username and first[13] == "否"


def test_the_ledger_shows_dates_states_and_recurrence_as_people_read_them(client, world):
    by_number = {row[0]: row for row in ledger_rows(client, world.auditor, world)[1:]}
    assert by_number[2][6:9] == ["限期整改", datetime.datetime(2025, 6, 16), "核查中"]
    assert by_number[3][6:9] == ["长期坚持", None, "整改中"]
    assert by_number[3][9] == "县住建局：未报送；城关镇人民政府：2025-06-10 10:00"
    reopened = by_number[4]
    assert reopened[8] == "整改中" and reopened[13] == "是"
    assert reopened[11] is None and reopened[12] is None  # its closing no longer holds
    assert reopened[9] == "县教育局：未报送"  # the new round's report


def test_the_ledger_speaks_english_to_someone_reading_in_english(client, world):
    client.cookies.load({"django_language": "en"})
    book = workbook(page(client, world.auditor, "campaign_ledger", world.campaign))
    assert book.sheetnames == ["Clearance ledger"]
    table = rows(book["Clearance ledger"])
    assert table[0][9:] == [
        "Reported by each unit at", "Supporting evidence", "Closed at", "Closed by", "Recurring",
    ]  # fmt: skip
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in "".join(map(str, table[0])))
    first = next(row for row in table[1:] if row[0] == 1)
    assert first[13] == "No" and "not reported" not in first[9]


def test_the_ledger_costs_the_same_queries_however_many_problems(client, world):
    def queries():
        client.force_login(world.auditor)
        url = reverse("admin:campaign_ledger", args=[world.campaign.pk])
        with on(TODAY, 15), CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    with on(TODAY):
        for number in (6, 7, 8):
            report(open_item(world, number), world.education, world.person(world.education))
    assert queries() == before


def test_the_download_is_named_after_the_campaign_and_the_day(client, world):
    response = page(client, world.auditor, "campaign_ledger", world.campaign)
    assert "20250620.xlsx" in response["Content-Disposition"]


# --- the monthly report ----------------------------------------------------------------------


def monthly(client, user, world, month="2025-06"):
    return workbook(page(client, user, "campaign_monthly", world.campaign, month=month))


def test_the_monthly_ranking(client, world):
    book = monthly(client, world.auditor, world)
    assert book.sheetnames == ["月排名", "说明"]
    table = rows(book["月排名"])
    assert table[0] == ["名次", "责任单位", "承担问题", "已销号", "销号率（%）", "逾期", "反弹"]
    # Health and education both closed one of two; education's re-opening puts it second. The
    # township and housing closed none; housing's overdue task puts it last.
    assert table[1:] == [
        [1, "县卫健局", 2, 1, 50, 0, 0],
        [2, "县教育局", 2, 1, 50, 0, 1],
        [3, "城关镇人民政府", 1, 0, 0, 0, 0],
        [4, "县住建局", 2, 0, 0, 1, 0],
    ]
    notes = rows(book["说明"])
    assert ["排名规则", notes[3][1]] == notes[3] and "逾期任务少者在前" in notes[3][1]
    assert notes[1:3] == [["整改任务", world.campaign.title], ["月份", "2025年6月"]]


def test_a_month_before_anything_opened_has_no_rows(client, world):
    assert rows(monthly(client, world.auditor, world, "2025-05")["月排名"])[1:] == []


def test_a_later_month_counts_what_stood_at_its_end(client, world):
    with on(datetime.date(2025, 7, 1)):
        report(world.problems[4], world.education, world.person(world.education))
    table = rows(monthly(client, world.auditor, world, "2025-07")["月排名"])
    by_unit = {row[1]: row for row in table[1:]}
    assert by_unit["县教育局"][2:] == [2, 1, 50, 0, 0]  # no re-opening in July


def test_a_month_written_wrong_is_refused_with_a_message(client, world):
    response = page(client, world.auditor, "campaign_monthly", world.campaign, month="2025-13")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:campaign_figures", args=[world.campaign.pk])
    client.force_login(world.auditor)
    with on(TODAY, 15):
        followed = client.get(response["Location"])
    assert "月份超出范围" in followed.content.decode()
    response = page(client, world.auditor, "campaign_monthly", world.campaign, month="六月")
    assert response.status_code == 302


def test_ties_share_a_rank_and_the_next_skips():
    rows_ = ranked([
        MonthlyRow(1, "甲", assigned=4, closed=2, overdue=1),
        MonthlyRow(2, "乙", assigned=2, closed=1, overdue=1),
        MonthlyRow(3, "丙", assigned=3, closed=3),
        MonthlyRow(4, "丁", assigned=2, closed=1, overdue=0),
    ])  # fmt: skip
    assert [(row.unit, row.rank) for row in rows_] == [("丙", 1), ("丁", 2), ("乙", 3), ("甲", 3)]


# --- who reads -------------------------------------------------------------------------------


def test_a_unit_sees_only_its_problems(client, world):
    town = world.person(world.township)
    assert [row[0] for row in ledger_rows(client, town, world)[1:]] == [3]
    figures = figures_of(client, world, town)
    assert [row.unit for row in figures.units] == ["城关镇人民政府"]
    assert figures.total == 1
    table = rows(monthly(client, town, world)["月排名"])
    assert table[1:] == [[3, "城关镇人民政府", 1, 0, 0, 0, 0]]  # its rank among all units
    edu = world.person(world.education, 1)
    assert [row[0] for row in ledger_rows(client, edu, world)[1:]] == [1, 4]


def test_the_office_and_county_roles_read_every_problem(client, world):
    approver = RoleAssignmentFactory(role="county_approver", region=world.county).user
    for user in (world.office_clerk, world.auditor, approver):
        assert [row[0] for row in ledger_rows(client, user, world)[1:]] == [1, 2, 3, 4, 5]


def test_another_county_and_people_of_no_unit_concerned_get_a_404(client, world):
    other = county_with_units("63")
    village_reviewer = RoleAssignmentFactory(role="township_reviewer", region=world.townships[1])
    for user in (other.auditor, other.office_clerk, other.person(other.education),
                 village_reviewer.user):  # fmt: skip
        for name in ("campaign_figures", "campaign_ledger", "campaign_monthly"):
            assert page(client, user, name, world.campaign).status_code == 404, (user, name)


def test_someone_signed_out_is_sent_to_log_in(client, world):
    response = client.get(reverse("admin:campaign_ledger", args=[world.campaign.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
