"""Pages people used to see wrong: error pages in their language, labels instead of slugs,
people by name, codes kept as text, notice days counted as people count them, and a village
cadre's menu without the site's reference pages."""

import csv
import datetime
import io
import pathlib

import time_machine
from django.contrib.staticfiles import finders
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from approvals import perform
from approvals.notices import running_notice
from tests.factories import ProjectApplicationFactory, ToyCaseFactory, UserFactory

INSPECTOR = reverse("admin:inspector")


def named(user, name):
    user.first_name = name
    user.save()
    return user


def test_a_missing_page_is_explained_in_chinese_and_in_english(client, people):
    client.force_login(people.cadre)
    page = client.get("/admin/no-such-page/")
    assert page.status_code == 404 and "页面不存在" in page.content.decode()
    with translation.override("en"):
        english = client.get("/admin/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Page not found" in english.content.decode()


@override_settings(SUPPORT_CONTACT="0931-1234567")
def test_the_lockout_page_says_how_long_to_wait_and_whom_to_call(client, people):
    for _ in range(6):
        page = client.post(reverse("admin:login"), {"username": "cadre", "password": "wrong"})
    body = page.content.decode()
    assert page.status_code == 429
    assert "30 分钟后再试" in body and "0931-1234567" in body and "已暂时锁定" in body


def test_the_audit_csv_reads_labels_names_and_keeps_the_region_code_text(client, people, county):
    named(people.cadre, "王小明")
    ProjectApplicationFactory(region=county.v11, creator=people.cadre)
    client.force_login(people.auditor)
    response = client.get(reverse("admin:inspector_export"), {"workflow": "project_library"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    created = rows[1]
    assert created[1] == "项目库" and created[4] == "新建" and created[6] == "草稿"
    assert created[7] == "王小明" and created[8] == "村委会"
    assert created[9] == f'="{county.v11.code}"'


def test_the_auditor_tells_same_named_actions_of_different_procedures_apart(client, people):
    client.force_login(people.auditor)
    page = client.get(INSPECTOR).content.decode()
    assert "项目库：审核通过" in page and "贫困户识别：审核通过" in page
    assert "项目库：草稿" in page


def test_the_auditor_finds_people_by_name_and_timelines_name_them(client, county, people):
    named(people.cadre, "王小明")
    project = ProjectApplicationFactory(region=county.v11, creator=people.cadre, name="水窖")
    ProjectApplicationFactory(region=county.v11, name="别人的")
    client.force_login(people.auditor)
    found = client.get(INSPECTOR, {"actor": "小明"}).content.decode()
    assert "水窖" in found or "王小明" in found
    assert "别人的" not in found
    client.force_login(people.cadre)
    change = reverse("admin:project_library_projectapplication_change", args=[project.pk])
    assert "<td>王小明</td>" in client.get(change).content.decode()


def test_a_notice_reads_its_full_length_on_its_first_day(client, county, people):
    case = ToyCaseFactory(region=county.v11, creator=people.cadre)
    perform(case, "submit", people.cadre)
    perform(case, "approve", people.reviewer)  # a 5-day notice (the toy policy)
    client.force_login(people.reviewer)
    url = reverse("admin:toy_toycase_change", args=[case.pk])
    assert "还剩 5 天" in client.get(url).content.decode()
    # The next calendar day it reads one less, and on the day it ends, that it ends today.
    ends = running_notice(case).ends_at
    next_day = timezone.localtime(ends - datetime.timedelta(days=4)).replace(hour=0, minute=5)
    with time_machine.travel(next_day, tick=False):
        client.force_login(people.reviewer)  # a session of that day
        assert "还剩 4 天" in client.get(url).content.decode()
    with time_machine.travel(ends - datetime.timedelta(minutes=1), tick=False):
        client.force_login(people.reviewer)
        assert "今天截止" in client.get(url).content.decode()


def test_a_village_cadre_s_menu_has_no_reference_pages(client, people):
    client.force_login(people.cadre)
    listed = {
        model["admin_url"]
        for app in client.get(reverse("admin:queue")).context["available_apps"]
        for model in app["models"]
    }
    assert reverse("admin:roles_region_changelist") not in listed
    assert reverse("admin:approvals_policy_changelist") not in listed
    assert reverse("admin:project_library_projectapplication_changelist") in listed
    assert client.get(reverse("admin:roles_region_changelist")).status_code == 200  # still read
    client.force_login(people.reviewer)
    listed = {
        model["admin_url"]
        for app in client.get(reverse("admin:queue")).context["available_apps"]
        for model in app["models"]
    }
    assert reverse("admin:roles_region_changelist") in listed


def test_the_security_log_shows_procedures_and_actions_by_label(client, county, people):
    project = ProjectApplicationFactory(region=county.v11, creator=people.cadre)
    client.force_login(people.cadre)
    client.post(
        reverse("admin:project_library_projectapplication_act", args=[project.pk]),
        {"action": "township_approve", "confirmed": "1"},
    )
    client.force_login(named(UserFactory(), "x") and people.auditor)
    page = client.get(reverse("admin:inspector_security")).content.decode()
    assert "<td>项目库</td><td>审核通过</td>" in page
    assert "township_approve" not in page


def test_long_comments_wrap_in_their_cells_instead_of_widening_the_table():
    stylesheet = pathlib.Path(finders.find("jingzhun/site.css")).read_text(encoding="utf-8")
    rule = next(line for line in stylesheet.splitlines() if "overflow-wrap: anywhere" in line)
    assert ".timeline td" in rule and "table.queue td" in rule
