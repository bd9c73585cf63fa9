"""A rectification problem through the real pages in Chromium, on the demo county's campaign.

The rectification office registers a problem for two units; each unit plans and reports with its
evidence from its 我的待办 tab; the lead unit sends the other back once, then accepts; the office
closes the item (销号) with its file, then re-opens it after a look-back. The problem's trail
verifies. Screenshots land in ``artifacts/browser/`` as ``rect-*.png``.
"""

import io
import re

import pytest
from django.core.management import call_command

from admin_site.demo import build_county
from tests.test_browser import (  # noqa: F401 (fixtures)
    SHOTS,
    Visit,
    browser,
    committed_db,
    snapper,
    watched_pages,
)
from workflows.rectification import demo as rectification_demo
from workflows.rectification.choices import ProblemState
from workflows.rectification.models import Campaign, Problem

pytestmark = pytest.mark.browser

AREA = "易地扶贫搬迁"
PDF = b"%PDF-1.4 rectification evidence"


snap = snapper("rect-")


def register_the_problem(page, campaign):
    from playwright.sync_api import expect

    page.goto(f"/admin/rectification/campaign/{campaign.pk}/change/")
    expect(page.locator("#campaign-overview")).to_be_visible()
    page.get_by_role("link", name="登记问题").click()
    form = page.locator("#problem_form")
    expect(form.locator("#id_campaign")).to_have_value(str(campaign.pk))
    form.get_by_label("序号").fill("13")
    form.get_by_label("问题方面").fill(AREA)
    form.get_by_label("具体问题").fill("安置点后续扶持措施不到位")
    form.get_by_label("整改措施").fill("完善后续产业和就业扶持")
    form.get_by_label("牵头单位").select_option(label="县教育局")
    form.get_by_label("县教育局", exact=True).check()
    form.get_by_label("县卫健局", exact=True).check()
    form.get_by_label("整改时限类别").select_option("by_date")
    form.get_by_label("整改时限（工作日）").fill("15")
    snap(page, "01-register")
    page.get_by_role("button", name="保存", exact=True).click()
    problem = Problem.objects.get(campaign=campaign, number=13)
    page.goto(f"/admin/rectification/problem/{problem.pk}/change/")
    expect(page.locator("#problem-state")).to_have_text("整改中")
    return problem


def from_the_queue(page, problem):
    page.goto("/admin/queue/?workflow=rectification")
    page.locator("#rectification-unit-tasks").get_by_role("link", name=str(problem)).first.click()


def plan_and_report(page, problem, unit, tmp_path):
    from playwright.sync_api import expect

    task = problem.unit_tasks.get(unit__name=unit)
    plan = page.locator(f"#action-plan-{task.pk}")
    plan.get_by_label("整改方案").fill(f"{unit}整改方案")
    plan.get_by_role("button", name="报送整改方案").click()
    expect(page.locator(".messagelist")).to_contain_text("报送整改方案")
    report_again(page, problem, unit, tmp_path)


def report_again(page, problem, unit, tmp_path):
    from playwright.sync_api import expect

    task = problem.unit_tasks.filter(unit__name=unit).latest("round__number")
    evidence = tmp_path / f"{unit}印证材料.pdf"
    evidence.write_bytes(PDF)
    report = page.locator(f"#action-report-{task.pk}")
    report.get_by_label("整改措施落实情况").fill(f"{unit}已落实")
    report.get_by_label("印证材料").set_input_files(str(evidence))
    snap(page, f"report-{task.pk}")
    report.get_by_role("button", name="报送整改情况").click()
    expect(page.locator(".messagelist")).to_contain_text("报送整改情况")
    expect(page.locator(f'tr[data-unit="{unit}"] .unit-state').first).to_have_text("已报送")


def test_a_problem_is_reported_verified_closed_and_reopened_in_the_browser(
    committed_db,  # noqa: F811
    browser,  # noqa: F811
    live_server,
    tmp_path,
):
    with watched_pages(snap) as problems:
        walk_through(browser, live_server.url, problems, tmp_path)


def walk_through(chromium, base_url, problems, tmp_path):
    from playwright.sync_api import expect

    demo = build_county()
    rectification_demo.seed(demo)
    campaign = Campaign.objects.get(title=rectification_demo.TITLE)

    # 1. The office registers the problem for the education and health bureaus.
    office = Visit(chromium, base_url, problems)
    page = office.log_in("rectoffice")
    problem = register_the_problem(page, campaign)
    expect(page.locator("#flow svg")).to_be_visible()
    office.close()

    # 2. Each unit finds it in its queue, plans and reports with its evidence.
    for username, unit in (("health", "县卫健局"), ("education", "县教育局")):
        visit = Visit(chromium, base_url, problems)
        page = visit.log_in(username)
        from_the_queue(page, problem)
        plan_and_report(page, problem, unit, tmp_path)
        visit.close()
    problem.refresh_from_db()
    assert problem.state == ProblemState.VERIFYING

    # 3. The lead unit sends the health bureau back once, with a reason.
    education = Visit(chromium, base_url, problems)
    page = education.log_in("education")
    page.goto(f"/admin/rectification/problem/{problem.pk}/change/")
    verify = page.locator("#action-verify")
    verify.get_by_label("退回所选单位重新整改").check()
    verify.get_by_label("县卫健局", exact=True).check()
    verify.get_by_label("退回“县卫健局”的理由").fill("印证材料不全")
    snap(page, "02-send-back")
    verify.get_by_role("button", name="核查", exact=True).click()
    expect(page.locator("#problem-state")).to_have_text("整改中")
    education.close()

    health = Visit(chromium, base_url, problems)
    page = health.log_in("health")
    from_the_queue(page, problem)
    report_again(page, problem, "县卫健局", tmp_path)
    health.close()

    # 4. The lead unit accepts; the office closes the item with its file.
    education = Visit(chromium, base_url, problems)
    page = education.log_in("education")
    page.goto("/admin/queue/?workflow=rectification")
    page.get_by_role("link", name=str(problem)).click()
    page.locator("#action-verify").get_by_role("button", name="核查", exact=True).click()
    expect(page.locator("#problem-state")).to_have_text("待销号")
    education.close()

    office = Visit(chromium, base_url, problems)
    page = office.log_in("rectoffice")
    page.goto("/admin/queue/?workflow=rectification")
    page.get_by_role("link", name=str(problem)).click()
    closing = page.locator("#action-close")
    closing.get_by_label("销号意见").fill("整改到位，同意销号")
    sheet = tmp_path / "销号审批表.pdf"
    sheet.write_bytes(PDF)
    closing.get_by_label("销号材料").set_input_files(str(sheet))
    closing.get_by_role("button", name="销号", exact=True).click()
    expect(page.locator("#problem-state")).to_have_text("已销号")
    expect(page.locator("#evidence")).to_contain_text("销号审批表.pdf")
    snap(page, "03-closed")

    # 5. A look-back finds it back: the office re-opens it, and it is flagged recurring.
    reopen = page.locator("#action-reopen")
    reopen.get_by_role("button", name=re.compile("^重新整改")).click()
    expect(page.locator(".messagelist")).to_contain_text("请填写重新整改的理由")
    page.locator("#action-reopen").get_by_label("重新整改的理由").fill("回头看发现反弹")
    page.locator("#action-reopen").get_by_role("button", name=re.compile("^重新整改")).click()
    expect(page.locator("#problem-state")).to_have_text("整改中")
    expect(page.locator("#record")).to_contain_text("反弹")
    expect(page.locator("table.timeline")).to_contain_text("回头看发现反弹")
    snap(page, "04-reopened")
    office.close()

    problem.refresh_from_db()
    assert problem.recurring and problem.rounds.count() == 2
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith("OK")
