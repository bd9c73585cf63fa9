"""The household data a monitoring decision rests on (incomes, members, the 两不愁三保障 checks)
under an open inclusion or elimination: the village corrects it, audited with old and new values,
while the case is with the village; once the case has gone up for review the village is refused
and told why, and may correct it again when the case is sent back."""

from decimal import Decimal

import pytest
from django.urls import reverse

from approvals import edits, perform
from approvals.diffs import CHANGED
from approvals.exceptions import PermissionDenied
from approvals.models import AuditEntry
from tests.factories import MonitoringCaseFactory
from tests.helpers import admin_form_data, income_prefix
from tests.household_setup import family
from tests.monitoring_setup import monitored, walk
from workflows.monitoring.cases import propose_elimination
from workflows.monitoring.demo import bring

UNDER_REVIEW = "该户的%s正在“乡镇审核”环节，只有该环节的办理人可以修改该户信息"


def change_url(household):
    return reverse("admin:household_household_change", args=[household.pk])


def wage(home, year):
    return home.incomes.get(year=year).wage_income


def set_wage(home, user, year, amount):
    income = home.incomes.get(year=year)
    income.wage_income = Decimal(amount)
    return edits.record_edit(home, user, [], [edits.RowEdit(income, CHANGED)])


def secure_housing(home, user, year):
    check = home.guarantees.get(year=year)
    check.safe_housing = True
    return edits.record_edit(home, user, [], [edits.RowEdit(check, CHANGED)])


def test_an_inclusion_with_the_village_leaves_the_data_to_the_village_audited(people, county):
    home = family(county.v11, people.team)
    MonitoringCaseFactory(household=home, opener=people.cadre)
    entry = set_wage(home, people.cadre, 2020, "18000")
    assert (entry.action, entry.actor_role) == ("edit", "village_committee")
    (row,) = entry.data["related"]
    assert (row["model"], row["op"]) == ("household.incomeassessment", "changed")
    assert row["changes"] == [{"field": "wage_income", "old": "20000.00", "new": "18000.00"}]
    home = family(county.v11, people.team)
    bring(home, people, "deliberation")
    member = home.members.get(relation="head")
    member.health = "serious_illness"
    entry = edits.record_edit(home, people.cadre, [], [edits.RowEdit(member, CHANGED)])
    (row,) = entry.data["related"]
    assert row["changes"] == [{"field": "health", "old": "healthy", "new": "serious_illness"}]


def test_an_inclusion_under_review_refuses_the_village_until_it_is_sent_back(
    client, people, county
):
    home = family(county.v11, people.team)
    case = bring(home, people, "township_review")
    with pytest.raises(PermissionDenied) as refused:
        set_wage(home, people.cadre, 2020, "40000")
    assert refused.value.reasons == [UNDER_REVIEW % "防返贫监测对象纳入"]
    with pytest.raises(PermissionDenied):
        secure_housing(home, people.cadre, 2019)
    assert wage(home, 2020) == Decimal("20000")
    assert not home.guarantees.get(year=2019).safe_housing
    client.force_login(people.cadre)
    page = client.get(change_url(home))
    shown = page.content.decode()
    assert UNDER_REVIEW % "防返贫监测对象纳入" in shown[shown.index('id="edit-refusals"') :]
    data = admin_form_data(page)
    data[f"{income_prefix(page, 2020)}-wage_income"] = "40000"
    assert client.post(change_url(home), data).status_code == 403
    assert wage(home, 2020) == Decimal("20000")
    assert not AuditEntry.objects.for_object(home).filter(action="edit").exists()

    perform(case, "return_for_reverification", people.reviewer, comment="收入数据需重新核实")
    assert case.state == "reported"
    page = client.get(change_url(home))
    assert 'id="edit-refusals"' not in page.content.decode()
    data = admin_form_data(page)
    data[f"{income_prefix(page, 2020)}-wage_income"] = "22000"
    assert client.post(change_url(home), data).status_code == 302
    assert wage(home, 2020) == Decimal("22000")
    (entry,) = AuditEntry.objects.for_object(home).filter(action="edit")
    assert entry.data["related"][0]["changes"] == [
        {"field": "wage_income", "old": "20000.00", "new": "22000.00"}
    ]


@pytest.mark.parametrize(
    ("state", "reason"),
    [
        ("village_notice", "该户的防返贫监测对象纳入正在“村内公示”，公示期间不能修改该户信息"),
        (
            "county_review",
            "该户的防返贫监测对象纳入正在“县级审定”环节，只有该环节的办理人可以修改该户信息",
        ),
    ],
)
def test_an_inclusion_in_notice_or_before_the_county_refuses_the_village(
    people, county, state, reason
):
    home = family(county.v11, people.team)
    bring(home, people, state)
    with pytest.raises(PermissionDenied) as refused:
        set_wage(home, people.cadre, 2020, "40000")
    assert refused.value.reasons == [reason]
    assert wage(home, 2020) == Decimal("20000")


def test_an_elimination_under_review_refuses_the_village_until_it_is_sent_back(people, county):
    home = monitored(county, people)
    case = propose_elimination(home, people.cadre, 2021)
    assert set_wage(home, people.cadre, 2021, "30000").actor_role == "village_committee"
    walk(case, people, "township_review")
    with pytest.raises(PermissionDenied) as refused:
        set_wage(home, people.cadre, 2021, "12000")
    assert refused.value.reasons == [UNDER_REVIEW % "防返贫监测风险消除"]
    assert wage(home, 2021) == Decimal("30000")
    perform(case, "return_for_reverification", people.reviewer, comment="收入佐证不足")
    assert case.state == "proposed"
    entry = set_wage(home, people.cadre, 2021, "26000")
    assert entry.data["related"][0]["changes"] == [
        {"field": "wage_income", "old": "30000.00", "new": "26000.00"}
    ]
    assert wage(home, 2021) == Decimal("26000")
