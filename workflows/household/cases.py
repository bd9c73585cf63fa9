"""Opening a case for a household: who may, and when. Each refusal says why."""

from django.utils.translation import gettext_lazy as _

from approvals import create_case
from approvals.exceptions import Reason, TransitionNotAllowed

from .choices import RegisterStatus
from .models import EXIT_CLOSED, IDENTIFICATION_CLOSED, ExitCase, IdentificationCase


def _refuse_if_open(model, closed, household, words):
    if model.objects.filter(household=household).exclude(state__in=closed).exists():
        raise TransitionNotAllowed([Reason("case_open", words)])


def apply_for_identification(household, user, year: int, comment: str = ""):
    """A household applies to be identified; for an exited one this is a return to poverty."""
    if household.register_status in (RegisterStatus.REGISTERED, RegisterStatus.RETURNED):
        raise TransitionNotAllowed(
            [Reason("registered_already", _("该户已是建档立卡贫困户，无需重复识别"))]
        )
    _refuse_if_open(
        IdentificationCase, IDENTIFICATION_CLOSED, household, _("该户已有进行中的识别申请")
    )
    return create_case(
        IdentificationCase,
        user,
        region=household.region,
        household=household,
        year=year,
        comment=comment,
    )


def propose_exit(household, user, year: int, comment: str = ""):
    """The village proposes that a registered household exit (拟退出)."""
    if household.register_status not in (RegisterStatus.REGISTERED, RegisterStatus.RETURNED):
        raise TransitionNotAllowed(
            [Reason("not_registered", _("只有未脱贫的建档立卡户才能办理退出"))]
        )
    _refuse_if_open(ExitCase, EXIT_CLOSED, household, _("该户已有进行中的退出申请"))
    return create_case(
        ExitCase, user, region=household.region, household=household, year=year, comment=comment
    )
