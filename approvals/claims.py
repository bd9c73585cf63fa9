"""Who handles a case at its level: 认领 (claim), 指派 (assign), 放回 (release).

Where several people may act on a case (a township with three reviewers), one of them claims it:
the others see who has it and cannot act on it while it is claimed. The level's head — someone
who may act on the case in its state through a role assignment marked as heading their unit
(``RoleAssignment.heads_unit``) — assigns it to one of the people who may act, reassigns it, or
releases it. A claim counts only in the state it was made in: once the case moves to another level
it is free there. Each claim, assignment and release is an entry on the case's own audit chain,
written under the case's row lock, so of two claims at once one wins and the other is refused.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy

from roles.jurisdiction import roles_held
from roles.models import RoleAssignment, ancestor_codes
from roles.names import name_of

from . import audit, clock, statements
from .decisions import claim_holder_id, claimed_reason
from .engine import CHANGED_MEANWHILE, _acting_roles, record_denial, workflow_of
from .exceptions import ConflictError, PermissionDenied, Reason, TransitionNotAllowed
from .locking import ensure_unchanged, lock_fresh
from .models import Claim, content_type_of
from .spec import ASSIGN, CLAIM, RELEASE


def roles_acting_now(case) -> list[str]:
    """The roles that take a step of ``case`` in its current state (the level it is at)."""
    transitions = workflow_of(case).transitions_from(case.state)
    return list(
        dict.fromkeys(r for t in transitions if not t.system_only for r in _acting_roles(t))
    )


def _assignments_over(case):
    """Role assignments in force through which someone may act on ``case`` now."""
    return RoleAssignment.objects.valid_on().filter(
        role__in=roles_acting_now(case), region__code__in=ancestor_codes(case.region.code)
    )


def heads_level(user, case) -> bool:
    """Is ``user`` the head of the level ``case`` is at (may assign and release it)?"""
    if not getattr(user, "is_active", False):
        return False
    return _assignments_over(case).filter(user=user, heads_unit=True).exists()


def people_who_may_handle(case):
    """Everyone a head may assign ``case`` to: the active people who may act on it now."""
    return (
        get_user_model()
        .objects.filter(is_active=True, role_assignments__in=_assignments_over(case))
        .distinct()
        .order_by("username")
    )


def holder_of(case) -> Claim | None:
    """The claim in force on ``case`` (made since it entered its state), with its holder."""
    return Claim.objects.in_force_on(case).select_related("holder", "assigned_by").first()


def claims_by_case(model, cases) -> dict[int, Claim]:
    """The claims in force on a page of ``cases`` of ``model``, by case id, in one query."""
    states = {case.pk: case.state for case in cases}
    rows = (
        Claim.objects.for_model(model).filter(object_id__in=list(states)).select_related("holder")
    )
    return {c.object_id: c for c in rows if states.get(c.object_id) == c.state}


def claim(case, user) -> Claim:
    """``user`` takes ``case`` to handle it themselves."""
    return _change(case, user, CLAIM, user)


def assign(case, user, to) -> Claim:
    """The level's head gives ``case`` to ``to`` (one who may act on it), or takes it back."""
    return _change(case, user, ASSIGN, to)


def release(case, user) -> None:
    """The holder (or the level's head) puts ``case`` back for anyone at its level."""
    _change(case, user, RELEASE, None)


NOT_AT_LEVEL = gettext_lazy("您不能办理该事项当前环节，不能认领")
NOT_HEAD = gettext_lazy("只有本级负责人可以指派或收回他人认领的事项")
NOT_CLAIMED = gettext_lazy("该事项没有人认领")
CANNOT_HANDLE = gettext_lazy("%(person)s不能办理该事项当前环节，不能指派给他")


def _refuse(code, message, cls=TransitionNotAllowed, **params):
    raise cls([Reason(code, message, **params)])


def _check(fresh, user, action, to, roles, holder_id, held):
    """Why ``user`` may not do ``action`` now (raised); else the role they do it as."""
    head = heads_level(user, fresh)
    if action == CLAIM:
        if not held:
            _refuse("not_at_level", NOT_AT_LEVEL, PermissionDenied)
        if holder_id not in (None, user.pk):
            raise ConflictError(claimed_reason(holder_id))
        return held[0]
    if not head and not (action == RELEASE and holder_id == user.pk and held):
        _refuse("not_head", NOT_HEAD, PermissionDenied)
    if action == RELEASE and holder_id is None:
        _refuse("not_claimed", NOT_CLAIMED)
    if action == ASSIGN and not roles_held(to, fresh.region, roles):
        _refuse("cannot_handle", CANNOT_HANDLE, person=name_of(to))
    return held[0] if held else roles[0]


def _change(case, user, action, to):
    roles = roles_acting_now(case)
    try:
        with transaction.atomic():
            fresh, held = lock_fresh(case, user, roles)
            ensure_unchanged(case, fresh)
            # Read again now that the lock is held: the locked read's own look-up of the claim
            # saw the table as it was before waiting for the lock, not the claim just committed.
            holder_id = claim_holder_id(fresh)
            role = _check(fresh, user, action, to, roles, holder_id, held)
            result = _write(fresh, user, action, to, role)
    except (TransitionNotAllowed, PermissionDenied, ConflictError) as exc:
        record_denial(case, action, user, exc)
        raise
    for name in audit.HEAD_FIELDS:
        setattr(case, name, getattr(fresh, name))
    return result


def _write(fresh, user, action, to, role):
    """The claim row and the chain's entry recording it, in the caller's transaction."""
    now = clock.now()
    entry = audit.prepare(
        fresh,
        action=action,
        from_state=fresh.state,
        to_state=fresh.state,
        actor=user,
        actor_role=role,
        data={"holder": to.pk, "holder_name": name_of(to)} if to else {},
        now=now,
    )
    if not statements.move_and_record(fresh, fresh.state, audit.HEAD_FIELDS, entry):
        raise ConflictError(CHANGED_MEANWHILE)
    kind = content_type_of(fresh)
    if to is None:
        Claim.objects.filter(content_type=kind, object_id=fresh.pk).delete()
        return None
    claimed, _created = Claim.objects.update_or_create(
        content_type=kind,
        object_id=fresh.pk,
        defaults={"state": fresh.state, "holder": to, "assigned_by": user, "at": now},
    )
    return claimed
