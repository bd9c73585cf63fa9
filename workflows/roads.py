"""Walking a case along its procedure's main road, for demo data and tests.

A road is a list of steps ``(action, who, data)``: ``who`` names an attribute of a ``people``
object (a tuple of names for a two-party sign-off), and ``close_notice`` steps are taken by the
timer once the notice has run. Under a backfill clock (``approvals.clock.at``) each step is dated
after the one before, so trails, waiting times and running notices look as they would in life.
"""

import datetime
import types

from approvals import clock, perform
from approvals.notices import running_notice
from approvals.spec import CLOSE_NOTICE
from approvals.system import system_user

STEP_GAP = datetime.timedelta(days=2)


def step(case, people, action, who, data=None, comment=""):
    """Take one step; a notice is closed by the timer, at the end of its period at the earliest."""
    if action == CLOSE_NOTICE:
        notice = running_notice(case)
        with clock.at(max(clock.now(), notice.ends_at + datetime.timedelta(minutes=1))):
            return perform(case, CLOSE_NOTICE, system_user())
    entry = None
    for name in (who,) if isinstance(who, str) else who:
        entry = perform(case, action, getattr(people, name), comment=comment, data=data)
    return entry


def road_to(workflow, road, until: str, policy, start: str):
    """The steps of ``road`` from ``start`` to ``until`` under ``policy``, each with its duration.

    Steps the policy does not have (a transition that does not leave the current state) are passed
    over, so one road serves every policy variant.
    """
    stand_in = types.SimpleNamespace(policy=policy)
    state, steps = start, []
    for action, who, data in road:
        if state == until:
            return steps
        transition = workflow.transition(action, state)
        if transition is None:
            continue
        if action == CLOSE_NOTICE:
            days = workflow.states[state].notice.length_in_days(stand_in)
            took = datetime.timedelta(days=days, hours=1)
        else:
            took = STEP_GAP
        steps.append((action, who, data, took))
        target = transition.target
        state = target(stand_in) if callable(target) else target
    if state != until:
        raise ValueError(f"{until} is not on the main road")
    return steps


def advance(case, people, road, until: str):
    """Move ``case`` along ``road`` until it reaches ``until``."""
    moment = clock.now()
    for action, who, data, took in road_to(case.workflow, road, until, case.policy, case.state):
        with clock.at(moment):
            step(case, people, action, who, data)
        moment = max(moment + took, clock.now())
    return case


def backdated(workflow, road, until: str, policy, side_step: bool) -> datetime.timedelta:
    """How far back a demo case must start for its history to end a day before now (its last
    step is dated that day less its own length, so a notice it opened is still running)."""
    took = sum((t for *_, t in road_to(workflow, road, until, policy, workflow.initial)),
               datetime.timedelta(days=1))  # fmt: skip
    return took + (STEP_GAP if side_step else datetime.timedelta())
