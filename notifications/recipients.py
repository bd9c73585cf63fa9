"""Who is told about a case: those who may act on it at its level, the level above them, and the
person whose step a return sends back. Each answer is one query on role assignments (the
regions above a case come from its code), as the engine's own permission check asks it."""

from approvals.models import AuditEntry
from roles.catalogue import AUTHORITY, READ_ONLY_ROLES, Role
from roles.models import RoleAssignment, ancestor_codes


def acting(roles) -> list[str]:
    """The roles among ``roles`` that take steps (not the read-only ones, not the timer)."""
    return [r for r in roles if r not in READ_ONLY_ROLES and r != Role.SYSTEM]


def roles_awaiting(workflow, state: str, *, objection_open: bool = False) -> list[str]:
    """The roles with a step to take on a case in ``state`` (and, while an objection is open,
    the roles resolving it)."""
    waiting = []
    for role in acting(Role.values):
        steps, objections = workflow.states_awaiting(role)
        if state in steps or (objection_open and state in objections):
            waiting.append(role)
    return waiting


def roles_above(workflow, roles) -> list[str]:
    """The procedure's roles one rank of authority above ``roles``: who hears of their delays."""
    own = set(acting(r for t in workflow.transitions for r in t.roles))
    lowest = min((AUTHORITY[r] for r in roles), default=None)
    higher = sorted({AUTHORITY[r] for r in own if lowest is not None and AUTHORITY[r] > lowest})
    return sorted(r for r in own if higher and AUTHORITY[r] == higher[0])


def holders(roles, region_code: str) -> set[int]:
    """The active people holding one of ``roles`` over the region with ``region_code`` today."""
    if not roles:
        return set()
    return set(
        RoleAssignment.objects.valid_on()
        .filter(
            role__in=list(roles),
            region__code__in=ancestor_codes(region_code),
            user__is_active=True,
        )
        .values_list("user_id", flat=True)
    )


def whose_step(case, returned: AuditEntry) -> set[int]:
    """The person who last moved ``case`` on from the state the ``returned`` step sent it back
    to, before that step: the one whose work it sends back."""
    state = returned.to_state
    last = (
        AuditEntry.objects.for_object(case)
        .filter(from_state=state, actor__isnull=False, seq__lt=returned.seq)
        .exclude(to_state=state)
        .order_by("-seq")
        .values_list("actor_id", flat=True)
        .first()
    )
    return {last} if last else set()
