"""Public notices (公示) and objections (异议).

Entering a state that declares a ``Notice`` opens a period; leaving it closes the period. Anyone may
file an objection while the period runs: that suspends it. The level named by the notice resolves
each objection through ``perform``: ``uphold_objection`` sends the case back, ``dismiss_objection``
resumes the period for the time it had left once no objection is open. ``close_notice`` is taken by
the system when the period has run out with nothing unresolved (``approvals.timers``).

Filing, upholding and dismissing an objection are entries of the case's own audit chain, each
carrying the objection's id, the objector's name and text and the contact masked: the contact in
full stays on the ``Objection`` row, for the staff who may resolve it.

The objector is given the objection's receipt number, by which anyone holding it reads its status
and the reply (``by_receipt``, ``reply_to``) and nothing else. Each notice names the supervision
phone (监督电话) of its place: policy data of the ``public_supervision`` procedure, a national
default a county supersedes with its own number (``supervision_phone``).
"""

import dataclasses
import datetime
import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roles.catalogue import READ_ONLY_ROLES
from roles.jurisdiction import roles_held

from . import audit, clock, listeners, typed_input
from .exceptions import Reason, TransitionNotAllowed
from .locking import ensure_unchanged, lock_fresh
from .models import RECEIPT_LENGTH, AuditEntry, NoticePeriod, Objection, Policy
from .spec import DISMISS_OBJECTION, FILE_OBJECTION, PUBLIC_ROLE, UPHOLD_OBJECTION

# The policy data naming where the public may call about a notice, and its one value.
SUPERVISION = "public_supervision"
SUPERVISION_PHONE = "supervision_phone"
_NOT_RECEIPT = re.compile(r"[^0-9A-Z]")


def running_notice(case) -> NoticePeriod | None:
    """The notice currently running (or suspended) on ``case``, if any."""
    return NoticePeriod.objects.for_object(case).running().order_by("-opened_at").first()


def _describe(delta: datetime.timedelta) -> Reason:
    days, seconds = delta.days, delta.seconds
    if days:
        return Reason("duration", _("%(days)d天%(hours)d小时"), days=days, hours=seconds // 3600)
    return Reason(
        "duration",
        _("%(hours)d小时%(minutes)d分钟"),
        hours=seconds // 3600,
        minutes=seconds % 3600 // 60,
    )


def close_reasons(case, now) -> list[Reason]:
    """Why the notice on ``case`` cannot close yet (empty when it can)."""
    notice = running_notice(case)
    if notice is None:
        return [Reason("no_notice", _("没有正在进行的公示"))]
    reasons = []
    open_count = notice.objections.open().count()
    if open_count:
        reasons.append(
            Reason(
                "objections_open",
                _("有%(count)d条异议尚未处理，公示已中止"),
                count=open_count,
            )
        )
    elif notice.ends_at > now:
        reasons.append(
            Reason(
                "notice_not_over",
                _("公示期未满，截止于%(end)s，还剩%(left)s"),
                end=timezone.localtime(notice.ends_at).strftime("%Y-%m-%d %H:%M"),
                left=_describe(notice.ends_at - now),
            )
        )
    return reasons


def resolution_reasons(case, data: dict, *, require_choice: bool = True) -> list[Reason]:
    """Why an objection on ``case`` cannot be resolved as asked (empty when it can).

    Without ``require_choice`` it only asks whether any objection awaits a decision.
    """
    notice = running_notice(case)
    open_ids = set(notice.objections.open().values_list("pk", flat=True)) if notice else set()
    if not open_ids:
        return [Reason("no_open_objection", _("当前公示没有待处理的异议"))]
    if not require_choice:
        return []
    chosen = data.get("objection")
    if chosen is None:
        return [Reason("objection_not_chosen", _("请选择要处理的异议"))]
    if chosen not in open_ids:
        return [Reason("objection_not_open", _("所选异议不属于当前公示，或已处理"))]
    return []


def objection_record(objection: Objection) -> dict:
    """What an audit entry records about an objection: never the contact in full."""
    return {
        "objection": objection.pk,
        "objector": objection.name,
        "objection_text": objection.text,
        "objector_contact": objection.masked_contact,
    }


def resolution_record(case, data: dict) -> dict:
    """The record of the open objection ``data`` chooses, for the entry that resolves it."""
    return objection_record(running_notice(case).objections.get(pk=data["objection"]))


def objections_of(case, viewer=None) -> list[Objection]:
    """Every objection filed on ``case`` under any of its notices, running or closed, oldest
    first. Each has ``step`` (the label of the notice's state), ``resolution`` (the comment of
    the entry that resolved it, from the trail) and ``shown_contact``: in full for a ``viewer``
    who may resolve it (the resolving level's role in the case's region), masked for everyone
    else."""
    objections = list(
        Objection.objects.for_object(case)
        .select_related("notice", "resolved_by")
        .order_by("filed_at", "pk")
    )
    resolutions = {
        entry.data.get("objection"): entry.comment
        for entry in AuditEntry.objects.for_object(case).filter(
            action__in=[UPHOLD_OBJECTION, DISMISS_OBJECTION]
        )
    }
    resolver = {}
    for objection in objections:
        state = objection.notice.state
        if state not in resolver:
            spec = case.workflow.states[state].notice if state in case.workflow.states else None
            roles = [r for r in spec.resolver_roles if r not in READ_ONLY_ROLES] if spec else []
            resolver[state] = bool(roles_held(viewer, case.region, roles))
        objection.step = case.workflow.state_label(state)
        objection.resolution = resolutions.get(objection.pk, "")
        objection.shown_contact = objection.contact if resolver[state] else objection.masked_contact
    return objections


def after_step(case, workflow, transition, from_state, to_state, ctx):
    """Open, close, suspend or resume notices for a step the engine has just taken."""
    now = ctx.now
    if transition.name in (UPHOLD_OBJECTION, DISMISS_OBJECTION):
        _resolve(case, ctx, upheld=transition.name == UPHOLD_OBJECTION)
    if from_state == to_state:
        return
    if from_state and workflow.states[from_state].notice:
        NoticePeriod.objects.for_object(case).running().update(closed_at=now)
    if workflow.states[to_state].notice:
        NoticePeriod.objects.create(**_opening(case, workflow, to_state, now))


def _opening(case, workflow, state, now) -> dict:
    """The fields of the notice ``case`` enters with ``state`` (which declares one)."""
    days = workflow.states[state].notice.length_in_days(case)
    return dict(
        case=case,
        workflow=workflow.name,
        state=state,
        region_id=case.region_id,
        opened_at=now,
        ends_at=now + datetime.timedelta(days=days),
    )


def open_entered(moves, workflow, now):
    """Open, in one INSERT, the notices of the states that cases of one model entered by the
    same step of the batch path (``moves``: ``(case, state entered)``). The batch path takes no
    step out of a notice state, so there is none to close here."""
    NoticePeriod.objects.bulk_create(
        NoticePeriod(**_opening(case, workflow, state, now))
        for case, state in moves
        if workflow.states[state].notice
    )


def _resolve(case, ctx, upheld: bool):
    notice = running_notice(case)
    objection = notice.objections.get(pk=ctx.data["objection"])
    objection.status = Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED
    objection.resolved_at = ctx.now
    objection.resolved_by = ctx.user
    objection.save(update_fields=["status", "resolved_at", "resolved_by"])
    still_open = notice.objections.open().exists()
    if not upheld and not still_open and notice.suspended_at:
        notice.ends_at = ctx.now + notice.remaining()
        notice.suspended_at = None
        notice.save(update_fields=["ends_at", "suspended_at"])


def file_objection(case, *, name: str, text: str, contact: str = "") -> Objection:
    """Record an objection from the public and suspend the running notice.

    Raises ``TransitionNotAllowed`` when no notice is running, ``ValidationError`` on bad input.
    """
    now = clock.now()
    objection = Objection(name=name.strip(), contact=contact.strip(), text=text.strip())
    objection.full_clean(exclude=["notice"])
    with transaction.atomic():
        fresh, _held = lock_fresh(case)
        ensure_unchanged(case, fresh)
        notice = running_notice(fresh)
        if notice is None or notice.state != fresh.state:
            raise TransitionNotAllowed(
                [Reason("not_in_notice", _("该事项当前不在公示期，不能提出异议"))]
            )
        if notice.suspended_at is None and notice.ends_at <= now:
            raise TransitionNotAllowed([Reason("notice_over", _("公示期已结束，不能再提出异议"))])
        objection.notice = notice
        objection.filed_at = now
        objection.save()
        if notice.suspended_at is None:
            notice.suspended_at = now
            notice.save(update_fields=["suspended_at"])
        entry = audit.append(
            fresh,
            action=FILE_OBJECTION,
            from_state=fresh.state,
            to_state=fresh.state,
            actor=None,
            actor_role=PUBLIC_ROLE,
            data=objection_record(objection),
            now=now,
        )
        fresh.save(update_fields=audit.HEAD_FIELDS)
        listeners.announce([(fresh, entry)])
    return objection


@dataclasses.dataclass(frozen=True)
class SupervisionPhone:
    """The number the public may call about a notice, and the document it comes from."""

    number: str
    source: str


def supervision_phone(region) -> SupervisionPhone | None:
    """The supervision phone in force for ``region`` (the most specific version), if any."""
    policy = Policy.current(SUPERVISION, region.code)
    number = policy.value(SUPERVISION_PHONE) if policy else None
    if not number:
        return None
    given = policy.value_sources.get(SUPERVISION_PHONE, {})
    source = given.get("source", "") if isinstance(given, dict) else ""
    return SupervisionPhone(str(number), source or policy.source)


def by_receipt(typed: str) -> Objection | None:
    """The objection a receipt number names, as people type it: full-width, lower case, with
    spaces or dashes between groups; None for no such objection."""
    number = _NOT_RECEIPT.sub("", typed_input.code(typed).upper())
    if len(number) != RECEIPT_LENGTH:
        return None
    return Objection.objects.filter(receipt=number).first()


def reply_to(objection: Objection) -> str:
    """What the staff who resolved ``objection`` wrote (the comment of the resolving entry);
    empty while it is open."""
    if objection.status == Objection.Status.OPEN:
        return ""
    entry = (
        AuditEntry.objects.for_object(objection.notice.case)
        .filter(action__in=[UPHOLD_OBJECTION, DISMISS_OBJECTION], data__objection=objection.pk)
        .last()
    )
    return entry.comment if entry else ""
