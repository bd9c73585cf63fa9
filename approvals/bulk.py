"""One action on many cases: ``perform_bulk``, in a few statements per batch instead of a step each.

For one action on many cases of one model the batch path reads every case under its row lock in
one statement (the actor's roles over each case's region answered by the same read, as a single
step's read does), checks roles and guards case by case in Python, moves those that pass in one
state-conditioned UPDATE, appends their audit entries in one multi-row INSERT (each chain's next
entry and sealed head computed as ``perform`` computes them), and opens the notices they enter in
one more. Each case is still all-or-nothing with its own reasons, a refusal on one never stops the
others, and the refusals go to the security log.

What the batch path does not take goes through ``perform`` one case at a time, because it needs
a step of its own: sign-offs (each confirmation depends on the confirmations before it), actions
with inputs (files are received and stored per case), effects (an effect may write related rows
or set fields of its own), the notice actions and any other step out of a notice state (closing
reads the notice's objections, resolving writes the objection, leaving closes the notice), the
timer's actions, an action the actor could never take (refused per case by ``perform``), and a
batch whose write fails (nothing of it stays, and the loop then finds the case that fails).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit, clock, listeners, notices, statements, typed_input
from .decisions import ensure_not_claimed_by_another
from .engine import (
    CHANGED_MEANWHILE,
    _authorise,
    _candidate_roles,
    _move,
    _not_available,
    _reasons,
    _sync_caller_copy,
    denial_event,
    perform,
    workflow_of,
)
from .exceptions import ConflictError, Refusal, TransitionNotAllowed
from .locking import ensure_unchanged
from .models import AuditEntry, Policy, SecurityEvent
from .spec import CLOSE_NOTICE, DISMISS_OBJECTION, UPHOLD_OBJECTION, ActionContext

logger = logging.getLogger(__name__)

# Cases per batch: one statement's parameters stay well within every database's limit.
BATCH_SIZE = 500
MOVED_FIELDS = [*audit.HEAD_FIELDS, "state", "state_since"]
NOTICE_ACTIONS = (CLOSE_NOTICE, UPHOLD_OBJECTION, DISMISS_OBJECTION)


@dataclasses.dataclass
class BulkResult:
    """What a bulk call did: the entries written, and each refused object with its reasons."""

    done: list[tuple[object, AuditEntry]] = dataclasses.field(default_factory=list)
    refused: list[tuple[object, list[str]]] = dataclasses.field(default_factory=list)

    def summary(self) -> str:
        return _("完成%(done)d件，未完成%(refused)d件") % {
            "done": len(self.done),
            "refused": len(self.refused),
        }


def _crashed() -> list[str]:
    """The reasons given for a case whose step crashed (the crash itself is logged)."""
    return [_("处理时发生系统错误，已记录，请联系管理员")]


def perform_bulk(objs: Iterable, action: str, user, comment: str = "", data: dict | None = None):
    """Take one action on many objects: each is checked and audited on its own, all-or-nothing
    per object, and a refusal (or a crash) on one does not stop the others. The result lists
    the objects in the order given."""
    objs = list(objs)
    outcome: dict[int, tuple[bool, object]] = {}  # position → (done?, entry or reasons)
    by_model: dict[type, list[int]] = {}
    for i, obj in enumerate(objs):
        by_model.setdefault(type(obj), []).append(i)
    for positions in by_model.values():
        for start in range(0, len(positions), BATCH_SIZE):
            chunk = positions[start : start + BATCH_SIZE]
            cases = [objs[i] for i in chunk]
            candidates = _batch_roles(type(cases[0]), action, user)
            done = None
            if candidates is not None:
                done = _batch(cases, action, user, candidates, comment, data)
            if done is None:
                done = [_one(case, action, user, comment, data) for case in cases]
            outcome.update(zip(chunk, done, strict=True))
    result = BulkResult()
    for i, obj in enumerate(objs):
        ok, what = outcome[i]
        (result.done if ok else result.refused).append((obj, what))
    return result


def _one(obj, action, user, comment, data) -> tuple[bool, object]:
    """One object through ``perform``, as the batch path's fallback."""
    try:
        return True, perform(obj, action, user, comment=comment, data=data)
    except Refusal as exc:
        return False, exc.reasons
    except Exception:
        logger.exception("Bulk %s failed on %r", action, obj)
        return False, _crashed()


def _batch_roles(model, action: str, user) -> list[str] | None:
    """The roles to look for when ``action`` on cases of ``model`` can go through the batch
    path; None when it cannot (see above)."""
    workflow = getattr(model, "workflow", None)
    if workflow is None or action in NOTICE_ACTIONS:
        return None
    named = [t for t in workflow.transitions if t.name == action]
    if not named or any(t.signoff or t.effects or t.inputs for t in named):
        return None
    if any(workflow.states[s].notice for t in named for s in t.source):
        return None  # leaving a notice closes it: one case at a time
    try:
        candidates, by_timer = _candidate_roles(workflow, action, user)
    except Refusal:
        return None
    return None if by_timer else candidates


@dataclasses.dataclass
class _Step:
    """One case's step in a batch, once it has passed its checks."""

    case: object
    fresh: object
    from_state: str
    entry: AuditEntry


def _batch(cases, action, user, candidates, comment, data) -> list[tuple[bool, object]] | None:
    """The batch path for cases of one model; None if its write failed (nothing was kept)."""
    workflow = workflow_of(cases[0])
    comment = typed_input.prose(comment or "", multiline=True)
    now = clock.now()
    outcome: dict[int, tuple[bool, object]] = {}
    denials = []
    try:
        with transaction.atomic():
            locked = statements.read_locked_batch(cases, user, candidates, timezone.localdate())
            _attach_policies(workflow, action, locked.values())
            steps = {}
            for i, case in enumerate(cases):
                try:
                    steps[i] = _check(case, locked, workflow, action, user, comment, data, now)
                except Refusal as exc:
                    outcome[i] = (False, exc.reasons)
                    denials.append((case, exc))
                except Exception:
                    logger.exception("Bulk %s failed on %r", action, case)
                    outcome[i] = (False, _crashed())
            moved = _write(list(steps.values()), workflow, now)
            for i, step in steps.items():
                if step.fresh.pk in moved:
                    outcome[i] = (True, step.entry)
                else:
                    exc = ConflictError(CHANGED_MEANWHILE)
                    outcome[i] = (False, exc.reasons)
                    denials.append((cases[i], exc))
    except Exception:
        logger.exception("Bulk %s: the batch write failed; taking the cases one by one", action)
        return None
    SecurityEvent.objects.bulk_create(
        denial_event(case, action, user, exc) for case, exc in denials
    )
    for i, step in steps.items():
        if outcome[i][0]:
            _sync_caller_copy(step.case, step.fresh, MOVED_FIELDS)
    return [outcome[i] for i in range(len(cases))]


def _attach_policies(workflow, action, locked):
    """Give the fresh copies their policies in one query when a notice they may enter needs one
    (its length can be a policy value)."""
    targets = {s for t in workflow.transitions if t.name == action for s in t.possible_targets()}
    if not any(workflow.states[s].notice for s in targets):
        return
    wanted = {fresh.policy_id for fresh, _held in locked if fresh.policy_id}
    wanted -= {fresh.policy_id for fresh, _held in locked if "policy" in fresh._state.fields_cache}
    policies = Policy.objects.in_bulk(wanted)
    for fresh, _held in locked:
        if fresh.policy_id in policies:
            fresh.policy = policies[fresh.policy_id]


def _check(case, locked, workflow, action, user, comment, data, now) -> _Step:
    """What ``perform`` decides for one case before it writes: raises its refusal, or returns
    the step with the moved copy and its audit entry (the chain's next, head sealed)."""
    if case.pk not in locked:
        raise type(case).DoesNotExist
    fresh, held = locked[case.pk]
    transition = workflow.transition(action, fresh.state)
    held = _authorise(case, transition, held, workflow, action)
    ensure_unchanged(case, fresh)
    ensure_not_claimed_by_another(fresh.claimed_by_id, user)
    if transition is None:
        raise _not_available(workflow, action, fresh.state)
    step_data = dict(data or {})
    ctx = ActionContext(user=user, role=held[0], comment=comment, data=step_data, now=now)
    reasons = _reasons(fresh, transition, ctx, check_input=True)
    if reasons:
        raise TransitionNotAllowed(reasons)
    from_state = fresh.state
    _move(fresh, workflow, transition)  # the django-fsm-2 transition, as in ``perform``
    if fresh.state != from_state:
        fresh.state_since = now
    entry = audit.prepare(
        fresh,
        action=transition.name,
        from_state=from_state,
        to_state=fresh.state,
        actor=user,
        actor_role=held[0],
        comment=comment,
        data=step_data,
        now=now,
    )
    return _Step(case, fresh, from_state, entry)


def _write(steps, workflow, now) -> set:
    """Move the checked cases in one UPDATE, append their entries in one INSERT, and close and
    open their notices; the pks moved (a case the UPDATE found moved has no entry written)."""
    if not steps:
        return set()
    moved = statements.move_batch([(s.fresh, s.from_state) for s in steps], MOVED_FIELDS)
    kept = [s for s in steps if s.fresh.pk in moved]
    if kept:
        statements.insert_batch([s.entry for s in kept])
        notices.open_entered([(s.fresh, s.fresh.state) for s in kept], workflow, now)
        listeners.announce((s.fresh, s.entry) for s in kept)
    return moved
