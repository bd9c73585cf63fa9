"""The case page's 经办 box: who handles the case at its level, and the buttons to claim it, put
it back, or (for the level's head) assign it to someone; and acting for an absent person
(代 X 办理) when the user stands in for them. Every change goes through ``approvals.claims`` or
``approvals.perform``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from approvals import available_actions, claims, typed_input
from approvals.exceptions import Refusal
from roles.jurisdiction import roles_held
from roles.names import name_of
from roles.standins import absent_people


def claim_box(request, case, admin_opts) -> dict:
    """What the page shows of the case's claim, and what the user may do about it."""
    roles = claims.roles_acting_now(case)
    if not roles:
        return {}
    claim = claims.holder_of(case)
    head = claims.heads_level(request.user, case)
    may_act_here = bool(roles_held(request.user, case.region, roles))
    holder = claim.holder if claim else None
    return {
        "holder": holder,
        "holder_name": name_of(holder),
        "claimed_at": claim.at if claim else None,
        "mine": holder == request.user,
        "may_claim": may_act_here and holder is None,
        "may_release": holder is not None and (head or holder == request.user),
        "assignees": [(p.pk, name_of(p)) for p in claims.people_who_may_handle(case)]
        if head
        else [],
        "url": reverse(
            f"admin:{admin_opts.app_label}_{admin_opts.model_name}_claim", args=[case.pk]
        ),
    }


def claim_view(request, case, admin_opts):
    """认领, 放回 or 指派 the case (POST ``do``; ``to`` the person assigned), then its page."""
    if request.method != "POST":
        raise PermissionDenied
    do = request.POST.get("do", "")
    try:
        if do == "claim":
            claims.claim(case, request.user)
            messages.success(request, _("已认领，其他人将看到由您办理"))
        elif do == "release":
            claims.release(case, request.user)
            messages.success(request, _("已放回，本级人员均可认领"))
        elif do == "assign":
            person = _assignee(case, request.POST.get("to", ""))
            if person is None:
                messages.error(request, _("请选择可以办理本环节的人员"))
            else:
                claims.assign(case, request.user, person)
                messages.success(request, _("已指派给%(name)s") % {"name": name_of(person)})
        else:
            messages.error(request, _("没有这项操作"))
    except Refusal as exc:
        for reason in exc.reasons:
            messages.error(request, reason)
    return redirect(f"admin:{admin_opts.app_label}_{admin_opts.model_name}_change", case.pk)


def _assignee(case, typed):
    chosen = typed_input.whole_number(typed, 1, 2**63 - 1)
    if chosen is None:
        return None
    return claims.people_who_may_handle(case).filter(pk=chosen).first()


def actions_for(request, case) -> tuple[list, object]:
    """The actions the page offers, and the absent person they are taken for (or None): the
    user's own when they may take one, else those of the first person they stand in for today
    who may."""
    own = available_actions(case, request.user)
    if any(a.allowed for a in own):
        return own, None
    for person in absent_people(request.user):
        theirs = available_actions(case, request.user, on_behalf_of=person)
        if any(a.allowed for a in theirs):
            return theirs, person
    return own, None


def absent_person(request, typed=None):
    """The absent person an action is posted for (``on_behalf_of``: the form's field, or
    ``typed`` when given), among those the user stands in for today; None when none is named.
    ``PermissionDenied`` for anyone else."""
    typed = request.POST.get("on_behalf_of", "") if typed is None else str(typed)
    if not typed:
        return None
    chosen = typed_input.whole_number(typed, 1, 2**63 - 1)
    person = absent_people(request.user).filter(pk=chosen).first() if chosen else None
    if person is None:
        raise PermissionDenied(_("您今天不是该人员的代办人"))
    return person
