"""The engine's public operations: perform an action, list what a user may do, build queues.

``perform`` is the only way a case's state changes. It checks the actor's role in the case's
region (enforced here, never advisory), locks the row, evaluates the guards, runs the django-fsm-2
transition, appends the audit entry and opens or closes notices — all in one transaction, so an
exception anywhere leaves nothing behind. Refused attempts are written to the security log.
"""

from __future__ import annotations

import dataclasses
import heapq
import operator
from collections.abc import Iterator

from django.db import transaction
from django.utils.translation import gettext_lazy
from django_fsm import InvalidResultState
from django_fsm import TransitionNotAllowed as MachineRefused

from roles.catalogue import READ_ONLY_ROLES
from roles.jurisdiction import jurisdiction_of, roles_held
from roles.names import name_of
from roles.standins import standing_in_for, stands_in

from . import audit, clock, evidence, listeners, notices, statements, transitions, typed_input
from .binding import POLICY_KEY
from .decisions import (
    claim_holder_id,
    claimed_reason,
    ensure_not_claimed_by_another,
    may_open,
    role_labels,
)
from .exceptions import ConflictError, PermissionDenied, Reason, Refusal, TransitionNotAllowed
from .locking import ensure_unchanged, lock_fresh
from .models import AuditEntry, SecurityEvent, WorkflowCase
from .procedures import model_for, workflow_models
from .spec import (
    CLOSE_NOTICE,
    CREATE,
    SYSTEM_ROLE,
    ActionContext,
    ActionKind,
    Input,
    Transition,
    Workflow,
)
from .system import is_system_user

CHANGED_MEANWHILE = Reason("changed_meanwhile", gettext_lazy("该记录已被他人处理，请刷新后重试"))


def acting_principal(user, on_behalf_of):
    """Whose roles a step is taken under: the actor's, or those of the absent person the actor
    stands in for today (``roles.standins``); refused when the actor does not stand in."""
    if on_behalf_of is None or on_behalf_of == user:
        return user
    if not stands_in(user, on_behalf_of):
        raise PermissionDenied(
            [
                Reason(
                    "not_standing_in",
                    gettext_lazy("您今天不是%(person)s的代办人，不能代其办理"),
                    person=name_of(on_behalf_of),
                )
            ]
        )
    return on_behalf_of


@dataclasses.dataclass(frozen=True)
class Action:
    """An action as a user sees it now: allowed, or not with the reasons why; what kind of
    action it is (``spec.ActionKind``) and the values a person enters with it."""

    name: str
    label: str
    allowed: bool
    reasons: list[str]
    comment_required: bool = False
    kind: str = ActionKind.STEP
    inputs: tuple[Input, ...] = ()

    @property
    def resolves_objection(self) -> bool:
        """Taken on one objection at a time, from that objection's row."""
        return self.kind == ActionKind.RESOLUTION


def workflow_of(obj) -> Workflow:
    workflow = getattr(type(obj), "workflow", None)
    if not isinstance(workflow, Workflow):
        raise TypeError(f"{type(obj).__name__} does not run a workflow")
    return workflow


def _acting_roles(transition: Transition) -> list[str]:
    return [r for r in transition.roles if r not in READ_ONLY_ROLES and r != SYSTEM_ROLE]


def _permission_reason(obj, transition: Transition) -> Reason:
    if transition.system_only:
        return Reason(
            "timer_only", gettext_lazy("“%(action)s”由系统自动执行"), action=transition.label
        )
    return Reason(
        "no_role",
        gettext_lazy("您在%(region)s没有“%(roles)s”角色，不能执行“%(action)s”"),
        region=obj.region.name,
        roles=role_labels(_acting_roles(transition)),
        action=transition.label,
    )


def _candidate_roles(workflow: Workflow, action: str, user) -> tuple[list, bool]:
    """The roles to look for in the actor's assignments, and whether the actor is the timer.

    Every role that may take ``action`` from any state is looked for, so that someone who could
    never take it is refused for want of a role before the object's state is looked at: they learn
    nothing about it.
    """
    named = [t for t in workflow.transitions if t.name == action]
    if not named:
        raise _not_available(workflow, action, None)
    if any(t.system_only for t in named) and is_system_user(user):
        return [], True
    if user is None or not user.is_authenticated or not user.is_active:
        raise PermissionDenied([_permission_reason_for(workflow, action)])
    return list(dict.fromkeys(r for t in named for r in _acting_roles(t))), False


def _permission_reason_for(workflow: Workflow, action: str) -> Reason:
    return Reason(
        "not_signed_in",
        gettext_lazy("您没有执行“%(action)s”的权限"),
        action=workflow.action_label(action),
    )


def _authorise(obj, transition: Transition | None, held: list[str], workflow, action) -> list:
    """The roles under which the actor may take ``transition``; raises if none."""
    if not held:
        if transition is None:
            named = next(t for t in workflow.transitions if t.name == action)
            raise PermissionDenied([_permission_reason(obj, named)])
        raise PermissionDenied([_permission_reason(obj, transition)])
    if transition is None:
        return held
    mine = [r for r in held if r in transition.roles]
    if not mine:
        raise PermissionDenied([_permission_reason(obj, transition)])
    return mine


def _as_logged(action) -> str:
    """The action name as the security log keeps it: whatever was sent, cleaned and cut to fit."""
    return typed_input.for_log(action, SecurityEvent._meta.get_field("action").max_length)


def _not_available(workflow: Workflow, action: str, state: str | None) -> TransitionNotAllowed:
    if state is None:
        return TransitionNotAllowed(
            [
                Reason(
                    "unknown_action",
                    gettext_lazy("没有“%(action)s”这项操作"),
                    action=_as_logged(action),
                )
            ]
        )
    return TransitionNotAllowed(
        [
            Reason(
                "wrong_state",
                gettext_lazy("当前状态“%(state)s”不能执行“%(action)s”"),
                state=workflow.state_label(state),
                action=workflow.action_label(action),
            )
        ]
    )


def _signoffs(case, transition: Transition) -> dict[str, int]:
    """Confirmations already given for a sign-off transition in the current state: role → user."""
    return dict(
        case.audit_entries.filter(
            action=transition.name,
            from_state=case.state,
            to_state=case.state,
            created_at__gte=case.state_since,
        ).values_list("actor_role", "actor_id")
    )


def _signoff_role(case, transition: Transition, user, held: list[str]) -> tuple[str, list[str]]:
    """The role ``user`` confirms as, and the roles still waiting after them."""
    signed = _signoffs(case, transition)
    if user.pk in signed.values():
        raise TransitionNotAllowed(
            [
                Reason(
                    "signed_already",
                    gettext_lazy("您已确认过，还需由%(roles)s确认"),
                    roles=role_labels(r for r in transition.roles if r not in signed),
                )
            ]
        )
    unsigned = [r for r in held if r not in signed]
    if not unsigned:
        raise TransitionNotAllowed(
            [Reason("signed_by_others", gettext_lazy("您所持角色已由他人确认"))]
        )
    role = unsigned[0]
    waiting = [r for r in transition.roles if r not in signed and r != role]
    return role, waiting


def _reasons(case, transition: Transition, ctx: ActionContext, *, check_input: bool) -> list:
    """Every reason (``Reason``) the transition is refused now; empty when it may go ahead."""
    reasons: list = []
    if check_input and transition.comment_required and not ctx.comment:
        reasons.append(
            Reason(
                "comment_required",
                gettext_lazy("“%(action)s”必须填写意见"),
                action=transition.label,
            )
        )
    if transition.name == CLOSE_NOTICE:
        reasons += notices.close_reasons(case, ctx.now)
    elif transition.kind == ActionKind.RESOLUTION:
        reasons += notices.resolution_reasons(case, ctx.data, require_choice=check_input)
    for guard in transition.guards:
        if check_input or not getattr(guard, "reads_inputs", False):
            reasons += guard(case, ctx)
    return [Reason.of(r) for r in reasons]


SECURITY_KINDS = {
    PermissionDenied: SecurityEvent.Kind.PERMISSION,
    TransitionNotAllowed: SecurityEvent.Kind.NOT_ALLOWED,
    ConflictError: SecurityEvent.Kind.CONFLICT,
}


def record_denial(obj, action: str, user, exc: Refusal) -> None:
    """Write a refused attempt on ``obj`` (a ``ChainedRecord``) to the security log, under the
    name its chain's entries carry: its reasons as the person read them, and as codes to be read
    in any language."""
    denial_event(obj, action, user, exc).save()


def denial_event(obj, action: str, user, exc: Refusal) -> SecurityEvent:
    """The security log's row for a refused attempt, unsaved."""
    kind = next(k for cls, k in SECURITY_KINDS.items() if isinstance(exc, cls))
    return SecurityEvent(
        user=user if getattr(user, "pk", None) else None,
        kind=kind,
        workflow=obj.chain_name(),
        action=_as_logged(action),
        record=obj,
        region_id=obj.region_id,
        reasons=exc.reasons,
        reason_records=[r.as_record() for r in exc.details],
    )


def _sync_caller_copy(obj, fresh, fields) -> None:
    """Give the caller's instance what the step saved (no extra query)."""
    for name in fields:
        attname = type(obj)._meta.get_field(name).attname
        obj.__dict__[attname] = fresh.__dict__[attname]


def _move(case, workflow: Workflow, transition: Transition) -> None:
    """Run the transition's django-fsm-2 method; should the machine ever refuse what the engine
    resolved, the refusal is the engine's, with its reason, and is logged like any other."""
    try:
        transitions.move(case, transition)
    except (MachineRefused, InvalidResultState) as exc:
        raise _not_available(workflow, transition.name, case.state) from exc


def perform(
    obj, action: str, user, comment: str = "", data: dict | None = None, *, on_behalf_of=None
) -> AuditEntry:
    """Take ``action`` on ``obj`` as ``user``; return the audit entry that records it.

    With ``on_behalf_of``, ``user`` acts as the stand-in of that absent person, under their roles
    and regions, and the entry records both. A case claimed by someone else is refused.

    Raises ``PermissionDenied``, ``TransitionNotAllowed`` (with ``.reasons``) or ``ConflictError``;
    when it raises, nothing has changed except a new row in the security log. An action name that
    is no action of the procedure (however long, whatever it holds) is refused like any other.
    """
    workflow = workflow_of(obj)
    comment = typed_input.prose(comment or "", multiline=True)
    data = dict(data or {})
    kept: list[str] = []  # files stored by this step, deleted if it does not happen
    try:
        principal = acting_principal(user, on_behalf_of)
        acting_for = principal if principal != user else None
        candidates, by_timer = _candidate_roles(workflow, action, principal)
        with transaction.atomic():
            entry, fresh, saved = _perform_locked(
                obj, workflow, action, (user, acting_for), candidates, by_timer, comment, data, kept
            )
    except BaseException as exc:
        evidence.discard(kept)
        if isinstance(exc, Refusal):
            record_denial(obj, action, user, exc)
        raise
    _sync_caller_copy(obj, fresh, saved)
    return entry


def _perform_locked(obj, workflow, action, people, candidates, by_timer, comment, data, kept):
    """Lock, check, move, audit: the body of ``perform``, inside its transaction. ``people`` is
    the actor and the absent person they act for (or None). Files entered with the action are
    looked at only once the actor may take it, and stored (their paths added to ``kept``) only
    once every check has passed."""
    user, acting_for = people
    now = clock.now()
    fresh, held = lock_fresh(obj, acting_for or user, candidates)
    transition = workflow.transition(action, fresh.state)
    held = _authorise(obj, transition, [SYSTEM_ROLE] if by_timer else held, workflow, action)
    ensure_unchanged(obj, fresh)
    if not by_timer:
        ensure_not_claimed_by_another(fresh.claimed_by_id, user, acting_for)
    if transition is None:
        raise _not_available(workflow, action, fresh.state)
    role, waiting = held[0], []
    if transition.signoff:
        role, waiting = _signoff_role(fresh, transition, user, held)
        data["signoff"] = {"role": role, "waiting_for": waiting}
    files, reasons = evidence.receive(transition.inputs, data)
    ctx = ActionContext(user=user, role=role, comment=comment, data=data, now=now)
    reasons += _reasons(fresh, transition, ctx, check_input=True)
    if reasons:
        raise TransitionNotAllowed(reasons)
    evidence.keep(files, data, kept)
    if transition.kind == ActionKind.RESOLUTION:
        data.update(notices.resolution_record(fresh, data))
    from_state = fresh.state
    changed = list(audit.HEAD_FIELDS)
    if not waiting:
        _move(fresh, workflow, transition)
        for effect in transition.effects:
            changed += effect(fresh, ctx) or []
    to_state = fresh.state
    if to_state != from_state:
        fresh.state_since = now
        changed += ["state", "state_since"]
    entry = audit.prepare(
        fresh,
        action=transition.name,
        from_state=from_state,
        to_state=to_state,
        actor=user,
        actor_role=role,
        comment=comment,
        data=data,
        now=now,
        on_behalf_of=acting_for,
    )
    # The state-conditioned UPDATE: it cannot overwrite a state it did not read.
    if not statements.move_and_record(fresh, from_state, changed, entry):
        raise ConflictError(CHANGED_MEANWHILE)
    notices.after_step(fresh, workflow, transition, from_state, to_state, ctx)
    listeners.announce([(fresh, entry)])
    return entry, fresh, changed


def create_case(model, user, *, region, comment: str = "", data: dict | None = None, **fields):
    """Create a case in its procedure's first state, as someone who may act on it there."""
    return open_case(model(region=region, **fields), user, comment=comment, data=data)


def open_case(case, user, comment: str = "", data: dict | None = None):
    """Save a new case (built by code or a form) in its first state, as someone who may act on
    it there. The opening is the first entry of the case's audit trail, and records the policy
    version the case is pinned to, so the pin cannot be moved outside the trail unnoticed."""
    workflow_of(case)  # a case of a procedure, or a TypeError
    decision = may_open(type(case), user, case.region).enforce()
    with transaction.atomic():
        case.save()
        entry = audit.append(
            case,
            action=CREATE,
            from_state="",
            to_state=case.state,
            actor=user,
            actor_role=decision.role,
            comment=(comment or "").strip(),
            data={**(data or {}), POLICY_KEY: case.policy.version if case.policy_id else None},
            now=case.state_since,
        )
        case.save(update_fields=audit.HEAD_FIELDS)
        listeners.announce([(case, entry)])
    return case


def available_actions(obj, user, *, on_behalf_of=None) -> list[Action]:
    """Every action out of the object's current state, each allowed or not with its reasons;
    with ``on_behalf_of``, as ``user`` would find them acting as that person's stand-in."""
    workflow = workflow_of(obj)
    transitions = workflow.transitions_from(obj.state)
    wanted = dict.fromkeys(r for t in transitions for r in _acting_roles(t))
    principal = on_behalf_of if on_behalf_of and stands_in(user, on_behalf_of) else user
    held = set(roles_held(principal, obj.region, wanted))
    holder = claim_holder_id(obj) if held else None
    claimed = holder is not None and holder not in {user.pk, principal.pk}
    now = clock.now()
    result = []
    for t in transitions:
        mine = [r for r in _acting_roles(t) if r in held]
        if t.system_only:
            reasons = [_permission_reason(obj, t)]
            reasons += _reasons(
                obj, t, ActionContext(user, SYSTEM_ROLE, now=now), check_input=False
            )
        elif not mine:
            reasons = [_permission_reason(obj, t)]
        else:
            reasons = [claimed_reason(holder)] if claimed else []
            if t.signoff:
                try:
                    _signoff_role(obj, t, user, mine)
                except TransitionNotAllowed as exc:
                    reasons += exc.details
            reasons += _reasons(obj, t, ActionContext(user, mine[0], now=now), check_input=False)
        shown = [str(r) for r in reasons]
        result.append(
            Action(t.name, str(t.label), not shown, shown, t.comment_required, t.kind, t.inputs)
        )
    return result


def queue_for(user, workflow=None, *, jurisdiction=None) -> Iterator[WorkflowCase]:
    """The cases awaiting an action ``user`` may take, in their jurisdiction, oldest first (by
    the time they entered their current state).

    An iterator either way: of one procedure's cases with a workflow (name, ``Workflow`` or
    model), of every procedure's merged without one. To count, filter or page one procedure's
    queue, use the queryset it is built on, ``Model.objects.queue(user)``: what awaits ``user``
    and, for the period of a stand-in, what awaits the absent person they stand in for.
    ``jurisdiction`` (``roles.jurisdiction.jurisdiction_of(user)``) saves the query when the
    caller has it already.
    """
    jurisdiction = jurisdiction_of(user) if jurisdiction is None else jurisdiction
    absent = standing_in_for(user)
    models = [model_for(workflow)] if workflow is not None else workflow_models().values()
    queues = [
        model._default_manager.queue(user, jurisdiction, absent)
        .select_related("region")
        .order_by("state_since", "pk")
        for model in models
    ]
    return heapq.merge(*queues, key=operator.attrgetter("state_since"))
