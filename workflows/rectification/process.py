"""The rectification service: the only way a problem, its rounds and its units' tasks change.

Pages, the importer and the timers call these functions. Each one locks the problem's row,
checks who acts (a person acting for the unit concerned, through a role assignment in force that
is not read-only) and where the problem stands, drives the round's viewflow tasks and writes
every event to the problem's audit chain — all in one transaction. A refusal raises a
``Refusal`` with its reasons, changes nothing and is written to the security log like the
engine's.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from approvals import audit, calendar, clock, evidence, listeners, typed_input
from approvals.engine import denial_event, record_denial
from approvals.exceptions import PermissionDenied, Reason, Refusal, TransitionNotAllowed
from approvals.models import SecurityEvent
from approvals.spec import SYSTEM_ROLE, Input
from approvals.system import is_system_user
from roles import units as unit_people
from roles.catalogue import READ_ONLY_ROLES
from roles.models import RoleAssignment, Unit

from .choices import Event, ProblemState, Tier, UnitTaskState
from .flows import SEND_BACK_KEY, RectificationFlow
from .models import Evidence, EvidenceStage, Problem, RectificationRound, UnitTask

# An immediate item (立行立改) without a deadline of its own is due this many working days on.
IMMEDIATE_WORKING_DAYS = 10
# A unit sent back, or a round re-opened, has this many working days to report again.
REWORK_WORKING_DAYS = 10

# A unit is reminded this many working days before its task is due.
REMIND_WORKING_DAYS = 2
# Still overdue this many working days after the lead unit's heads were told, the office is told.
ESCALATE_WORKING_DAYS = 5

# The problem's fields a step may change, saved with its chain's head.
PROBLEM_FIELDS = [*audit.HEAD_FIELDS, "state", "state_since", "recurring", "times_reopened"]
# A unit's task waits for the unit in these states.
OPEN_UNIT_STATES = (UnitTaskState.PLANNING, UnitTaskState.REPORTING, UnitTaskState.SENT_BACK)
# viewflow task statuses of a task nobody has finished.
OPEN_TASK = (STATUS.NEW, STATUS.ASSIGNED)

READ_ONLY = Reason("read_only", _("只读角色不能办理整改事项"))
CLOSED = Reason("closed", _("该问题已销号，不能再办理；如发现反弹请重新整改"))


def reason_required(unit) -> Reason:
    return Reason("reason_required", _("请填写退回“%(unit)s”的理由"), unit=unit.name)


def _not_of_unit(unit) -> Reason:
    return Reason("not_of_unit", _("您不是“%(unit)s”的人员，不能办理此事项"), unit=unit.name)


def _wrong_state(label) -> Reason:
    return Reason("wrong_state", _("当前为“%(state)s”，不能办理此事项"), state=label)


def _required(label) -> Reason:
    return Reason("required", _("请填写%(field)s"), field=label)


@dataclasses.dataclass
class _Step:
    """One call of the service: the locked problem, who acts in which role, and when."""

    problem: Problem
    actor: object
    role: str
    now: datetime.datetime
    kept: list = dataclasses.field(default_factory=list)
    entries: list = dataclasses.field(default_factory=list)

    def record(self, event: Event, *, to_state=None, from_state=None, comment="", **data):
        """Append ``event`` to the problem's chain; ``to_state`` moves the problem."""
        before = self.problem.state if from_state is None else from_state
        if to_state is not None and to_state != self.problem.state:
            self.problem.state = to_state
            self.problem.state_since = self.now
        entry = audit.append(
            self.problem,
            action=event.value,
            from_state=before,
            to_state=self.problem.state,
            actor=self.actor,
            actor_role=self.role,
            comment=comment,
            data=data,
            now=self.now,
        )
        self.entries.append(entry)
        return entry

    def announce(self) -> None:
        """Hand the entries recorded to the engine's step listeners (the inbox's task is queued
        in this transaction, the other listeners run once it commits)."""
        listeners.announce((self.problem, entry) for entry in self.entries)


def _role(actor, unit: Unit) -> str:
    """The role ``actor`` does ``unit``'s work in, or the refusal saying why they may not."""
    role = unit_people.acting_role(actor, unit)
    if role:
        return role
    if (
        getattr(actor, "pk", None)
        and RoleAssignment.objects.valid_on().filter(user=actor, role__in=READ_ONLY_ROLES).exists()
    ):
        raise PermissionDenied([READ_ONLY])
    raise PermissionDenied([_not_of_unit(unit)])


def _timer_role(actor) -> str:
    if not is_system_user(actor):
        raise PermissionDenied([Reason("not_timer", _("只有系统定时任务可以发送提醒和逾期通知"))])
    return SYSTEM_ROLE


def _act(problem: Problem, event: Event, actor, unit_of, body):
    """Run ``body(step)`` under ``problem``'s row lock, in one transaction, as someone acting
    for ``unit_of(problem)`` (``unit_of=None``: as the timers' account); save the problem's head
    and state after it. A refusal rolls everything back (kept files too) and is logged."""
    step = None
    try:
        with transaction.atomic():
            fresh = (
                Problem.objects.select_for_update().select_related("campaign").get(pk=problem.pk)
            )
            role = _timer_role(actor) if unit_of is None else _role(actor, unit_of(fresh))
            step = _Step(fresh, actor, role, clock.now())
            result = body(step)
            fresh.save(update_fields=PROBLEM_FIELDS)
            step.announce()
    except BaseException as exc:
        if step is not None:
            evidence.discard(step.kept)
        if isinstance(exc, Refusal):
            record_denial(problem, event.value, actor, exc)
        raise
    for name in PROBLEM_FIELDS:
        setattr(problem, name, getattr(fresh, name))
    return result


def _ensure_state(problem: Problem, *states) -> None:
    if problem.state == ProblemState.CLOSED and ProblemState.CLOSED not in states:
        raise TransitionNotAllowed([CLOSED])
    if problem.state not in states:
        raise TransitionNotAllowed([_wrong_state(problem.get_state_display())])


def _text(value, label, *, required=True) -> str:
    text = typed_input.prose(value or "", multiline=True)
    if required and not text:
        raise TransitionNotAllowed([_required(label)])
    return text


def current_round(problem: Problem) -> RectificationRound | None:
    return problem.rounds.order_by("-number").first()


def _open_task(rectification: RectificationRound, node_name: str) -> Task | None:
    return next(
        (
            task
            for task in Task.objects.filter(process=rectification, status__in=OPEN_TASK)
            if task.flow_task.name == node_name
        ),
        None,
    )


# --- driving viewflow -----------------------------------------------------------------------


def _complete(task: Task, rectification: RectificationRound, actor) -> None:
    """Finish a human task as ``actor`` and let viewflow create what follows it."""
    task.process = rectification
    if task.owner_id != actor.pk:
        task.owner = actor
        task.status = STATUS.ASSIGNED
        task.assigned = timezone.now()
    activation = task.flow_task.activation_class(task)
    with RectificationFlow.lock(rectification.pk):
        activation.start(None)
        activation.execute()


def _due_on(step: _Step, rectification: RectificationRound) -> datetime.date | None:
    """A unit's due date: the problem's deadline in its first round, or the working days it
    allows (ten for an immediate item); a re-opened round gives ``REWORK_WORKING_DAYS``."""
    today = timezone.localdate(step.now)
    problem = step.problem
    if rectification.number > 1:
        return calendar.add_working_days(today, REWORK_WORKING_DAYS)
    if problem.deadline:
        return problem.deadline
    days = problem.deadline_working_days
    if days is None and problem.tier == Tier.IMMEDIATE:
        days = IMMEDIATE_WORKING_DAYS
    return None if days is None else calendar.add_working_days(today, days)


def _assign_alone(step: _Step, task: Task, unit: Unit, **data) -> None:
    """A unit with exactly one person: the task is theirs from the start."""
    people = list(unit_people.members(unit)[:2])
    if len(people) != 1:
        return
    task.owner, task.status, task.assigned = people[0], STATUS.ASSIGNED, step.now
    task.save(update_fields=["owner", "status", "assigned"])
    step.record(
        Event.ASSIGNED, unit=unit.pk, unit_name=unit.name, assignee=people[0].username, **data
    )


def _adopt_new_tasks(step: _Step, rectification: RectificationRound) -> set[str]:
    """Link the tasks viewflow just created to their units and assign them; return the names of
    the nodes they belong to."""
    linked = UnitTask.objects.filter(round=rectification, task__isnull=False).values("task")
    created = Task.objects.filter(process=rectification, status=STATUS.NEW).exclude(pk__in=linked)
    by_unit = {ut.unit_id: ut for ut in rectification.unit_tasks.select_related("unit")}
    nodes = set()
    for task in created.order_by("pk"):
        name = task.flow_task.name
        nodes.add(name)
        if name in ("plan", "report"):
            unit_task = by_unit.get(task.data["unit"])
            if unit_task is None:
                unit_task = UnitTask.objects.create(
                    round=rectification,
                    problem=step.problem,
                    unit=Unit.objects.get(pk=task.data["unit"]),
                    due_on=_due_on(step, rectification),
                    task=task,
                )
            else:
                unit_task.task = task
                unit_task.save(update_fields=["task"])
            _assign_alone(step, task, unit_task.unit, node=name)
        elif name == "verify":
            _assign_alone(step, task, step.problem.lead_unit, node=name)
        elif name == "close":
            _assign_alone(step, task, step.problem.campaign.office, node=name)
    return nodes


def _start_round(step: _Step, recurring: bool) -> RectificationRound:
    """A new viewflow process for the problem, fanned out to its responsible units."""
    problem = step.problem
    number = (problem.rounds.aggregate(n=Max("number"))["n"] or 0) + 1
    units = list(problem.units.order_by("pk"))
    rectification = RectificationFlow.start.run(
        problem=problem, number=number, recurring=recurring, units=[u.pk for u in units]
    )
    step.record(
        Event.FANNED_OUT,
        round=number,
        units=[u.pk for u in units],
        unit_names=[u.name for u in units],
    )
    _adopt_new_tasks(step, rectification)
    return rectification


def _keep_files(step: _Step, files, unit_task: UnitTask | None, stage) -> dict:
    """Check and keep the uploaded ``files`` (SHA-256, type by content, size limit) as the
    project library's are; their description goes into the audit entry's data."""
    inputs = [Input(f"file{n}", _("印证材料"), "file") for n, _f in enumerate(files, 1)]
    data = {field.name: f for field, f in zip(inputs, files, strict=True)}
    received, reasons = evidence.receive(inputs, data)
    if reasons:
        raise TransitionNotAllowed(reasons)
    evidence.keep(received, data, step.kept)
    Evidence.objects.bulk_create(
        Evidence(
            problem=step.problem,
            unit_task=unit_task,
            stage=stage,
            sha256=kept["sha256"],
            name=kept["name"],
            size=kept["size"],
            content_type=kept["type"],
            path=kept["path"],
            uploaded_by=step.actor,
            uploaded_at=step.now,
        )
        for kept in evidence.files_in(data)
    )
    return data


def _locked_unit_task(unit_task: UnitTask, step: _Step) -> UnitTask:
    """The unit's task as it is now (read under the problem's lock)."""
    fresh = UnitTask.objects.select_related("round", "unit", "task").get(pk=unit_task.pk)
    if fresh.round.finished is not None or step.problem.state == ProblemState.CLOSED:
        raise TransitionNotAllowed([CLOSED])
    return fresh


def _unit_data(unit_task: UnitTask) -> dict:
    return {
        "unit": unit_task.unit_id,
        "unit_name": unit_task.unit.name,
        "round": unit_task.round.number,
    }


def _send_back(step: _Step, rectification, task, reasons: dict[UnitTask, str]) -> None:
    """Return the units of ``reasons`` to report again (their plans kept); the join waits for
    them."""
    for unit_task in reasons:
        unit_task.state = UnitTaskState.SENT_BACK
        unit_task.sent_back_reason = reasons[unit_task]
        unit_task.times_sent_back += 1
        unit_task.due_on = calendar.add_working_days(
            timezone.localdate(step.now), REWORK_WORKING_DAYS
        )
        unit_task.reminded_on = unit_task.overdue_since = unit_task.escalated_on = None
        unit_task.save()
        step.record(
            Event.SENT_BACK,
            to_state=ProblemState.RECTIFYING,
            comment=reasons[unit_task],
            **_unit_data(unit_task),
        )
    rectification.data[SEND_BACK_KEY] = [ut.unit_id for ut in reasons]
    rectification.save(update_fields=["data"])
    _complete(task, rectification, step.actor)
    _adopt_new_tasks(step, rectification)


def _reasons_by_unit_task(rectification, choices: dict) -> dict[UnitTask, str]:
    """``{unit_task_or_unit: reason}`` as this round's unit tasks; every reason written."""
    if not choices:
        raise TransitionNotAllowed([Reason("no_units", _("请选择要退回的责任单位"))])
    by_unit = {ut.unit_id: ut for ut in rectification.unit_tasks.select_related("unit")}
    chosen = {}
    for key, reason in choices.items():
        unit_id = key.unit_id if isinstance(key, UnitTask) else key.pk
        if unit_id not in by_unit:
            raise TransitionNotAllowed(
                [Reason("not_responsible", _("“%(unit)s”不是本问题的责任单位"), unit=str(key))]
            )
        text = typed_input.prose(reason or "", multiline=True)
        if not text:
            raise TransitionNotAllowed([reason_required(by_unit[unit_id].unit)])
        chosen[by_unit[unit_id]] = text
    return chosen


# --- the public operations ------------------------------------------------------------------


def _problem_reasons(problem: Problem, units, villages, households) -> list[Reason]:
    reasons = []
    if not units:
        reasons.append(Reason("no_units", _("请至少指定一个责任单位")))
    prefix = problem.campaign.county.prefix
    for unit in [problem.lead_unit, *units]:
        if unit is not None and not unit.region.code.startswith(prefix):
            reasons.append(Reason("unit_elsewhere", _("“%(unit)s”不属于本县"), unit=unit.name))
    for where in [*villages, *(household.region for household in households)]:
        if not where.code.startswith(prefix):
            reasons.append(Reason("place_elsewhere", _("“%(place)s”不在本县"), place=where.name))
    try:
        problem.full_clean(exclude=["audit_count", "audit_head", "audit_seal"])
    except ValidationError as exc:
        reasons += [
            Reason(error.code or "invalid", error.message, **(error.params or {}))
            for errors in exc.error_dict.values()
            for error in errors
        ]
    return reasons


def _draft(campaign, *, units, villages=(), households=(), **fields):
    """The problem ``open_problem`` would save, with its units, villages and households."""
    now = clock.now()
    fields["area"] = typed_input.prose(fields.get("area") or "")
    for name in ("description", "measures", "requirement"):
        fields[name] = typed_input.prose(fields.get(name) or "", multiline=True)
    problem = Problem(
        campaign=campaign,
        region=campaign.county,
        state=ProblemState.RECTIFYING,
        state_since=now,
        created_at=now,
        **fields,
    )
    return problem, list(dict.fromkeys(units)), list(villages), list(households)


def check_problem(campaign, *, actor, **fields) -> list[Reason]:
    """What would refuse ``open_problem(campaign, actor=actor, **fields)``, changing and logging
    nothing: an importer's dry run."""
    problem, units, villages, households = _draft(campaign, **fields)
    try:
        _role(actor, campaign.office)
    except Refusal as exc:
        return exc.details
    return _problem_reasons(problem, units, villages, households)


def open_problem(
    campaign,
    *,
    actor,
    area,
    number,
    description,
    lead_unit,
    units,
    tier,
    measures="",
    requirement="",
    deadline=None,
    deadline_working_days=None,
    villages=(),
    households=(),
) -> Problem:
    """Register a problem of ``campaign``'s list as its office, and fan it out to its units."""
    # The problem's fields as given (the parameters are the only locals at this point).
    given = {name: value for name, value in locals().items() if name not in ("campaign", "actor")}
    problem, units, villages, households = _draft(campaign, **given)
    try:
        role = _role(actor, campaign.office)
        reasons = _problem_reasons(problem, units, villages, households)
        if reasons:
            raise TransitionNotAllowed(reasons)
        with transaction.atomic():
            problem.save()
            problem.units.set(units)
            problem.villages.set(villages)
            problem.households.set(households)
            step = _Step(problem, actor, role, problem.state_since)
            step.record(
                Event.OPENED,
                from_state="",
                area=problem.area,
                number=problem.number,
                description=problem.description,
                measures=problem.measures,
                lead_unit=lead_unit.pk,
                tier=tier,
                deadline=deadline,
                deadline_working_days=deadline_working_days,
                villages=[v.pk for v in villages],
                households=[h.pk for h in households],
            )
            _start_round(step, recurring=False)
            problem.save(update_fields=PROBLEM_FIELDS)
            step.announce()
    except Refusal as exc:
        refused_opening(campaign, actor, exc).save()
        raise
    return problem


def refused_opening(campaign, actor, exc: Refusal) -> SecurityEvent:
    """The security log's row, unsaved, for a problem of ``campaign`` that ``actor`` was refused
    opening: in the campaign's county, about no record (the problem was never made). A caller
    whose transaction the refusal rolls back (the importer) writes it again after the rollback."""
    draft = Problem(campaign=campaign, region=campaign.county)
    event = denial_event(draft, Event.OPENED.value, actor, exc)
    event.record = None
    return event


def submit_plan(unit_task: UnitTask, *, actor, plan: str) -> UnitTask:
    """The unit's rectification plan (整改方案); it then reports its measures."""

    def body(step):
        fresh = _locked_unit_task(unit_task, step)
        if fresh.state != UnitTaskState.PLANNING:
            raise TransitionNotAllowed([_wrong_state(fresh.get_state_display())])
        fresh.plan = _text(plan, _("整改方案"))
        fresh.state = UnitTaskState.REPORTING
        fresh.save(update_fields=["plan", "state"])
        step.record(Event.PLAN_SUBMITTED, plan=fresh.plan, **_unit_data(fresh))
        _complete(fresh.task, fresh.round, actor)
        _adopt_new_tasks(step, fresh.round)
        return fresh

    return _unit_act(unit_task, Event.PLAN_SUBMITTED, actor, body)


def submit_report(
    unit_task: UnitTask, *, actor, measures_taken: str, progress: str, files=()
) -> UnitTask:
    """The unit's report of what it did, with its evidence (印证材料); the last unit to report
    brings the problem to the lead unit's verification."""

    def body(step):
        fresh = _locked_unit_task(unit_task, step)
        if fresh.state not in (UnitTaskState.REPORTING, UnitTaskState.SENT_BACK):
            raise TransitionNotAllowed([_wrong_state(fresh.get_state_display())])
        fresh.measures_taken = _text(measures_taken, _("整改措施落实情况"))
        fresh.progress = _text(progress, _("整改进展"), required=False)
        files_data = _keep_files(step, list(files), fresh, EvidenceStage.REPORT)
        fresh.state = UnitTaskState.REPORTED
        fresh.reported_at, fresh.reported_by = step.now, actor
        fresh.save()
        step.record(
            Event.REPORT_SUBMITTED,
            measures_taken=fresh.measures_taken,
            progress=fresh.progress,
            **_unit_data(fresh),
            **files_data,
        )
        _complete(fresh.task, fresh.round, actor)
        if "verify" in _adopt_new_tasks(step, fresh.round):
            step.record(Event.JOINED, to_state=ProblemState.VERIFYING, round=fresh.round.number)
        return fresh

    return _unit_act(unit_task, Event.REPORT_SUBMITTED, actor, body)


def verify(problem: Problem, *, actor, send_back: dict | None = None) -> None:
    """The lead unit's verification (核查): ``send_back=None`` accepts the units' reports;
    ``{unit_task_or_unit: reason}`` sends those units back to report again."""

    def body(step):
        _ensure_state(step.problem, ProblemState.VERIFYING)
        rectification = current_round(step.problem)
        task = _open_task(rectification, "verify")
        if send_back is not None:
            reasons = _reasons_by_unit_task(rectification, send_back)
            _send_back(step, rectification, task, reasons)
            return
        rectification.data[SEND_BACK_KEY] = []
        rectification.save(update_fields=["data"])
        rectification.unit_tasks.filter(state=UnitTaskState.REPORTED).update(
            state=UnitTaskState.ACCEPTED
        )
        step.record(Event.ACCEPTED, to_state=ProblemState.CLOSING, round=rectification.number)
        _complete(task, rectification, actor)
        _adopt_new_tasks(step, rectification)

    event = Event.ACCEPTED if send_back is None else Event.SENT_BACK
    _act(problem, event, actor, lambda p: p.lead_unit, body)


def close(problem: Problem, *, actor, comment: str, files=()) -> None:
    """The office's closing of the item (销号), with its evidence."""

    def body(step):
        _ensure_state(step.problem, ProblemState.CLOSING)
        rectification = current_round(step.problem)
        text = _text(comment, _("销号意见"))
        files_data = _keep_files(step, list(files), None, EvidenceStage.CLOSING)
        step.record(
            Event.CLOSED,
            to_state=ProblemState.CLOSED,
            comment=text,
            round=rectification.number,
            **files_data,
        )
        _complete(_open_task(rectification, "close"), rectification, actor)

    _act(problem, Event.CLOSED, actor, _office_of, body)


def send_back_from_office(problem: Problem, *, actor, send_back: dict) -> None:
    """The office sends the item back instead of closing it: ``{unit_task_or_unit: reason}``,
    each unit with its own reason."""

    def body(step):
        _ensure_state(step.problem, ProblemState.CLOSING)
        rectification = current_round(step.problem)
        reasons = _reasons_by_unit_task(rectification, send_back)
        _send_back(step, rectification, _open_task(rectification, "close"), reasons)

    _act(problem, Event.SENT_BACK, actor, _office_of, body)


def reopen(problem: Problem, *, actor, reason: str) -> RectificationRound:
    """A look-back (回头看) found the problem back: a new round, flagged recurring, which counts
    against its units."""

    def body(step):
        _ensure_state(step.problem, ProblemState.CLOSED)
        text = typed_input.prose(reason or "", multiline=True)
        if not text:
            raise TransitionNotAllowed([Reason("reason_required", _("请填写重新整改的理由"))])
        step.problem.recurring = True
        step.problem.times_reopened += 1
        step.record(
            Event.REOPENED,
            to_state=ProblemState.RECTIFYING,
            comment=text,
            times_reopened=step.problem.times_reopened,
        )
        return _start_round(step, recurring=True)

    return _act(problem, Event.REOPENED, actor, _office_of, body)


def claim(unit_task: UnitTask, *, actor) -> UnitTask:
    """Take the unit's open task as one's own (any person acting for the unit may)."""

    def body(step):
        fresh = _locked_unit_task(unit_task, step)
        task = fresh.task
        if fresh.state not in OPEN_UNIT_STATES or task is None:
            raise TransitionNotAllowed([_wrong_state(fresh.get_state_display())])
        if task.owner_id is not None:
            raise TransitionNotAllowed(
                [Reason("claimed", _("该任务已由%(owner)s认领"), owner=task.owner.username)]
            )
        task.owner, task.status, task.assigned = actor, STATUS.ASSIGNED, step.now
        task.save(update_fields=["owner", "status", "assigned"])
        step.record(Event.CLAIMED, assignee=actor.username, **_unit_data(fresh))
        return fresh

    return _unit_act(unit_task, Event.CLAIMED, actor, body)


def release(unit_task: UnitTask, *, actor) -> UnitTask:
    """Give back a task one has claimed, for another person of the unit."""

    def body(step):
        fresh = _locked_unit_task(unit_task, step)
        task = fresh.task
        if task is None or task.owner_id != actor.pk or task.status not in OPEN_TASK:
            raise TransitionNotAllowed([Reason("not_yours", _("只能放弃本人认领的任务"))])
        task.owner, task.status, task.assigned = None, STATUS.NEW, None
        task.save(update_fields=["owner", "status", "assigned"])
        step.record(Event.RELEASED, **_unit_data(fresh))
        return fresh

    return _unit_act(unit_task, Event.RELEASED, actor, body)


def _office_of(problem: Problem) -> Unit:
    return problem.campaign.office


def remind(unit_task: UnitTask, *, actor, today: datetime.date) -> bool:
    """The timer reminds the unit its task is due within ``REMIND_WORKING_DAYS`` (once per due
    date); False if there was nothing to remind of."""

    def body(step):
        fresh = _locked_unit_task(unit_task, step)
        if fresh.state not in OPEN_UNIT_STATES or fresh.reminded_on or not fresh.due_on:
            return False
        fresh.reminded_on = today
        fresh.save(update_fields=["reminded_on"])
        told = list(unit_people.members(fresh.unit).values_list("username", flat=True))
        step.record(Event.REMINDED, due_on=fresh.due_on, told=told, **_unit_data(fresh))
        return True

    return _act(unit_task.problem, Event.REMINDED, actor, None, body)


def _level_above(problem: Problem, unit: Unit, escalate: bool) -> tuple[Unit, list[str]]:
    """Who is told of a late unit: the lead unit's heads, or the office (when escalating, when
    the late unit is the lead unit itself, or when the lead unit has no head)."""
    if not escalate and unit != problem.lead_unit:
        heads = list(unit_people.heads(problem.lead_unit).values_list("username", flat=True))
        if heads:
            return problem.lead_unit, heads
    office = problem.campaign.office
    return office, list(unit_people.members(office).values_list("username", flat=True))


def mark_overdue(unit_task: UnitTask, *, actor, today: datetime.date) -> bool:
    """The timer marks a task past its due date and tells the level above; still overdue
    ``ESCALATE_WORKING_DAYS`` later, it tells the office. False if there was nothing to do."""

    def body(step):
        fresh = _locked_unit_task(unit_task, step)
        if fresh.state not in OPEN_UNIT_STATES or not fresh.due_on or fresh.due_on >= today:
            return False
        if fresh.overdue_since is None:
            fresh.overdue_since, escalate = today, False
        elif fresh.escalated_on is None and (
            calendar.working_days_between(fresh.overdue_since, today) >= ESCALATE_WORKING_DAYS
        ):
            fresh.escalated_on, escalate = today, True
        else:
            return False
        fresh.save(update_fields=["overdue_since", "escalated_on"])
        told_unit, told = _level_above(step.problem, fresh.unit, escalate)
        step.record(
            Event.OVERDUE,
            due_on=fresh.due_on,
            told_unit=told_unit.pk,
            told_unit_name=told_unit.name,
            told=told,
            **_unit_data(fresh),
        )
        return True

    return _act(unit_task.problem, Event.OVERDUE, actor, None, body)


def _unit_act(unit_task: UnitTask, event: Event, actor, body) -> UnitTask:
    """``_act`` for a step on one unit's task, as a person acting for that unit; the caller's
    copy of the task gets what the step saved."""
    fresh = _act(unit_task.problem, event, actor, lambda problem: unit_task.unit, body)
    unit_task.refresh_from_db()
    return fresh


@dataclasses.dataclass(frozen=True)
class Available:
    """One step out of where a problem stands now, for one person: allowed (no reasons), or
    not with the reasons the service would refuse it with, as the engine's available actions."""

    name: str  # the step: claim, release, plan, report, verify, close, office_send_back, reopen
    unit_task: UnitTask | None = None  # the unit's task, for a unit's step
    reasons: tuple = ()

    @property
    def allowed(self) -> bool:
        return not self.reasons


def _refusals_for(user, acting: set[int]) -> Callable[[Unit], tuple]:
    """Why ``user`` may not do a unit's work: none if they act for it, else read-only or not
    of the unit (what ``_role`` raises), asked without a query per unit."""
    read_only = None

    def refusals(unit: Unit) -> tuple:
        nonlocal read_only
        if unit.pk in acting:
            return ()
        if read_only is None:
            read_only = bool(
                getattr(user, "pk", None)
                and RoleAssignment.objects.valid_on()
                .filter(user=user, role__in=READ_ONLY_ROLES)
                .exists()
            )
        return (READ_ONLY,) if read_only else (_not_of_unit(unit),)

    return refusals


def _unit_steps(unit_task: UnitTask, user, refused: tuple) -> list[Available]:
    """A unit's open task: claiming or giving it back, and its plan or report."""
    owner = unit_task.task.owner if unit_task.task else None
    steps = []
    if owner is None:
        steps.append(Available("claim", unit_task, refused))
    elif owner.pk == user.pk:
        steps.append(Available("release", unit_task))
    else:
        claimed = Reason("claimed", _("该任务已由%(owner)s认领"), owner=owner.username)
        steps.append(Available("claim", unit_task, refused or (claimed,)))
    step = "plan" if unit_task.state == UnitTaskState.PLANNING else "report"
    steps.append(Available(step, unit_task, refused))
    return steps


def available(problem: Problem, user, unit_tasks=None) -> list[Available]:
    """Every step out of where ``problem`` stands now, each allowed for ``user`` or not with its
    reasons; ``unit_tasks`` are the current round's (with their unit and task owner) if the
    caller has them. Changes nothing: the step itself checks all of it again under the lock."""
    if unit_tasks is None:
        rectification = current_round(problem)
        unit_tasks = (
            list(rectification.unit_tasks.select_related("unit", "task__owner"))
            if rectification
            else []
        )
    acting = set(unit_people.acting_assignments(user).values_list("unit", flat=True))
    refused = _refusals_for(user, acting)
    steps = []
    for unit_task in unit_tasks:
        if unit_task.state in OPEN_UNIT_STATES and unit_task.task_id is not None:
            steps += _unit_steps(unit_task, user, refused(unit_task.unit))
    office = problem.campaign.office
    if problem.state == ProblemState.VERIFYING:
        steps.append(Available("verify", None, refused(problem.lead_unit)))
    elif problem.state == ProblemState.CLOSING:
        steps += [
            Available("close", None, refused(office)),
            Available("office_send_back", None, refused(office)),
        ]
    elif problem.state == ProblemState.CLOSED:
        steps.append(Available("reopen", None, refused(office)))
    return steps


@dataclasses.dataclass
class Awaiting:
    """What waits for one person: their units' open tasks, the problems their unit verifies,
    the problems their office closes. Querysets, to list and count."""

    unit_tasks: QuerySet
    verifying: QuerySet
    closing: QuerySet

    @property
    def count(self) -> int:
        return self.unit_tasks.count() + self.verifying.count() + self.closing.count()


def awaiting(user, day: datetime.date | None = None) -> Awaiting:
    """What waits for ``user`` now, scoped in the database by their role assignments in force."""
    acting_units = unit_people.acting_assignments(user, day).values("unit")
    return Awaiting(
        unit_tasks=UnitTask.objects.filter(
            unit__in=acting_units, state__in=OPEN_UNIT_STATES, round__finished__isnull=True
        ).select_related("problem", "unit", "round"),
        verifying=Problem.objects.filter(state=ProblemState.VERIFYING, lead_unit__in=acting_units),
        closing=Problem.objects.filter(
            state=ProblemState.CLOSING, campaign__office__in=acting_units
        ),
    )
