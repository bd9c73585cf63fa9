"""Rectification reaches the inbox as the procedures' steps do: a unit's new task, a unit sent
back with its reason, the lead unit and the office when the work comes to them, reminders and
overdue tasks (the level above told too), each only once the step has committed, and by email
as each person chose."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from approvals import calendar
from approvals.exceptions import TransitionNotAllowed
from notifications.models import Kind, Notification
from tests.rectification_setup import county_with_units, open_item
from tests.test_notifications import told
from tests.test_rectification import report_all, task_of
from workflows.rectification import process
from workflows.rectification.deadlines import run_deadlines

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _a_working_monday():
    """A day whose working-day calendar the holiday data covers, whatever today is."""
    with time_machine.travel(datetime.datetime(2025, 3, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))):
        yield


@pytest.fixture
def setup():
    setup = county_with_units()
    for people in setup.people.values():
        for person in people:
            person.email = f"{person.username}@example.cn"
            person.save()
    return setup


@pytest.fixture
def problem(setup, committed):
    with committed():
        return open_item(setup, units=[setup.education, setup.health])


def test_each_unit_is_told_of_its_new_plan_task(setup, problem):
    assert told() == [
        ("edu_clerk62", Kind.TASK),
        ("edu_head62", Kind.TASK),
        ("health62", Kind.TASK),
    ]
    note = Notification.objects.get(user=setup.person(setup.health))
    assert note.text == f"“{problem}”到了“制定方案”，等您办理"
    assert note.detail == "县卫健局"
    assert note.url == reverse("admin:rectification_problem_change", args=[problem.pk])
    # A new task waits for the day's digest, as the procedures' do.
    assert mail.outbox == []


def test_the_inbox_page_lists_the_task_and_counts_it(client, setup, problem):
    client.force_login(setup.person(setup.health))
    page = client.get(reverse("admin:inbox")).content.decode()
    assert "等您办理" in page and "制定方案" in page
    assert reverse("admin:rectification_problem_change", args=[problem.pk]) in page


def test_the_rest_of_the_unit_is_told_of_the_report_task_not_who_planned(setup, problem, committed):
    Notification.objects.all().delete()
    with committed():
        process.submit_plan(
            task_of(problem, setup.education), actor=setup.person(setup.education, 1), plan="方案"
        )
    note = Notification.objects.get()
    assert note.user == setup.person(setup.education)
    assert note.text == f"“{problem}”到了“报送整改情况”，等您办理"


def test_a_unit_sent_back_is_told_its_reason_at_once_by_email(setup, problem, committed):
    with committed():
        report_all(setup, problem)
    assert ("edu_clerk62", Kind.TASK) in told(state="verifying")
    Notification.objects.all().delete()
    with committed():
        process.verify(
            problem, actor=setup.person(setup.education), send_back={setup.health: "台账不全"}
        )
    assert told() == [("health62", Kind.RETURNED)]
    note = Notification.objects.get()
    assert note.detail == "台账不全"
    assert note.text == f"“{problem}”被退回到“报送整改情况”"
    assert [m.to for m in mail.outbox] == [["health62@example.cn"]]
    assert "台账不全" in mail.outbox[0].body


def test_the_office_is_told_when_the_lead_unit_accepts(setup, problem, committed):
    with committed():
        report_all(setup, problem)
        process.verify(problem, actor=setup.person(setup.education))
    assert told(state="closing") == [("office62", Kind.TASK)]


def test_overdue_tasks_reach_their_unit_and_the_level_above(setup, problem, committed):
    Notification.objects.all().delete()
    due = problem.unit_tasks.first().due_on
    with committed():
        run_deadlines(calendar.add_working_days(due, 1))
    overdue = told(Kind.OVERDUE)
    # Health is late: health and the lead unit's head; education is late: it and the office.
    assert overdue == [
        ("edu_clerk62", Kind.OVERDUE),
        ("edu_head62", Kind.OVERDUE),
        ("edu_head62", Kind.OVERDUE),
        ("health62", Kind.OVERDUE),
        ("office62", Kind.OVERDUE),
    ]
    head = Notification.objects.filter(user=setup.person(setup.education), detail="县卫健局")
    assert head.get().due_on == due


def test_reminders_reach_the_unit_before_the_due_date(setup, problem, committed):
    Notification.objects.all().delete()
    due = problem.unit_tasks.get(unit=setup.health).due_on
    with committed():
        run_deadlines(due)
    note = Notification.objects.get(user=setup.person(setup.health))
    assert note.kind == Kind.DUE_SOON and note.due_on == due
    assert f"须在 {due.isoformat()} 前办理" in note.text


def test_a_refused_step_tells_nobody(setup, problem, committed):
    Notification.objects.all().delete()
    with committed(), pytest.raises(TransitionNotAllowed):
        health = setup.person(setup.health)
        process.submit_plan(task_of(problem, setup.health), actor=health, plan="")
    assert not Notification.objects.exists()
