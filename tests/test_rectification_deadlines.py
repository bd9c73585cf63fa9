"""Deadlines of a unit's task: a reminder two working days before, an overdue mark after, the
lead unit's heads told and then the office — each once, on the problem's chain, run by the
project's hourly timer command."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command

from approvals import calendar
from approvals.exceptions import PermissionDenied
from approvals.models import AuditEntry
from tests.rectification_setup import county_with_units, open_item
from workflows.rectification import process
from workflows.rectification.choices import Event
from workflows.rectification.deadlines import run_deadlines

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    return county_with_units()


@pytest.fixture
def problem(setup):
    return open_item(setup, units=[setup.education, setup.health], deadline_working_days=20)


def working_days_before(day, count):
    """The date ``count`` working days before ``day``."""
    while count:
        day -= datetime.timedelta(days=1)
        count -= calendar.is_working_day(day)
    return day


def entries(problem, action):
    return list(AuditEntry.objects.for_object(problem).filter(action=action).order_by("seq"))


def test_units_are_reminded_once_two_working_days_before(problem):
    due = problem.unit_tasks.first().due_on
    soon = working_days_before(due, process.REMIND_WORKING_DAYS)
    assert run_deadlines(soon).reminded == 2
    assert run_deadlines(due).reminded == 0
    reminded = entries(problem, Event.REMINDED)
    assert len(reminded) == 2
    assert {e.actor_role for e in reminded} == {"system"}
    assert all(t.reminded_on == soon for t in problem.unit_tasks.all())


def test_no_reminder_while_the_due_date_is_far(problem):
    due = problem.unit_tasks.first().due_on
    far = working_days_before(due, process.REMIND_WORKING_DAYS + 1)
    assert run_deadlines(far).reminded == 0
    assert entries(problem, Event.REMINDED) == []


def test_an_overdue_task_is_marked_and_the_level_above_told_then_the_office(setup, problem):
    due = problem.unit_tasks.first().due_on
    late = calendar.add_working_days(due, 1)
    assert run_deadlines(late).overdue == 2
    health = problem.unit_tasks.get(unit=setup.health)
    assert health.overdue_since == late
    told = {e.data["unit"]: e for e in entries(problem, Event.OVERDUE)}
    # A unit's lateness goes to the lead unit's heads; the lead unit's own to the office.
    assert told[setup.health.pk].data["told"] == [setup.person(setup.education).username]
    assert told[setup.education.pk].data["told_unit"] == setup.office.pk
    assert run_deadlines(calendar.add_working_days(late, 1)).overdue == 0

    escalation = calendar.add_working_days(late, process.ESCALATE_WORKING_DAYS)
    assert run_deadlines(escalation).overdue == 2
    last = entries(problem, Event.OVERDUE)[-1]
    assert last.data["told_unit"] == setup.office.pk
    assert last.data["told"] == [setup.office_clerk.username]
    assert run_deadlines(calendar.add_working_days(escalation, 3)).overdue == 0
    assert process.awaiting(setup.person(setup.health)).unit_tasks.get().overdue_since == late


def test_a_reported_task_is_never_overdue(setup, problem):
    health = problem.unit_tasks.get(unit=setup.health)
    process.submit_plan(health, actor=setup.person(setup.health), plan="方案")
    process.submit_report(health, actor=setup.person(setup.health), measures_taken="x", progress="")
    late = calendar.add_working_days(health.due_on, 1)
    assert run_deadlines(late).overdue == 1  # the education bureau's only


def test_the_hourly_timer_command_runs_the_deadlines(problem):
    due = problem.unit_tasks.first().due_on
    out = io.StringIO()
    with time_machine.travel(datetime.datetime.combine(due, datetime.time(9), datetime.UTC)):
        call_command("close_due_notices", stdout=out)
    assert "rectification_deadlines: reminded 2, overdue 0" in out.getvalue()


def test_only_the_timers_account_reminds(setup, problem):
    with pytest.raises(PermissionDenied):
        process.remind(problem.unit_tasks.first(), actor=setup.office_clerk, today=None)
    assert entries(problem, Event.REMINDED) == []
