"""The declarative description of a procedure: its states, its transitions and who may take them.

A procedure is a ``Workflow`` object that a model names as its ``workflow`` attribute; the engine
turns each transition into a django-fsm-2 transition method on that model and enforces roles,
guards, notices and sign-offs itself (django-fsm-2's ``permission=`` is advisory, so it is unused).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

SYSTEM_ROLE = "system"
# Who files an objection to a notice: anyone, signed in or not.
PUBLIC_ROLE = "public"
PUBLIC_ROLE_LABEL = _("公众")

# The engine's own actions, besides those a procedure declares; each is written to trails.
CREATE = "create"
EDIT = "edit"
START_CHAIN = "start_chain"
IMPORT = "import"
FILE_OBJECTION = "file_objection"
# The actions the engine adds to every state with a notice (see ``Notice``).
CLOSE_NOTICE = "close_notice"
UPHOLD_OBJECTION = "uphold_objection"
DISMISS_OBJECTION = "dismiss_objection"
# Who handles a case at its level (approvals.claims): entries on its chain that move no state.
CLAIM, ASSIGN, RELEASE = "claim", "assign", "release"

ENGINE_ACTION_LABELS = {
    CREATE: _("新建"),
    EDIT: _("修改记录"),
    START_CHAIN: _("建立审计链条（已有数据）"),
    IMPORT: _("从台账导入"),
    FILE_OBJECTION: _("提出异议"),
    CLAIM: _("认领"),
    ASSIGN: _("指派"),
    RELEASE: _("放回"),
}
CLOSE_NOTICE_LABEL = _("公示期满")
UPHOLD_OBJECTION_LABEL = _("异议成立")
DISMISS_OBJECTION_LABEL = _("异议不成立")


class ActionKind(models.TextChoices):
    """What taking an action is, so pages show it without knowing action names: a step, one
    confirmation of a sign-off, the resolution of one objection, or the timer's."""

    STEP = "step", _("环节办理")
    SIGNOFF = "signoff", _("会签")
    RESOLUTION = "resolution", _("异议处理")
    TIMER = "timer", _("系统自动")


@dataclasses.dataclass(frozen=True)
class ActionContext:
    """What a guard may look at besides the object: who acts, as what, and what they typed."""

    user: Any
    role: str | None
    comment: str = ""
    data: dict = dataclasses.field(default_factory=dict)
    now: datetime.datetime | None = None


# A guard looks at the (locked, fresh) object and returns the reasons it refuses; none means pass.
Guard = Callable[[Any, ActionContext], Iterable[str]]


def reads_inputs(guard: Guard) -> Guard:
    """Mark a guard that judges what the person enters with the action (a meeting's figures, a
    signed form): it runs when the action is taken, not when the page lists what may be done."""
    guard.reads_inputs = True
    return guard


# An effect runs after the state has moved, in the same transaction: it may set fields on the case
# (returning their names, so they are saved with the state) or write related rows.
Effect = Callable[[Any, ActionContext], Iterable[str] | None]


@dataclasses.dataclass(frozen=True)
class Notice:
    """A public notice period (公示) that runs while a case is in a state.

    ``days`` is a whole number or the name of a policy value (``default_days`` when the policy has
    none). The engine adds three actions to the state: ``close_notice`` (the system, once the period
    has run out with no unresolved objection) to ``close_to``; ``uphold_objection`` (the resolving
    level) back to ``upheld_to``; ``dismiss_objection`` (the resolving level), which resumes the
    period for the time it had left.
    """

    close_to: str | Callable[[Any], str]
    resolver_roles: tuple[str, ...]
    upheld_to: str
    days: int | str = 7
    default_days: int = 7
    close_targets: tuple[str, ...] = ()
    close_effects: tuple[Effect, ...] = ()

    def __post_init__(self):
        _refuse_text_for_tuples(self, "resolver_roles", "close_targets", "close_effects")

    def length_in_days(self, case) -> int:
        if isinstance(self.days, int):
            return self.days
        policy = getattr(case, "policy", None)
        return int(policy.value(self.days, self.default_days) if policy else self.default_days)


@dataclasses.dataclass(frozen=True)
class Input:
    """A value a person enters with an action; it arrives in ``ctx.data`` and the audit entry.

    ``kind`` is ``text``, ``textarea``, ``int``, ``date``, ``checkbox``, ``select`` (from
    ``choices``) or ``file``: a file is kept as evidence under its SHA-256, which is what the data
    carries (with ``<name>_name``, ``<name>_size`` and ``<name>_path`` beside it).
    """

    name: str
    label: str
    kind: str = "text"
    choices: tuple = ()


@dataclasses.dataclass(frozen=True)
class Fixed:
    """Figures a level has approved: in the states that carry it, nobody edits them in place.

    ``fields`` are the record's own fields, ``related`` the accessors of related rows (e.g. the
    performance targets); ``reason`` (with ``%(fields)s``) tells the person which path changes
    them instead, the one that goes back to the approving level. The engine's edit operation
    refuses such a change and the admin shows these fields read-only.
    """

    fields: tuple[str, ...]
    related: tuple[str, ...] = ()
    reason: str = _("%(fields)s已经审批，不能直接修改")

    def __post_init__(self):
        _refuse_text_for_tuples(self, "fields", "related")

    def holds(self, accessor: str, row) -> bool:
        """Whether a related row (as it was, or as an edit would leave it) is fixed: here every
        row of the kinds named; a subclass may fix some rows of a kind only."""
        return accessor in self.related


@dataclasses.dataclass(frozen=True)
class State:
    name: str
    label: str
    notice: Notice | None = None
    # How many working days a case may wait here before its queue row is overdue.
    due_working_days: int | None = None
    # Approved figures that cannot be edited in this state.
    fixed: Fixed | None = None


# The fields of a transition that hold several names or parts: a tuple, never one string (whose
# letters would otherwise be taken for the names).
TUPLE_FIELDS = ("source", "roles", "guards", "effects", "targets", "inputs")


def _refuse_text_for_tuples(spec, *names: str) -> None:
    for name in names:
        if isinstance(getattr(spec, name), str):
            raise ImproperlyConfigured(
                f"{type(spec).__name__} {getattr(spec, 'name', '')}: {name} must be a tuple, "
                f"not the string {getattr(spec, name)!r}"
            )


@dataclasses.dataclass(frozen=True)
class Transition:
    """One way out of one or more states.

    ``target`` is a state name or a function of the case choosing among ``targets`` (a policy
    branch); ``target=None`` records an action that leaves the state as it is. With
    ``signoff=True`` every role in ``roles`` must confirm, each by a different person, before the
    case moves; earlier confirmations are audit entries that leave the state as it is.
    ``resolves_objection`` marks the engine's own objection resolutions (see ``Notice``); ``kind``
    says what the action is, so that pages need not know action names. ``confirm=True`` marks a
    decision people must confirm on a page of its own before it is taken (an approval that
    publishes names or commits money); a step that ends the case is always confirmed
    (``Workflow.needs_confirmation``).
    """

    name: str
    label: str
    source: tuple[str, ...]
    target: str | Callable[[Any], str] | None
    roles: tuple[str, ...]
    guards: tuple[Guard, ...] = ()
    effects: tuple[Effect, ...] = ()
    comment_required: bool = False
    signoff: bool = False
    targets: tuple[str, ...] = ()
    inputs: tuple[Input, ...] = ()
    resolves_objection: bool = False
    confirm: bool = False

    def __post_init__(self):
        _refuse_text_for_tuples(self, *TUPLE_FIELDS)

    @property
    def system_only(self) -> bool:
        return self.roles == (SYSTEM_ROLE,)

    @property
    def kind(self) -> str:
        if self.system_only:
            return ActionKind.TIMER
        if self.resolves_objection:
            return ActionKind.RESOLUTION
        return ActionKind.SIGNOFF if self.signoff else ActionKind.STEP

    def possible_targets(self) -> tuple[str, ...]:
        if callable(self.target):
            return self.targets
        return (self.target,) if self.target else ()


class Workflow:
    """A procedure: a name, its states (the first is where a case starts) and its transitions."""

    def __init__(self, name: str, label: str, states: list[State], transitions: list[Transition]):
        self.name = name
        self.label = label
        self.states = {s.name: s for s in states}
        self.initial = states[0].name
        self.transitions = list(transitions) + [
            t for s in states if s.notice for t in _notice_transitions(s)
        ]
        self._by_name_and_source = {}
        for t in self.transitions:
            for source in t.source:
                key = (t.name, source)
                if key in self._by_name_and_source:
                    raise ImproperlyConfigured(f"{name}: two transitions {t.name} from {source}")
                self._by_name_and_source[key] = t
        self._check()

    def _check(self):
        for t in self.transitions:
            for state in (*t.source, *t.possible_targets()):
                if state not in self.states:
                    raise ImproperlyConfigured(f"{self.name}.{t.name}: unknown state {state!r}")
            if callable(t.target) and not t.targets:
                raise ImproperlyConfigured(f"{self.name}.{t.name}: a chosen target needs targets=")
            if not t.roles:
                raise ImproperlyConfigured(f"{self.name}.{t.name}: no role may take it")

    def __repr__(self):
        return f"<Workflow {self.name}>"

    def state_label(self, state: str) -> str:
        return self.states[state].label if state in self.states else state

    def transition(self, name: str, source: str) -> Transition | None:
        return self._by_name_and_source.get((name, source))

    def transitions_from(self, source: str) -> list[Transition]:
        return [t for t in self.transitions if source in t.source]

    def action_label(self, name: str, source: str | None = None) -> str:
        """The label of action ``name`` (from ``source``, when known), the engine's own actions
        included."""
        if source is not None and (transition := self.transition(name, source)) is not None:
            return transition.label
        named = (t.label for t in self.transitions if t.name == name)
        return next(named, ENGINE_ACTION_LABELS.get(name, name))

    def ends_case(self, transition: Transition) -> bool:
        """Whether ``transition`` leaves the case where nothing more can be done to it (refused,
        withdrawn, removed): there is no way back."""
        targets = transition.possible_targets()
        return bool(targets) and not any(self.transitions_from(t) for t in targets)

    def needs_confirmation(self, transition: Transition) -> bool:
        """Whether people confirm ``transition`` on a page of its own before it is taken."""
        return transition.kind in (ActionKind.STEP, ActionKind.SIGNOFF) and (
            transition.confirm or self.ends_case(transition)
        )

    def closed_states(self) -> tuple[str, ...]:
        """States no step leaves: a case there has ended."""
        return tuple(s for s in self.states if not self.transitions_from(s))

    def creators(self) -> tuple[str, ...]:
        """Roles that may open a case: those with a step to take in its first state, in order."""
        roles = (r for t in self.transitions_from(self.initial) for r in t.roles)
        return tuple(dict.fromkeys(r for r in roles if r != SYSTEM_ROLE))

    def editors(self, state: str) -> tuple[str, ...]:
        """Roles that may correct a case's record in ``state``: those with a step of their own to
        take there (resolving objections and the timer's close do not count), in order."""
        roles = (
            r
            for t in self.transitions_from(state)
            if t.kind != ActionKind.RESOLUTION
            for r in t.roles
        )
        return tuple(dict.fromkeys(r for r in roles if r != SYSTEM_ROLE))

    def states_awaiting(self, role: str) -> tuple[set[str], set[str]]:
        """States where ``role`` has a step to take, and notice states where it resolves objections.

        A case in the second kind waits for that role only while an objection is open.
        """
        mine = [t for t in self.transitions if role in t.roles]
        steps = {s for t in mine if t.kind != ActionKind.RESOLUTION for s in t.source}
        objections = {s for t in mine if t.kind == ActionKind.RESOLUTION for s in t.source}
        return steps, objections - steps

    def state_field(self, **kwargs):
        """The protected django-fsm-2 field a case model declares as ``state``."""
        return FSMField(
            _("状态"),
            default=self.initial,
            choices=[(s.name, s.label) for s in self.states.values()],
            protected=True,
            db_index=True,
            max_length=64,
            **kwargs,
        )


def _notice_transitions(state: State) -> list[Transition]:
    notice = state.notice
    return [
        Transition(
            CLOSE_NOTICE,
            CLOSE_NOTICE_LABEL,
            (state.name,),
            notice.close_to,
            (SYSTEM_ROLE,),
            targets=notice.close_targets,
            effects=notice.close_effects,
        ),
        Transition(
            UPHOLD_OBJECTION,
            UPHOLD_OBJECTION_LABEL,
            (state.name,),
            notice.upheld_to,
            notice.resolver_roles,
            comment_required=True,
            resolves_objection=True,
        ),
        Transition(
            DISMISS_OBJECTION,
            DISMISS_OBJECTION_LABEL,
            (state.name,),
            None,
            notice.resolver_roles,
            comment_required=True,
            resolves_objection=True,
        ),
    ]
