"""A township's daily work through the real pages in Chromium: who handles a case, a stand-in
while one is away, the inbox, the confirmation before a decision, and the same pages on a phone.

Two reviewers of 城关镇 are told of a project come to township review. The first follows the
notification from the inbox, which reads it, and claims the case (认领); the second sees it taken
by the first and marks the notification read. The first names the second as stand-in for a few
days; the stand-in opens the case, acts for the first (代 X 办理), confirms the approval on the
confirmation page, and the trail keeps both. The queue, the case page and the inbox are snapped
at desk size and at 390 px wide, where none may scroll sideways. Screenshots land in
``artifacts/browser/`` as ``work-*.png``.
"""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from admin_site.demo import PASSWORD, build_county
from approvals.models import AuditEntry
from tests.factories import RoleAssignmentFactory
from tests.helpers import run_worker
from tests.test_browser import (  # noqa: F401 (fixtures)
    Visit,
    browser,
    committed_db,
    project_at,
    snap,
    watched_pages,
)
from tests.test_browser_phone import PHONE, fits

pytestmark = pytest.mark.browser

PROJECT_NAME = "城关村肉牛养殖合作社圈舍建设项目"


def second_reviewer(township):
    """A colleague of the demo's reviewer in the same township, who signs in like the others."""
    user = RoleAssignmentFactory(
        role="township_reviewer",
        region=township,
        user__username="reviewer3",
        user__last_name="刘",
        user__first_name="芳",
    ).user
    user.set_password(PASSWORD)
    user.save()
    return user


def unread_count(page):
    return page.locator("#inbox-link .inbox-unread")


def case_page(project):
    return reverse("admin:project_library_projectapplication_change", args=[project.pk])


def open_from_the_inbox_and_claim(page, project):
    """The reviewer is told of the new task, follows it to the case (which reads it) and claims
    the case."""
    from playwright.sync_api import expect

    expect(unread_count(page)).to_have_text("1")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="收件箱").click()
    told = page.locator("table.inbox tbody tr.unread")
    expect(told).to_have_count(1)
    expect(told).to_contain_text("新的待办")
    snap(page, "work-01-inbox-unread")
    told.get_by_role("link", name=re.compile(PROJECT_NAME)).click()
    expect(page).to_have_url(re.compile(re.escape(case_page(project)) + "$"))
    claim = page.locator("#claim")
    expect(claim).to_contain_text("尚无人认领")
    claim.get_by_role("button", name="认领").click()
    expect(page.locator(".messagelist")).to_contain_text("已认领")
    expect(page.locator("#claim")).to_contain_text("由您办理")
    expect(unread_count(page)).to_have_count(0)
    snap(page, "work-02-case-claimed")


def mark_read(page):
    from playwright.sync_api import expect

    expect(unread_count(page)).to_have_text("1")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="收件箱").click()
    page.get_by_role("checkbox", name=f"选择 {PROJECT_NAME}").check()
    page.get_by_role("button", name="标为已读", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("已将 1 条通知标为已读")
    expect(page.locator("table.inbox tbody tr.read")).to_have_count(1)
    expect(unread_count(page)).to_have_count(0)
    snap(page, "work-05-inbox-read")


def sees_it_taken(page, project, holder):
    from playwright.sync_api import expect

    page.goto("/admin/queue/?workflow=project_library")
    row = page.locator("table.queue tbody tr", has_text=PROJECT_NAME)
    expect(row).to_contain_text(holder)
    snap(page, "work-03-queue-taken")
    row.get_by_role("link", name=PROJECT_NAME).click()
    expect(page.locator("#claim")).to_contain_text(f"由 {holder} 办理，其他人暂不能办理")
    expect(page.locator("#claim").get_by_role("button", name="认领")).to_have_count(0)
    expect(page.get_by_role("button", name="审核通过")).to_be_disabled()
    expect(page.locator("#actions .reasons").first).to_contain_text(holder)
    snap(page, "work-04-case-taken")


def name_a_standin(page, standin, days):
    from playwright.sync_api import expect

    today = timezone.localdate()
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="代办设置").click()
    form = page.locator("#name-standin")
    form.get_by_label("代办人").select_option(label=standin)
    form.get_by_label("开始日期").fill(today.isoformat())
    form.get_by_label("结束日期").fill((today + datetime.timedelta(days=days)).isoformat())
    form.get_by_role("button", name="保存").click()
    expect(page.locator(".messagelist")).to_contain_text(f"已指定{standin}")
    named = page.locator("#named tbody tr", has_text=standin)
    expect(named).to_contain_text(today.isoformat())
    expect(named).to_contain_text("有效")
    snap(page, "work-06-standin-named")


def approve_for(page, project, absent):
    """The stand-in acts on the case for the absent reviewer, confirming the approval first."""
    from playwright.sync_api import expect

    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="代办设置").click()
    expect(page.locator("#standing-in")).to_contain_text(f"代 {absent} 办理")
    page.goto(case_page(project))
    actions = page.locator("#actions")
    expect(actions.get_by_role("heading")).to_contain_text(f"代 {absent} 办理")
    actions.get_by_label("意见").fill("材料齐全，同意公示")
    snap(page, "work-07-case-standin")
    actions.get_by_role("button", name="审核通过").click()
    confirmation = page.locator("#content-main.confirmation")
    expect(confirmation.locator("#confirm-count")).to_contain_text("1")
    expect(confirmation.locator("#confirm-funds")).to_contain_text("万元")
    expect(confirmation.locator("#confirm-on-behalf")).to_have_text(f"代 {absent} 办理")
    expect(confirmation).to_contain_text("材料齐全，同意公示")
    snap(page, "work-08-confirmation")
    go_ahead = page.get_by_role("button", name="确认审核通过")
    back = page.get_by_role("link", name="返回修改")
    assert go_ahead.bounding_box()["height"] >= back.bounding_box()["height"], (
        "the button to go ahead is drawn smaller than the link back"
    )
    go_ahead.click()
    expect(page.locator(".messagelist")).to_contain_text(f"已代{absent}办理“审核通过”")
    expect(page.locator("#procedure strong")).to_have_text("乡镇公示")
    snap(page, "work-09-case-approved")


def desk_and_phone(page, project):
    """The queue, the case page and the inbox, at desk size and then at 390 px: how many
    pixels each is wider than the phone."""
    from playwright.sync_api import expect

    pages = {
        "queue": "/admin/queue/?workflow=project_library&view=done",
        "case page": case_page(project),
        "inbox": reverse("admin:inbox"),
    }
    for name, url in pages.items():
        page.goto(url)
        expect(page.get_by_text(PROJECT_NAME).first).to_be_visible()
        snap(page, f"work-10-desk-{name.replace(' ', '-')}")
    page.set_viewport_size(PHONE)
    widths = {}
    for name, url in pages.items():
        page.goto(url)
        expect(page.get_by_text(PROJECT_NAME).first).to_be_visible()
        widths[name] = fits(page, f"work-{name.replace(' ', '-')}")
        if name == "queue":
            values = page.locator("table.queue tbody td[data-label]")
            expect(values.first).to_be_visible()
            broken = {v.text_content(): lines for v in values.all() if (lines := lines_of(v)) > 1}
            assert not broken, f"values of the queue broken over lines on a phone: {broken}"
    return widths


def lines_of(cell) -> int:
    """On how many lines the text of ``cell`` is laid out."""
    return cell.evaluate(
        "cell => { const text = document.createRange(); text.selectNodeContents(cell);"
        " return new Set([...text.getClientRects()].map(r => Math.round(r.top))).size; }"
    )


def test_a_case_is_claimed_handled_by_a_stand_in_and_read_on_a_phone(
    committed_db,  # noqa: F811
    browser,  # noqa: F811
    live_server,
):
    with (
        watched_pages(snap) as problems,
        time_machine.travel(timezone.now(), tick=True),
    ):
        demo = build_county()
        people = demo.people
        colleague = second_reviewer(demo.townships[0])
        project = project_at("township_review", demo.villages[0], people, PROJECT_NAME)
        run_worker()  # both reviewers are told of the new task
        absent = people.reviewer.first_name  # the demo names people in first_name only
        standin = "刘芳"

        reviewer = Visit(browser, live_server.url, problems)
        page = reviewer.log_in("reviewer")
        open_from_the_inbox_and_claim(page, project)

        other = Visit(browser, live_server.url, problems)
        other_page = other.log_in("reviewer3")
        sees_it_taken(other_page, project, absent)
        mark_read(other_page)

        name_a_standin(page, standin, days=3)
        reviewer.close()

        approve_for(other_page, project, absent)
        entry = AuditEntry.objects.for_object(project).last()
        assert (entry.action, entry.actor, entry.on_behalf_of) == (
            "township_approve",
            colleague,
            people.reviewer,
        )
        widths = desk_and_phone(other_page, project)
        other.close()
    assert widths == dict.fromkeys(widths, 0), f"wider than the phone by (px): {widths}"
