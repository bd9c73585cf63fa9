"""A notice's own page, the objection's receipt number and its lookup, and the throttle that
counts only accepted objections and gives the typed text back."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from admin_site import demo as county_demo
from approvals.models import RECEIPT_ALPHABET, Objection, Policy
from approvals.notices import SUPERVISION, by_receipt, running_notice, supervision_phone
from tests.factories import PolicyFactory
from tests.helpers import resolve
from tests.test_public_board import GOOD, household_notice, objection_url, project_notice
from workflows.household import demo as household_demo
from workflows.monitoring import demo as monitoring_demo

STATUS = reverse("public:objection_status")


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def notice_url(case):
    return reverse("public:notice", args=[running_notice(case).pk])


def county_phone(county, number="0939-1234567", source="某县监督电话通知"):
    return PolicyFactory(
        workflow=SUPERVISION,
        region_prefix=county.county.prefix,
        values={"supervision_phone": number},
        value_sources={"supervision_phone": {"level": "county_default", "source": source}},
    )


def test_a_projects_notice_page_shows_the_proposal_its_funds_and_the_phone(client, county, people):
    project = project_notice(county.v11, people)
    county_phone(county)
    html = client.get(notice_url(project)).content.decode()
    assert project.name in html
    assert project.tasks_and_scale in html
    assert "中央资金" in html and f"{project.funds_central:.2f}万元" in html
    assert f"{project.total_funds:.2f}万元" in html
    assert "监督电话" in html and "0939-1234567" in html and "某县监督电话通知" in html
    assert objection_url(project) in html
    assert notice_url(project) in client.get(reverse("public:board")).content.decode()


def test_a_households_notice_page_names_members_but_no_id_phone_or_health(client, county, people):
    case = household_notice(county, people)
    home = case.household
    html = client.get(notice_url(case)).content.decode()
    assert "拟识别为建档立卡贫困户" in html
    for member in home.members.all():
        assert member.name in html
        assert member.id_number not in html and member.id_number[6:14] not in html
    assert home.phone not in html
    assert home.get_main_cause_display() not in html  # 因病: about someone's health
    # Without a county's own number, the national hotline and where it comes from.
    assert "12317" in html and "扶贫监督举报电话" in html


def test_a_countys_phone_supersedes_the_national_one_only_in_that_county(county):
    county_phone(county)
    assert supervision_phone(county.v11).number == "0939-1234567"
    assert supervision_phone(county.other_village).number == "12317"


def test_the_demo_county_has_its_own_supervision_phone(db):
    built = county_demo.build_county()
    county_demo.build_county()  # again: still one version
    assert Policy.objects.filter(workflow=SUPERVISION, region_prefix="621223").count() == 1
    assert supervision_phone(built.villages[0]).number == county_demo.SUPERVISION_PHONE


def test_a_closed_notice_has_no_page(client, county, people):
    assert client.get(reverse("public:notice", args=[999999])).status_code == 404


def test_filing_gives_a_receipt_whose_lookup_shows_only_status_and_reply(client, county, people):
    case = household_notice(county, people)
    response = client.post(objection_url(case), GOOD, follow=True)
    objection = Objection.objects.get()
    receipt = objection.receipt
    assert len(receipt) == 12 and set(receipt) <= set(RECEIPT_ALPHABET)
    assert receipt in response.content.decode()
    page = client.get(STATUS, {"number": receipt}).content.decode()
    assert "待处理" in page and "正在处理，尚未答复" in page
    assert GOOD["name"] not in page and "139-0000-1234" not in page and "小汽车" not in page
    assert case.household.head_name not in page
    resolve(case, people.cadre, objection, comment="经入户核实，该车辆为租用。")
    # Typed as people type it: spaced in groups, lower case, full width.
    typed = " ".join(re.findall("....", receipt)).lower().replace("a", "ａ")
    page = client.get(STATUS, {"number": typed}).content.decode()
    assert "异议不成立" in page and "经入户核实，该车辆为租用。" in page


def test_receipts_differ_and_an_unknown_number_finds_nothing(client, county, people):
    first, second = household_notice(county, people), household_notice(county, people)
    client.post(objection_url(first), GOOD)
    client.post(objection_url(second), GOOD, REMOTE_ADDR="10.0.0.7")
    receipts = set(Objection.objects.values_list("receipt", flat=True))
    assert len(receipts) == 2
    assert by_receipt("2" * 12) is None and by_receipt("x") is None
    page = client.get(STATUS, {"number": "ABCDEFGHJKMN"}).content.decode()
    assert "没有找到这个回执编号" in page
    assert client.get(STATUS, {"number": "\x00" * 5000}).status_code == 200
    filed = reverse("public:objection_filed", args=["NOTARECEIPT1"])
    assert client.get(filed).status_code == 404


def test_the_throttle_counts_accepted_objections_not_forms_sent_back(
    client, county, people, settings
):
    settings.PUBLIC_OBJECTION_RATE = "2/m"
    case = household_notice(county, people)
    url = objection_url(case)
    for _typo in range(3):
        assert client.post(url, {**GOOD, "contact": "call me"}).status_code == 200
    assert client.post(url, GOOD).status_code == 302
    assert client.post(url, GOOD).status_code == 302
    assert Objection.objects.count() == 2


def test_the_blocked_page_keeps_the_text_and_names_the_phone(client, county, people, settings):
    settings.PUBLIC_OBJECTION_RATE = "1/m"
    county_phone(county)
    case = household_notice(county, people)
    url = objection_url(case)
    assert client.post(url, GOOD).status_code == 302
    text = "第二条异议：该户户主在外务工收入较高。"
    response = client.post(url, {**GOOD, "text": text})
    html = response.content.decode()
    assert response.status_code == 429
    assert "提交过于频繁，请稍后再试" in html
    assert text in html
    assert "0939-1234567" in html
    assert Objection.objects.count() == 1


def test_a_monitoring_notice_page_shows_the_household_and_proposes_nothing_else(
    client, county, people
):
    home = household_demo.new_household(county.v11, 77, people)
    case = monitoring_demo.bring(home, people, "village_notice")
    html = client.get(notice_url(case)).content.decode()
    assert home.head_name in html and "家庭成员" in html
    assert "拟识别" not in html and "拟退出" not in html
