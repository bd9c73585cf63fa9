"""Units reporting at the same instant (PostgreSQL, real threads): the join fires exactly once —
one verification task, one 'joined' entry — and the problem's chain stays whole."""

import pytest
from viewflow.workflow.models import Task

from approvals import audit
from approvals.models import AuditEntry
from tests.helpers import race
from tests.rectification_setup import county_with_units, open_item
from workflows.rectification import process
from workflows.rectification.choices import Event, ProblemState, UnitTaskState
from workflows.rectification.models import Problem, UnitTask

pytestmark = pytest.mark.postgres

TRIALS = 20


@pytest.mark.parametrize("racers", [2, 4])
def test_units_reporting_at_once_fire_the_join_exactly_once(concurrent_db, racers):
    setup = county_with_units()
    units = [setup.health, setup.housing, setup.township, setup.education][:racers]
    for trial in range(TRIALS):
        problem = open_item(setup, trial + 1, units=units)
        tasks = [problem.unit_tasks.get(unit=unit) for unit in units]
        for task in tasks:
            process.submit_plan(task, actor=setup.person(task.unit), plan="方案")

        def report(i, tasks=tasks):
            task = UnitTask.objects.select_related("unit", "problem").get(pk=tasks[i].pk)
            return process.submit_report(
                task, actor=setup.person(task.unit), measures_taken="已整改", progress="完成"
            )

        results = race(report, racers)
        assert all(isinstance(r, UnitTask) for r in results), results
        problem = Problem.objects.get(pk=problem.pk)
        assert problem.state == ProblemState.VERIFYING
        entries = AuditEntry.objects.for_object(problem)
        assert entries.filter(action=Event.JOINED).count() == 1
        assert entries.filter(action=Event.REPORT_SUBMITTED).count() == racers
        # The join comes after every report in the chain.
        assert entries.order_by("seq").last().action == Event.JOINED
        verify_tasks = [
            t
            for t in Task.objects.filter(process__in=problem.rounds.all())
            if t.flow_task.name == "verify"
        ]
        assert len(verify_tasks) == 1
        assert set(problem.unit_tasks.values_list("state", flat=True)) == {UnitTaskState.REPORTED}
    assert not any(audit.verify([Problem]))


def test_a_unit_sent_back_and_another_reporting_at_once_join_once_more(concurrent_db):
    """After a send-back the resent unit's report and a claim on it race: the join still fires
    once, when the resent unit has reported."""
    setup = county_with_units()
    for trial in range(TRIALS):
        problem = open_item(setup, trial + 1, units=[setup.health, setup.housing])
        for task in problem.unit_tasks.all():
            process.submit_plan(task, actor=setup.person(task.unit), plan="方案")
            process.submit_report(
                task, actor=setup.person(task.unit), measures_taken="措施", progress=""
            )
        process.verify(
            problem,
            actor=setup.person(setup.health),
            send_back={setup.health: "不全", setup.housing: "不全"},
        )
        tasks = list(problem.unit_tasks.order_by("pk"))

        def report(i, tasks=tasks):
            task = UnitTask.objects.select_related("unit", "problem").get(pk=tasks[i].pk)
            return process.submit_report(
                task, actor=setup.person(task.unit), measures_taken="补充", progress=""
            )

        results = race(report, 2)
        assert all(isinstance(r, UnitTask) for r in results), results
        entries = AuditEntry.objects.for_object(problem)
        assert entries.filter(action=Event.JOINED).count() == 2
        assert Problem.objects.get(pk=problem.pk).state == ProblemState.VERIFYING
    assert not any(audit.verify([Problem]))
