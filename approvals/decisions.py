"""The engine's one answer to "may this person …?": open a case, edit a record, read one.

Each question returns a ``Decision``: truthy when yes (with the roles that allow it), falsy with
the reasons why not, codes with parameters like every refusal. ``open_case`` and ``record_edit``
enforce these same answers, and the admin asks them rather than deciding again, so each decision
lives here alone.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from roles.catalogue import READ_ONLY_ROLES, Role
from roles.jurisdiction import jurisdiction_of, roles_held
from roles.names import name_of
from roles.standins import stands_in

from .exceptions import PermissionDenied, Reason, Refusal, TransitionNotAllowed
from .models import Claim, WorkflowCase
from .notices import running_notice


class Decision:
    """Yes (``roles``: those held that allow it, in the order the rule gives them), or no with
    ``details`` (the reasons) and the refusal that enforcing it raises."""

    def __init__(
        self,
        roles: Iterable[str] = (),
        reasons: Iterable[Reason | str] = (),
        refusal: type[Refusal] = PermissionDenied,
    ):
        self.roles = list(roles)
        self.details = [Reason.of(r) for r in reasons]
        self.refusal = refusal

    def __bool__(self) -> bool:
        return not self.details

    def __repr__(self):
        return f"<Decision {'yes' if self else 'no'}: {self.roles or self.reasons}>"

    @property
    def reasons(self) -> list[str]:
        """Why not, in the active language (empty when yes)."""
        return [str(r) for r in self.details]

    @property
    def role(self) -> str | None:
        """The role the person acts as: the first that allows it."""
        return self.roles[0] if self.roles else None

    def enforce(self) -> Decision:
        """Raise the refusal if the answer is no; return the decision if yes."""
        if not self:
            raise self.refusal(self.details)
        return self


def role_labels(roles: Iterable[str]) -> list:
    """Role names as the labels a person reads (translated when rendered)."""
    return [Role(r).label if r in Role.values else r for r in roles]


def _acting(roles: Iterable[str]) -> list[str]:
    return [r for r in roles if r not in READ_ONLY_ROLES]


def claimed_reason(holder_id: int) -> Reason:
    """Why someone may not act on a case another person has claimed (``approvals.claims``)."""
    holder = get_user_model().objects.filter(pk=holder_id).first()
    return Reason(
        "claimed_by_other",
        _("该事项已由%(holder)s认领办理，请其放回或由本级负责人改派后再办理"),
        holder=name_of(holder),
    )


def claim_holder_id(case) -> int | None:
    """Who holds ``case``'s claim in force (in its current state), or None."""
    return Claim.objects.in_force_on(case).values_list("holder_id", flat=True).first()


def ensure_not_claimed_by_another(holder_id, *people) -> None:
    """Refuse a step on a case claimed by someone other than ``people`` (the actor, and the
    absent person a stand-in acts for)."""
    if holder_id is not None and holder_id not in {getattr(p, "pk", None) for p in people}:
        raise TransitionNotAllowed([claimed_reason(holder_id)])


def _claimed_by_another(record, user) -> Reason | None:
    """Why ``user`` may not change a case someone else has claimed (none: they hold the claim,
    stand in for its holder today, or nobody holds it)."""
    if not isinstance(record, WorkflowCase) or record.pk is None:
        return None
    holder_id = claim_holder_id(record)
    if holder_id is None or holder_id == user.pk:
        return None
    if stands_in(user, get_user_model().objects.filter(pk=holder_id).first()):
        return None
    return claimed_reason(holder_id)


def may_open(model, user, region=None, *, jurisdiction=None) -> Decision:
    """May ``user`` open a case of ``model`` in ``region`` (anywhere, when None)? Those with a
    step to take in the procedure's first state may. ``jurisdiction``
    (``roles.jurisdiction.jurisdiction_of(user)``) saves the query when the caller has it."""
    roles = _acting(model.workflow.creators())
    if region is not None:
        held = roles_held(user, region, roles)
        refused = Reason(
            "no_role_to_open",
            _("您在%(region)s没有“%(roles)s”角色，不能新建"),
            region=region.name,
            roles=role_labels(roles),
        )
    else:
        jurisdiction = jurisdiction_of(user) if jurisdiction is None else jurisdiction
        held = [r for r in roles if r in jurisdiction]
        refused = Reason(
            "no_role_to_open", _("您没有“%(roles)s”角色，不能新建"), roles=role_labels(roles)
        )
    return Decision(held) if held else Decision(reasons=[refused])


def may_edit(record, user) -> Decision:
    """May ``user`` edit ``record`` (a ``ChainedRecord``) now? Those its ``edit_rule()`` names,
    over its region; nobody while a notice runs on it, and on a claimed case only the claim's
    holder (or their stand-in): the others see it as taken, for its record as for its steps."""
    rule = record.edit_rule()
    held = roles_held(user, record.region, _acting(rule.roles))
    if not held:
        return Decision(reasons=[rule.refusal])
    if record.pk is not None and running_notice(record):
        return Decision(
            reasons=[Reason("notice_running", _("公示期间不能修改记录"))],
            refusal=TransitionNotAllowed,
        )
    if (claimed := _claimed_by_another(record, user)) is not None:
        return Decision(reasons=[claimed], refusal=TransitionNotAllowed)
    return Decision(held)


def may_import(user, region, roles: Iterable[str]) -> Decision:
    """May ``user`` import records into ``region``? Those holding one of ``roles`` (the roles
    the importing procedure names) over it."""
    held = roles_held(user, region, _acting(roles))
    if held:
        return Decision(held)
    return Decision(
        reasons=[
            Reason(
                "no_role_to_import",
                _("您在%(region)s没有“%(roles)s”角色，不能导入"),
                region=region.name,
                roles=role_labels(roles),
            )
        ]
    )


def may_read(subject, user, *, jurisdiction=None) -> Decision:
    """May ``user`` read ``subject``: a record (one in their read scope, which every role held
    gives, read-only ones included) or a model (some of its records, if they hold any role)?"""
    if user is not None and user.is_active and user.is_superuser:
        return Decision()
    jurisdiction = jurisdiction_of(user) if jurisdiction is None else jurisdiction
    if isinstance(subject, type):
        held = list(jurisdiction)
    else:
        code = subject.region.code
        held = [r for r, ps in jurisdiction.items() if any(code.startswith(p) for p in ps)]
    if held:
        return Decision(held)
    return Decision(reasons=[Reason("outside_read_scope", _("该记录不在您的辖区内"))])
