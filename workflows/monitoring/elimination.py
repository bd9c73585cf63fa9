"""Risk elimination (风险消除) as data: a monitored household proposed, deliberated, visited by
both parties, agreed in public and decided by the county, with the inclusion's deliberation,
notice and review steps. Policy data (``Policy`` rows for the ``monitoring_elimination``
workflow, see ``migrations/0004``) sets the notice length, the years the income must stay above
the line and the minimum months under monitoring; the lines are the inclusion's."""

from django.utils.translation import gettext_lazy as _

from approvals.spec import Input, State, Transition, Workflow
from workflows.deliberation import recorded_meeting_passed
from workflows.household.spec import TWO_PARTIES, VILLAGE, record_deliberation

from .elimination_standards import (
    elimination_standard,
    recorded_risk_resolution,
    risk_resolution_given,
    store_risk_resolution,
)
from .spec import refusal, two_level_review, village_notice
from .status import eliminate_risk

ELIMINATED = "eliminated"
# A proposal withdrawn or refused: the household stays under monitoring.
KEPT = "kept_monitored"
CLOSED = (ELIMINATED, KEPT)

ELIMINATION = Workflow(
    "monitoring_elimination",
    _("防返贫监测风险消除"),
    states=[
        State("proposed", _("拟消除")),
        State("verification", _("入户核实")),
        village_notice("proposed"),
        State("township_review", _("乡镇审核")),
        State("county_review", _("县级审定")),
        State(ELIMINATED, _("风险消除")),
        State(KEPT, _("继续监测")),
    ],
    transitions=[
        record_deliberation("proposed", "verification"),
        Transition("withdraw", _("撤销"), ("proposed",), KEPT, VILLAGE),
        refusal("decline", _("评议未通过"), "proposed", VILLAGE, KEPT),
        Transition(
            "verify",
            _("入户核实"),
            ("verification",),
            "village_notice",
            TWO_PARTIES,
            guards=(recorded_meeting_passed, elimination_standard, risk_resolution_given),
            effects=(store_risk_resolution,),
            inputs=(Input("risk_resolution", _("风险消除情况"), "textarea"),),
            signoff=True,
        ),
        *two_level_review(
            "proposed",
            ELIMINATED,
            KEPT,
            decide_label=_("审定消除"),
            refuse_label=_("不予消除"),
            guards=(elimination_standard, recorded_risk_resolution),
            effects=(eliminate_risk,),
        ),
    ],
)
