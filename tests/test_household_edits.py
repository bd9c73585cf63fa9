"""A household's data (its facts, members, incomes and guarantee checks), which the identification
and exit guards read, changes only as an audited edit on the household's own chain: by someone
with a step of their own now, never during a notice; with no open case, by its village."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from approvals import edits
from approvals.diffs import CHANGED
from approvals.exceptions import ConflictError, PermissionDenied, TransitionNotAllowed
from approvals.models import AuditEntry, SecurityEvent
from tests.factories import IdentificationCaseFactory, RoleAssignmentFactory
from tests.helpers import admin_form_data, income_prefix
from tests.household_setup import family
from workflows.household.demo import advance
from workflows.household.models import Household, Member


@pytest.fixture
def home(county, people):
    return family(county.v11, people.team)


def change_url(household):
    return reverse("admin:household_household_change", args=[household.pk])


def income_2019(home):
    return home.incomes.get(year=2019)


def raise_wage(home, user, amount="20000"):
    """Change the 2019 wage income as ``user`` through the engine."""
    income = income_2019(home)
    income.wage_income = Decimal(amount)
    return edits.record_edit(home, user, [], [edits.RowEdit(income, CHANGED)])


def test_the_village_edits_a_household_with_no_open_case_audited_with_old_and_new(
    client, people, home
):
    client.force_login(people.cadre)
    page = client.get(change_url(home))
    data = admin_form_data(page)
    prefix = income_prefix(page, 2019)
    data.update(
        {"head_name": "王二", "low_income_guarantee": "on", f"{prefix}-wage_income": "9000"}
    )
    response = client.post(change_url(home), data, follow=True)
    assert response.redirect_chain
    entry = AuditEntry.objects.for_object(home).last()
    assert (entry.action, entry.actor, entry.actor_role) == (
        "edit",
        people.cadre,
        "village_committee",
    )
    assert {"field": "low_income_guarantee", "old": "false", "new": "true"} in entry.data["changes"]
    (income,) = entry.data["related"]
    assert (income["model"], income["op"]) == ("household.incomeassessment", "changed")
    assert income["changes"] == [{"field": "wage_income", "old": "8000.00", "new": "9000.00"}]
    timeline = client.get(change_url(home)).content.decode()
    timeline = timeline[timeline.index('id="timeline"') :]
    assert "低保兜底</strong>：否 → 是" in timeline
    assert "工资性收入</strong>：8000.00 → 9000.00" in timeline


def test_no_one_edits_a_household_during_its_notice(client, people, home):
    case = advance(
        IdentificationCaseFactory(household=home, opener=people.cadre), people, "first_notice"
    )
    with pytest.raises(PermissionDenied) as refused:
        raise_wage(home, people.cadre)
    assert refused.value.reasons == ["该户的贫困户识别正在“第一次公示”，公示期间不能修改该户信息"]
    assert income_2019(home).wage_income == Decimal("8000")
    assert SecurityEvent.objects.filter(action="edit", object_id=home.pk).exists()
    client.force_login(people.cadre)
    page = client.get(change_url(home))
    data = admin_form_data(page)
    data[f"{income_prefix(page, 2019)}-wage_income"] = "20000"
    assert client.post(change_url(home), data).status_code == 403
    assert income_2019(home).wage_income == Decimal("8000")
    assert case.audit_count == AuditEntry.objects.for_object(case).count()


def test_with_an_open_case_only_the_level_whose_step_it_is_edits(people, home):
    advance(
        IdentificationCaseFactory(household=home, opener=people.cadre), people, "township_review"
    )
    with pytest.raises(PermissionDenied) as refused:
        raise_wage(home, people.cadre)
    assert refused.value.reasons == [
        "该户的贫困户识别正在“乡镇审核”环节，只有该环节的办理人可以修改该户信息"
    ]
    entry = raise_wage(home, people.reviewer)
    assert entry.actor_role == "township_reviewer"
    assert income_2019(home).wage_income == Decimal("20000")


def test_with_no_open_case_others_than_the_village_are_refused(county, people, home):
    neighbour = RoleAssignmentFactory(role="village_committee", region=county.v12).user
    for user in (people.reviewer, people.office, people.auditor, neighbour):
        with pytest.raises(PermissionDenied):
            raise_wage(home, user)
    assert income_2019(home).wage_income == Decimal("8000")
    assert AuditEntry.objects.for_object(home).filter(action="edit").count() == 0


def test_creating_a_household_with_members_is_audited(client, people, county):
    client.force_login(people.cadre)
    add = reverse("admin:household_household_add")
    data = admin_form_data(client.get(add))
    data.update(
        {
            "region": county.v11.pk,
            "number": "H-NEW-1",
            "head_name": "李四",
            "members-TOTAL_FORMS": "1",
            "members-0-name": "李四",
            "members-0-id_number": "620102196805030188",
            "members-0-relation": "head",
            "members-0-health": "healthy",
            "members-0-student_status": "not_student",
        }
    )
    response = client.post(add, data, follow=True)
    assert response.redirect_chain, response.context["adminform"].form.errors
    home = Household.objects.get(number="H-NEW-1")
    (entry,) = AuditEntry.objects.for_object(home)
    assert (entry.action, entry.actor) == ("create", people.cadre)
    assert {"field": "head_name", "old": None, "new": "李四"} in entry.data["changes"]
    (member,) = entry.data["related"]
    assert (member["op"], member["text"]) == ("added", "李四")
    assert member["row"] == str(Member.objects.get(household=home).pk)
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith("OK")


def test_households_made_before_their_chain_start_it_with_the_values_found(people, county):
    made_before = Household.objects.create(region=county.v11, number="OLD-1", head_name="赵五")
    with pytest.raises(SystemExit):
        call_command("verify_audit", stdout=io.StringIO(), stderr=io.StringIO())
    call_command("start_audit_chains", stdout=io.StringIO())
    (entry,) = AuditEntry.objects.for_object(made_before)
    assert (entry.action, entry.actor_role) == ("start_chain", "system")
    assert {"field": "head_name", "old": None, "new": "赵五"} in entry.data["changes"]
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith("OK")


def test_a_refused_edit_changes_nothing_even_when_rows_were_written_first(people, home):
    """Rows are written before a conflict on a later row is found; the refusal takes them back
    with everything else."""
    member = home.members.first()
    member.health = "disabled"
    stale = home.members.last()
    Member.objects.filter(pk=stale.pk).delete()
    with pytest.raises(ConflictError):
        edits.record_edit(
            home,
            people.cadre,
            [],
            [edits.RowEdit(member, CHANGED), edits.RowEdit(stale, CHANGED)],
        )
    assert Member.objects.get(pk=member.pk).health == "healthy"


def test_the_figures_a_decided_case_rested_on_stay_as_decided(client, people, home):
    """Registered on its 2019 assessment: that year's income and guarantee check are fixed;
    the next year's stay open to the village."""
    advance(IdentificationCaseFactory(household=home, opener=people.cadre), people, "registered")
    reason = (
        "（2019年度）是已办结的识别或退出所依据的数据，不能直接修改；"
        "如需更正，请录入新年度的数据，重新办理识别或退出"
    )
    with pytest.raises(TransitionNotAllowed) as refused:
        raise_wage(home, people.cadre)
    assert refused.value.reasons == ["收入测算" + reason]
    assert income_2019(home).wage_income == Decimal("8000")
    later = home.incomes.get(year=2020)
    later.wage_income = Decimal("21000")
    assert edits.record_edit(home, people.cadre, [], [edits.RowEdit(later, CHANGED)])
    client.force_login(people.cadre)
    page = client.get(change_url(home))
    assert "收入测算、两不愁三保障核查" + reason in page.content.decode()
    data = admin_form_data(page)
    prefix = income_prefix(page, 2019)
    assert f"{prefix}-wage_income" not in data  # shown, not an input
    data[f"{prefix}-wage_income"] = "30000"
    client.post(change_url(home), data)
    assert income_2019(home).wage_income == Decimal("8000")
