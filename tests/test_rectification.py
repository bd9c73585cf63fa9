"""A problem's rectification through the service: fanned out to its units on viewflow, planned,
reported, joined, verified, closed and re-opened, every event on the problem's own chain."""

import itertools

import pytest
from django.core.files.base import ContentFile
from viewflow.workflow.models import Task

from approvals.models import AuditEntry
from tests.rectification_setup import county_with_units, open_item
from tests.test_audit import verify as verify_chains
from tests.test_audit import with_policies
from workflows.rectification import process
from workflows.rectification.choices import Event, ProblemState, UnitTaskState
from workflows.rectification.models import Campaign, Problem

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 rectification ledger"


@pytest.fixture
def setup():
    return county_with_units()


def chains_verify():
    """verify_audit checks every problem's and campaign's chain (beside the policy versions')
    and finds none broken."""
    code, report = verify_chains()
    chains = Problem.objects.count() + Campaign.objects.count()
    return code == 0 and f"OK: {with_policies(chains)} cases" in report


def actions(problem):
    return list(AuditEntry.objects.for_object(problem).values_list("action", flat=True))


def task_of(problem, unit):
    return problem.unit_tasks.filter(unit=unit).latest("round__number")


def report_all(setup, problem):
    for unit in problem.units.all():
        task = task_of(problem, unit)
        who = setup.person(unit)
        if task.state == UnitTaskState.PLANNING:
            process.submit_plan(task, actor=who, plan="制定方案")
        process.submit_report(
            task,
            actor=who,
            measures_taken="已落实",
            progress="完成",
            files=[ContentFile(PDF, name="台账.pdf")],
        )


def test_opening_fans_out_one_task_per_unit_on_viewflow(setup):
    problem = open_item(setup, units=[setup.education, setup.health, setup.township])

    assert problem.state == ProblemState.RECTIFYING
    rectification = problem.rounds.get()
    assert rectification.number == 1 and not rectification.recurring
    tasks = problem.unit_tasks.order_by("unit__name")
    assert {t.unit for t in tasks} == {setup.education, setup.health, setup.township}
    assert all(t.state == UnitTaskState.PLANNING and t.task.flow_task.name == "plan" for t in tasks)
    assert all(t.due_on is not None for t in tasks)
    # A unit of one person has its task assigned at once; one of two waits to be claimed.
    assert task_of(problem, setup.health).task.owner == setup.person(setup.health)
    assert task_of(problem, setup.education).task.owner is None
    assert actions(problem)[:2] == [Event.OPENED, Event.FANNED_OUT]
    assert actions(problem).count(Event.ASSIGNED) == 2
    assert chains_verify()


def test_happy_path_to_closing(setup):
    problem = open_item(setup)
    report_all(setup, problem)
    problem.refresh_from_db()
    assert problem.state == ProblemState.VERIFYING
    assert actions(problem).count(Event.JOINED) == 1

    process.verify(problem, actor=setup.person(setup.education))
    assert problem.state == ProblemState.CLOSING
    assert set(problem.unit_tasks.values_list("state", flat=True)) == {UnitTaskState.ACCEPTED}

    process.close(
        problem,
        actor=setup.office_clerk,
        comment="整改到位，同意销号",
        files=[ContentFile(PDF, name="销号.pdf")],
    )
    assert problem.state == ProblemState.CLOSED
    assert problem.rounds.get().finished is not None
    assert problem.evidence.count() == 3
    closed = AuditEntry.objects.for_object(problem).last()
    assert closed.action == Event.CLOSED and closed.to_state == ProblemState.CLOSED
    assert closed.data["file1"] == problem.evidence.get(stage="closing").sha256
    assert chains_verify()


def test_lead_unit_sends_one_unit_back_after_the_others_finished(setup):
    problem = open_item(setup, units=[setup.education, setup.health, setup.housing])
    report_all(setup, problem)
    health = task_of(problem, setup.health)

    process.verify(problem, actor=setup.person(setup.education), send_back={health: "台账不全"})

    assert problem.state == ProblemState.RECTIFYING
    health.refresh_from_db()
    assert health.state == UnitTaskState.SENT_BACK and health.plan == "制定方案"
    assert health.task.flow_task.name == "report"
    sent = AuditEntry.objects.for_object(problem).get(action=Event.SENT_BACK)
    assert sent.comment == "台账不全" and sent.data["unit"] == setup.health.pk
    # Only the unit sent back reports again; the join then fires once more.
    process.submit_report(
        health, actor=setup.person(setup.health), measures_taken="补齐台账", progress="完成"
    )
    assert problem.__class__.objects.get(pk=problem.pk).state == ProblemState.VERIFYING
    assert actions(problem).count(Event.JOINED) == 2
    assert chains_verify()


def test_office_sends_back_then_closes_then_reopens_as_recurring(setup):
    problem = open_item(setup)
    report_all(setup, problem)
    process.verify(problem, actor=setup.person(setup.education))
    process.send_back_from_office(
        problem, actor=setup.office_clerk, send_back={setup.health: "佐证材料不足"}
    )
    assert problem.state == ProblemState.RECTIFYING
    process.submit_report(
        task_of(problem, setup.health),
        actor=setup.person(setup.health),
        measures_taken="补充材料",
        progress="完成",
    )
    process.verify(problem, actor=setup.person(setup.education))
    process.close(problem, actor=setup.office_clerk, comment="同意销号")
    assert problem.state == ProblemState.CLOSED

    second = process.reopen(problem, actor=setup.office_clerk, reason="回头看发现反弹")

    assert problem.state == ProblemState.RECTIFYING and problem.recurring
    assert problem.times_reopened == 1
    assert second.number == 2 and second.recurring
    assert second.unit_tasks.count() == 2
    assert set(second.unit_tasks.values_list("state", flat=True)) == {UnitTaskState.PLANNING}
    trail = actions(problem)
    assert trail[trail.index(Event.REOPENED) + 1] == Event.FANNED_OUT
    assert chains_verify()


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_the_join_waits_for_the_last_unit_whatever_the_order(setup, order):
    units = [setup.education, setup.health, setup.housing]
    problem = open_item(setup, units=units)
    tasks = [task_of(problem, unit) for unit in units]
    for task in tasks:
        process.submit_plan(task, actor=setup.person(task.unit), plan="方案")
    for done, i in enumerate(order, 1):
        process.submit_report(
            tasks[i], actor=setup.person(tasks[i].unit), measures_taken="措施", progress=""
        )
        problem.refresh_from_db()
        expected = ProblemState.VERIFYING if done == 3 else ProblemState.RECTIFYING
        assert problem.state == expected
        assert actions(problem).count(Event.JOINED) == (done == 3)
    verify_tasks = [
        t
        for t in Task.objects.filter(process__in=problem.rounds.all())
        if t.flow_task.name == "verify"
    ]
    assert len(verify_tasks) == 1


def test_a_unit_of_two_claims_releases_and_any_of_its_people_reports(setup):
    problem = open_item(setup)
    task = task_of(problem, setup.education)
    head, clerk = setup.person(setup.education), setup.person(setup.education, 1)

    process.claim(task, actor=clerk)
    assert task.task.owner == clerk
    assert process.awaiting(clerk).unit_tasks.get() == task
    process.release(task, actor=clerk)
    assert task.task.owner is None
    process.submit_plan(task, actor=head, plan="方案")

    assert [e for e in actions(problem) if e in (Event.CLAIMED, Event.RELEASED)] == [
        Event.CLAIMED,
        Event.RELEASED,
    ]
    assert task.task.owner is None  # the report task is new and waits to be claimed
    assert task.task.flow_task.name == "report"


def test_awaiting_lists_each_persons_work_and_nothing_else(setup):
    problem = open_item(setup)
    health, housing = setup.person(setup.health), setup.person(setup.housing)
    lead = setup.person(setup.education)
    assert list(process.awaiting(health).unit_tasks) == [task_of(problem, setup.health)]
    assert process.awaiting(housing).count == 0
    assert process.awaiting(setup.auditor).count == 0
    report_all(setup, problem)
    assert list(process.awaiting(lead).verifying) == [problem]
    assert process.awaiting(health).count == 0
    process.verify(problem, actor=lead)
    assert list(process.awaiting(setup.office_clerk).closing) == [problem]
    assert process.awaiting(lead).count == 0
