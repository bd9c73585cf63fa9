import datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from approvals.models import AuditEntry, Objection
from approvals.notices import file_objection, running_notice
from tests.factories import (
    IdentificationCaseFactory,
    ProjectApplicationFactory,
    RoleAssignmentFactory,
)
from tests.helpers import after_notice
from tests.household_setup import family
from workflows.household import demo as household_demo
from workflows.project_library import demo as project_demo

BOARD = reverse("public:board")
GOOD = {"name": "村民甲", "contact": "139-0000-1234", "text": "  该户家中有小汽车，不符合条件。  "}


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The throttle counts in the cache; every test starts with none counted."""
    cache.clear()
    yield
    cache.clear()


def household_notice(county, people, village=None, size=4):
    home = family(village or county.v11, people.team, size=size)
    case = IdentificationCaseFactory(household=home, opener=people.cadre)
    return household_demo.advance(case, people, "first_notice")


def project_notice(region, people):
    project = ProjectApplicationFactory(region=region, creator=people.cadre)
    return project_demo.advance(project, people, "village_notice")


def objection_url(case):
    return reverse("public:object", args=[running_notice(case).pk])


def test_the_board_shows_a_household_without_any_id_number(client, county, people):
    case = household_notice(county, people)
    home = case.household
    response = client.get(BOARD)
    assert response.status_code == 200
    html = response.content.decode()
    assert home.head_name in html
    assert "一村" in html
    assert "4人" in html
    assert "贫困户识别" in html
    assert "第一次公示" in html
    assert objection_url(case) in html
    for member in home.members.all():
        assert member.id_number not in html
        assert member.id_number[6:14] not in html  # not even the birth date
    assert home.phone not in html


def test_the_board_shows_a_project_with_its_funds(client, county, people):
    project = project_notice(county.v11, people)
    html = client.get(BOARD).content.decode()
    assert project.name in html
    assert f"{project.total_funds:.2f}万元" in html
    assert "项目库" in html and "村内公示" in html


def test_the_region_filter_includes_its_subtree_and_excludes_the_rest(client, county, people):
    here = project_notice(county.v11, people)
    cadre = RoleAssignmentFactory(role="village_committee", region=county.v21).user
    there = project_notice(county.v21, SimpleNamespace(cadre=cadre))

    def names(region):
        return client.get(BOARD, {"region": region.code}).content.decode()

    assert here.name in names(county.t1) and there.name not in names(county.t1)
    assert there.name in names(county.t2) and here.name not in names(county.t2)
    assert here.name in names(county.county) and there.name in names(county.county)
    assert here.name not in names(county.other_county)
    everything = client.get(BOARD).content.decode()
    assert here.name in everything and there.name in everything


def test_the_region_picker_lists_the_level_below_and_links_up(client, county):
    html = client.get(BOARD, {"region": county.t1.code}).content.decode()
    assert f'<option value="{county.v11.code}">一村</option>' in html
    assert f'<option value="{county.v12.code}">二村</option>' in html
    assert county.v21.code not in html
    assert f"?region={county.county.code}" in html


def test_an_unknown_or_malformed_region_is_not_found(client, county):
    assert client.get(BOARD, {"region": "999999999999"}).status_code == 404
    assert client.get(BOARD, {"region": "62'; drop"}).status_code == 404


def test_a_suspended_notice_says_so(client, county, people):
    case = household_notice(county, people)
    file_objection(case, name="村民乙", text="收入情况不实")
    html = client.get(BOARD).content.decode()
    assert "已中止（有异议待处理）" in html
    assert 'class="suspended"' in html


def test_the_board_is_chinese_by_default(client, county, people):
    household_notice(county, people)
    response = client.get(BOARD)
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "公示公告栏" in html and "提出异议" in html
    assert "<script" not in html


def test_the_board_follows_the_readers_language(client, county, people):
    household_notice(county, people)
    html = client.get(BOARD, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html
    assert "Household identification" in html and "First notice" in html


def test_pages_keep_the_chosen_region(client, county, people, monkeypatch):
    monkeypatch.setattr("admin_site.public.views.PAGE_SIZE", 2)
    for _ in range(3):
        project_notice(county.v11, people)
    first = client.get(BOARD, {"region": county.t1.code}).content.decode()
    assert first.count("提出异议</a>") == 2
    assert f"?region={county.t1.code}&amp;page=2" in first
    second = client.get(BOARD, {"region": county.t1.code, "page": 2}).content.decode()
    assert second.count("提出异议</a>") == 1


def test_the_board_costs_the_same_queries_for_2_and_12_notices(client, county, people):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(BOARD, {"region": county.county.code}).status_code == 200
        return len(queries)

    household_notice(county, people)
    project_notice(county.v11, people)
    few = count()
    for _ in range(5):
        household_notice(county, people)
        project_notice(county.v11, people)
    html = client.get(BOARD).content.decode()
    assert html.count("提出异议</a>") == 12
    assert count() == few


def test_an_objection_is_filed_and_suspends_the_notice(client, county, people):
    case = household_notice(county, people)
    page = client.get(objection_url(case))
    assert page.status_code == 200
    assert case.household.head_name in page.content.decode()
    response = client.post(objection_url(case), GOOD, follow=True)
    assert response.status_code == 200
    assert "公示已中止" in response.content.decode()
    objection = Objection.objects.get()
    assert (objection.name, objection.contact) == ("村民甲", "139-0000-1234")
    assert objection.text == "该户家中有小汽车，不符合条件。"
    assert objection.notice == running_notice(case)
    assert running_notice(case).is_suspended


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "请填写您的姓名"),
        ({"name": "甲" * 51}, "姓名不能超过50个字"),
        ({"text": "   "}, "请填写异议内容"),
        ({"text": "异" * 2001}, "异议内容不能超过2000个字"),
        ({"contact": "call me"}, "联系方式只能包含数字、“+”和“-”"),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(client, county, people, changes, message):
    case = household_notice(county, people)
    response = client.post(objection_url(case), {**GOOD, **changes})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Objection.objects.exists()
    assert not running_notice(case).is_suspended


def test_an_objection_the_engine_refuses_shows_its_reason(client, county, people):
    case = household_notice(county, people)
    url = objection_url(case)
    # The period has run out, but the timer has not closed the notice yet.
    with time_machine.travel(running_notice(case).ends_at + datetime.timedelta(minutes=1)):
        assert "公示期已满，待结束" in client.get(BOARD).content.decode()
        page = client.get(url).content.decode()
        response = client.post(url, GOOD)
    assert "公示期已结束，不能再提出异议" in page and '<form method="post"' not in page
    assert response.status_code == 200
    assert "公示期已结束，不能再提出异议" in response.content.decode()
    assert not Objection.objects.exists()


def test_objections_are_throttled_per_address(client, county, people, settings):
    settings.PUBLIC_OBJECTION_RATE = "2/m"
    case = household_notice(county, people)
    url = objection_url(case)
    assert client.post(url, GOOD).status_code == 302
    assert client.post(url, GOOD).status_code == 302
    response = client.post(url, GOOD)
    assert response.status_code == 429
    assert "提交过于频繁，请稍后再试" in response.content.decode()
    assert Objection.objects.count() == 2
    assert client.get(url).status_code == 200  # reading is never throttled
    other = client.post(url, GOOD, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_behind_the_proxy_objections_are_throttled_per_client_not_per_proxy(
    client, county, people, settings
):
    settings.PUBLIC_OBJECTION_RATE = "1/m"
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    url = objection_url(household_notice(county, people))
    via_proxy = {"REMOTE_ADDR": "10.0.0.1"}
    assert client.post(url, GOOD, HTTP_X_REAL_IP="203.0.113.5", **via_proxy).status_code == 302
    assert client.post(url, GOOD, HTTP_X_REAL_IP="203.0.113.5", **via_proxy).status_code == 429
    assert client.post(url, GOOD, HTTP_X_REAL_IP="198.51.100.7", **via_proxy).status_code == 302


def test_a_closed_or_unknown_notice_is_not_found(client, county, people):
    case = household_notice(county, people)
    url = objection_url(case)
    assert after_notice(days=30).closed == 1
    assert running_notice(case) is None
    assert client.get(url).status_code == 404
    assert client.post(url, GOOD).status_code == 404
    assert client.get(reverse("public:object", args=[999999])).status_code == 404


def test_the_form_is_protected_against_cross_site_posts(county, people):
    case = household_notice(county, people)
    response = Client(enforce_csrf_checks=True).post(objection_url(case), GOOD)
    assert response.status_code == 403
    assert not Objection.objects.exists()


def test_an_objection_from_the_board_is_an_entry_of_the_cases_chain(client, county, people):
    case = household_notice(county, people)
    head = case.audit_count
    client.post(objection_url(case), GOOD)
    case.refresh_from_db()
    entry = AuditEntry.objects.for_object(case).last()
    assert (case.audit_count, entry.seq, entry.action) == (head + 1, head + 1, "file_objection")
    assert entry.data == {
        "objection": Objection.objects.get().pk,
        "objector": "村民甲",
        "objection_text": "该户家中有小汽车，不符合条件。",
        "objector_contact": "139*******234",
    }
    for page in (client.get(BOARD), client.get(objection_url(case))):
        assert "139-0000-1234" not in page.content.decode()


def test_a_notice_counts_whole_days_as_a_person_reads_a_calendar(client, county, people):
    case = household_notice(county, people)
    notice = running_notice(case)
    days = (notice.ends_at - notice.opened_at).days
    opened = timezone.localtime(notice.opened_at).replace(hour=9, minute=30)
    notice.ends_at = opened + datetime.timedelta(days=days)
    notice.save(update_fields=["ends_at"])
    assert days > 1
    with time_machine.travel(opened, tick=False):
        first_day = client.get(BOARD).content.decode()
        english = client.get(reverse("public:notice", args=[notice.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert f">{days}天<" in first_day and "小时" not in first_day
    assert f"{days} days" in english.content.decode()
    with time_machine.travel(opened.replace(hour=23, minute=50), tick=False):
        assert f">{days}天<" in client.get(BOARD).content.decode()
    with time_machine.travel(opened + datetime.timedelta(days=1, hours=-2), tick=False):
        assert f">{days - 1}天<" in client.get(BOARD).content.decode()
    # The day it ends, the hours left are what a person needs to know.
    with time_machine.travel(notice.ends_at - datetime.timedelta(hours=2), tick=False):
        assert "2小时0分钟" in client.get(BOARD).content.decode()
        assert notice.days_left() == 0
