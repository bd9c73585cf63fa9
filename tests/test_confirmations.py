"""Decisive steps are confirmed on a page of their own, which says what will happen, to how many
cases and with what funds; nothing is done until the person confirms."""

from decimal import Decimal

from django.urls import reverse

from approvals.models import AuditEntry
from tests.factories import ProjectApplicationFactory, StandinFactory
from tests.household_setup import family
from workflows.household.models import ExitCase
from workflows.project_library.demo import advance
from workflows.project_library.models import ProjectApplication

QUEUE = reverse("admin:queue") + "?workflow=project_library"


def act_url(case):
    return reverse("admin:project_library_projectapplication_act", args=[case.pk])


def in_review(county, people, funds):
    funds = Decimal(funds)
    project = ProjectApplicationFactory(
        region=county.v11,
        creator=people.cadre,
        total_funds=funds,
        funds_central=funds,
        funds_provincial=0,
        funds_county=0,
    )
    return advance(project, people, "county_review")


def test_a_bulk_approval_asks_first_with_the_count_and_the_funds(client, county, people):
    cases = [in_review(county, people, funds) for funds in ("120.00", "35.50")]
    client.force_login(people.approver)
    posted = {"selected": [c.pk for c in cases], "action": "county_approve", "comment": "同意"}

    page = client.post(QUEUE, posted)

    body = page.content.decode()
    assert page.status_code == 200 and "请确认：审批通过" in body
    assert "2 件" in body and "155.50 万元" in body
    assert 'name="comment" value="同意"' in body  # carried to the confirming form
    assert {c.state for c in ProjectApplication.objects.filter(pk__in=[c.pk for c in cases])} == {
        "county_review"
    }

    done = client.post(QUEUE, {**posted, "confirmed": "1"})
    assert done["Location"] == reverse("admin:queue_bulk_result")
    assert set(ProjectApplication.objects.values_list("state", flat=True)) == {"county_notice"}


def test_a_step_that_ends_the_case_is_confirmed_and_its_button_set_apart(client, county, people):
    project = in_review(county, people, "50")
    client.force_login(people.approver)
    change = reverse("admin:project_library_projectapplication_change", args=[project.pk])
    assert 'value="county_reject" class="destructive"' in client.get(change).content.decode()

    page = client.post(act_url(project), {"action": "county_reject", "comment": "资金不足"})

    body = page.content.decode()
    assert "不能撤销" in body and 'class="button button-danger"' in body and "50.00 万元" in body
    assert not AuditEntry.objects.for_object(project).filter(action="county_reject").exists()
    client.post(
        act_url(project), {"action": "county_reject", "comment": "资金不足", "confirmed": "1"}
    )
    project.refresh_from_db()
    assert project.state == "rejected"


def test_a_stand_in_is_told_on_the_confirmation_page_whom_they_act_for(client, county, people):
    project = in_review(county, people, "50")
    StandinFactory(person=people.approver, standin=people.office)
    client.force_login(people.office)
    posted = {"action": "county_approve", "on_behalf_of": people.approver.pk}

    body = client.post(act_url(project), posted).content.decode()

    assert '<dd id="confirm-on-behalf">代 approver 办理</dd>' in body
    assert f'name="on_behalf_of" value="{people.approver.pk}"' in body
    assert '<button type="submit" class="button default">确认审批通过</button>' in body
    client.post(act_url(project), {**posted, "confirmed": "1"})
    entry = AuditEntry.objects.for_object(project).last()
    assert (entry.action, entry.actor, entry.on_behalf_of) == (
        "county_approve",
        people.office,
        people.approver,
    )


def test_an_ordinary_step_is_taken_at_once(client, county, people):
    project = ProjectApplicationFactory(region=county.v11, creator=people.cadre)
    client.force_login(people.cadre)
    response = client.post(act_url(project), {"action": "submit_for_deliberation"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.state == "deliberation"


def test_opening_an_exit_is_confirmed_before_any_case_is_opened(client, county, people):
    home = family(county.v11, people.team, register_status="registered", identification_year=2019)
    client.force_login(people.cadre)
    chosen = {"action": "open_exit", "_selected_action": [home.pk], "index": "0"}
    households = reverse("admin:household_household_changelist")

    page = client.post(households, chosen)

    assert "请确认：拟退出" in page.content.decode() and home.head_name in page.content.decode()
    assert not ExitCase.objects.filter(household=home).exists()
    client.post(households, {**chosen, "confirmed": "1"})
    assert ExitCase.objects.get(household=home).state == "proposed"
