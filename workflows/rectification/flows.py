"""The rectification process on django-viewflow: a ``RectificationRound`` per opening of a problem.

open → fan out (one plan task per responsible unit) → each unit: plan → report → join → the lead
unit verifies → the office closes → end. Sent back by the lead unit or the office, the units
named report again (their plans kept): a second fan-out straight to ``report``, joined again.

viewflow's free ``Split`` creates one task per outgoing node, so the number of units could not
vary per problem; ``UnitSplit`` creates one task per item its data source gives. The process is
driven only by ``workflows.rectification.process``, which locks the problem, writes the trail and
assigns each task to the people of its unit; the nodes' views are never mounted.
"""

from django.db import connection
from django.shortcuts import get_object_or_404, redirect
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.lock import no_lock, select_for_update_lock
from viewflow.workflow.nodes.split import SplitActivation

from .models import RectificationRound

# Where the process keeps, between steps, the units it fans out to next.
UNITS_KEY = "units"
SEND_BACK_KEY = "send_back"


class UnitSplitActivation(SplitActivation):
    """A split that creates one task of its node for every item of the node's data source."""

    @Activation.status.super()
    def activate(self):
        for node, _case, data_source in self.flow_task._branches:
            self.next_tasks += [(node, item) for item in data_source(self)]
        if not self.next_tasks:
            raise FlowRuntimeError(f"No unit to fan out to at {self.flow_task.name}")


class UnitSplit(flow.Split):
    """Fan out to as many parallel tasks as the data source returns items (each the new task's
    ``data``)."""

    activation_class = UnitSplitActivation

    def Next(self, node, data_source=None):
        self._activate_next.append((node, None, data_source))
        return self


class ProcessLock:
    """viewflow's ``select_for_update_lock`` on PostgreSQL; elsewhere (SQLite) a transaction
    alone, since SQLite lets one writer at a time in and has no row locks to take. Either way the
    service has already locked the problem's row before it touches the process."""

    def __call__(self, flow_class, process_pk):
        lock = select_for_update_lock if connection.vendor == "postgresql" else no_lock
        return lock(flow_class, process_pk)


def task_page(request, process_pk, task_pk=None, **kwargs):
    """Where viewflow would show a task: the problem's page in the admin, where it is worked."""
    rectification = get_object_or_404(RectificationRound, pk=process_pk)
    return redirect("admin:rectification_problem_change", rectification.problem_id)


class RectificationFlow(flow.Flow):
    process_class = RectificationRound
    lock_impl = ProcessLock()

    start = flow.StartHandle(this.begin).Next(this.fan_out)
    fan_out = UnitSplit().Next(this.plan, data_source=this.units_to_plan)
    plan = flow.View(task_page).Next(this.report, task_data=this.same_unit)
    report = flow.View(task_page).Next(this.join)
    join = flow.Join().Next(this.verify)
    verify = flow.View(task_page).Next(this.verified)
    verified = flow.If(this.nothing_sent_back).Then(this.close).Else(this.send_back)
    close = flow.View(task_page).Next(this.closed)
    closed = flow.If(this.nothing_sent_back).Then(this.end).Else(this.send_back)
    send_back = UnitSplit().Next(this.report, data_source=this.units_sent_back)
    end = flow.End()

    def begin(self, activation, *, problem, number, recurring, units):
        process = activation.process
        process.problem = problem
        process.number = number
        process.recurring = recurring
        process.data = {UNITS_KEY: list(units), SEND_BACK_KEY: []}
        return process

    def units_to_plan(self, activation):
        return [{"unit": pk} for pk in activation.process.data[UNITS_KEY]]

    def units_sent_back(self, activation):
        return [{"unit": pk} for pk in activation.process.data[SEND_BACK_KEY]]

    def same_unit(self, activation):
        return {"unit": activation.task.data["unit"]}

    def nothing_sent_back(self, activation):
        return not activation.process.data[SEND_BACK_KEY]
