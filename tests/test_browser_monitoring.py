"""A household put under monitoring (纳入监测) through the real pages in Chromium.

The village cadre registers the clue on the add page; the cadre and the work team each sign the
home visit with the household's signed authorisation; the cadre records the data comparison and
the deliberation; the timer closes the village notice once its five days have run; the township
reviewer approves from the queue and the county approver decides to include, each confirming on
a page of their own. The household list then flags the household as monitored (监测中), and the
case's trail verifies. Screenshots land in ``artifacts/browser/`` as ``monitor-*.png``.
"""

import datetime
import re

import pytest
import time_machine

from admin_site.demo import build_county
from approvals import audit
from tests.household_setup import family
from tests.test_browser import (  # noqa: F401 (fixtures)
    SHOTS,
    Visit,
    browser,
    committed_db,
    snapper,
    timer_after,
    watched_pages,
)
from workflows.monitoring.demo import AUTHORISATION
from workflows.monitoring.models import MonitoringCase

pytestmark = pytest.mark.browser

# A Monday morning in the county (09:00 in Shanghai).
START = datetime.datetime(2026, 3, 2, 1, tzinfo=datetime.UTC)
PAST_THE_NOTICE = datetime.timedelta(days=5, hours=2)
HEAD = "马长顺"


snap = snapper("monitor-")


def register_the_clue(page, home):
    from playwright.sync_api import expect

    page.goto("/admin/monitoring/monitoringcase/add/")
    form = page.locator("#monitoringcase_form")
    form.get_by_label("农户").select_option(label=str(home))
    form.get_by_label("年度").fill("2020")
    form.get_by_label("线索来源").select_option(label="干部排查")
    form.get_by_label("监测对象类型").select_option(label="边缘易致贫户")
    form.get_by_label("因病").check()
    snap(page, "01-clue")
    page.get_by_role("button", name="保存并继续编辑").click()
    expect(page.locator("#procedure strong")).to_have_text("线索登记")
    return MonitoringCase.objects.get(household=home)


def sign_the_visit(page, tmp_path):
    from playwright.sync_api import expect

    scan = tmp_path / "授权书.pdf"
    scan.write_bytes(AUTHORISATION)
    visit = page.locator("#action-verify")
    visit.get_by_label("农户签字的信息比对授权书").set_input_files(str(scan))
    visit.get_by_role("button", name="入户核实").click()
    expect(page.locator(".messagelist")).to_contain_text("入户核实")


def record_comparison_and_deliberation(page):
    from playwright.sync_api import expect

    comparison = page.locator("#action-record_comparison")
    comparison.get_by_label("比对结果").fill("经民政、医保部门数据比对，户主住院自付费用较大")
    comparison.get_by_label("大额刚性支出（元）").fill("18000")
    comparison.get_by_role("button", name="录入比对结果").click()
    expect(page.locator("#procedure strong")).to_have_text("民主评议")
    meeting = page.locator("#action-record_deliberation")
    meeting.get_by_label("议事会议日期").fill("2026-03-02")
    meeting.get_by_label("应到代表人数").fill("21")
    meeting.get_by_label("实到人数").fill("18")
    meeting.get_by_label("赞成票数").fill("16")
    meeting.get_by_label("会议记录").fill("村民代表民主评议，同意纳入监测。")
    snap(page, "04-deliberation")
    meeting.get_by_role("button", name="民主评议").click()
    expect(page.locator("#procedure strong")).to_have_text("村内公示")


def decide(page, action, confirmed_state):
    from playwright.sync_api import expect

    page.get_by_role("button", name=action, exact=True).click()
    expect(page.locator("#confirm-count")).to_contain_text("1")
    page.get_by_role("button", name=f"确认{action}").click()
    expect(page.locator("#procedure strong")).to_have_text(confirmed_state)


def test_a_clue_is_registered_and_the_household_put_under_monitoring_in_the_browser(
    committed_db,  # noqa: F811
    browser,  # noqa: F811
    live_server,
    tmp_path,
):
    with watched_pages(snap) as problems, time_machine.travel(START, tick=True) as traveller:
        walk_through(browser, live_server.url, traveller, problems, tmp_path)


def walk_through(chromium, base_url, traveller, problems, tmp_path):
    from playwright.sync_api import expect

    demo = build_county()
    people, village = demo.people, demo.villages[0]
    home = family(village, people.team, head_name=HEAD)  # 5,000 a head in 2020: below the line

    # 1-2. The village cadre registers the clue and signs the home visit.
    cadre = Visit(chromium, base_url, problems)
    page = cadre.log_in("cadre")
    case = register_the_clue(page, home)
    case_page = page.url
    sign_the_visit(page, tmp_path)
    expect(page.locator("#procedure strong")).to_have_text("线索登记")
    snap(page, "02-visit-signed-by-the-village")

    # 3. The work team signs it too: the case moves to the data comparison.
    team = Visit(chromium, base_url, problems)
    page = team.log_in("team")
    page.goto(case_page)
    sign_the_visit(page, tmp_path)
    expect(page.locator("#procedure strong")).to_have_text("信息比对")
    snap(page, "03-visit-signed-by-both")
    team.close()

    # 4. The cadre records the comparison and the deliberation: the village notice opens.
    page = cadre.page
    page.goto(case_page)
    record_comparison_and_deliberation(page)
    expect(page.locator("#notice")).to_be_visible()
    snap(page, "05-village-notice")
    cadre.close()

    # 5. The timer closes the notice once its five days have run.
    assert timer_after(traveller, PAST_THE_NOTICE).closed == 1
    case.refresh_from_db()
    assert case.state == "township_review"

    # 6. The township reviewer finds it in the queue and approves it.
    reviewer = Visit(chromium, base_url, problems)
    page = reviewer.log_in("reviewer")
    tabs = page.get_by_role("navigation", name="流程")
    tabs.get_by_role("link", name=re.compile("^防返贫监测对象纳入")).click()
    expect(page).to_have_url(re.compile(r"workflow=monitoring_inclusion"))
    snap(page, "06-queue-township")
    page.get_by_role("link", name=str(home)).click()
    decide(page, "审核通过", "县级审定")
    reviewer.close()

    # 7. The county approver decides to include it.
    approver = Visit(chromium, base_url, problems)
    page = approver.log_in("approver")
    page.goto(case_page)
    decide(page, "审定纳入", "已纳入监测")
    snap(page, "07-monitored")

    # 8. The household list flags it as monitored.
    page.goto("/admin/household/household/?q=" + HEAD)
    row = page.locator("#result_list tbody tr").filter(has_text=HEAD)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("监测中")
    snap(page, "08-household-list")
    approver.close()

    home.refresh_from_db()
    assert (home.monitoring_status, home.assistance_plans.count()) == ("monitored", 1)
    assert audit.verify_record(case) is None
