"""Inclusion in monitoring (纳入监测) as data. Policy data (``Policy`` rows for the
``monitoring_inclusion`` workflow, see ``migrations/0002``) sets the notice length, the whole
inclusion's time limit, the monitoring lines, the hardship-expense threshold and which exclusion
rules apply."""

from django.utils.translation import gettext_lazy as _

from approvals.spec import Input, Notice, State, Transition, Workflow
from workflows.household.spec import APPROVER, TOWNSHIP, TWO_PARTIES, VILLAGE, record_deliberation

from .standards import (
    INCLUSION_WORKFLOW,
    comparison_meets_standard,
    recorded_case_meets_standard,
    store_authorisation,
    store_comparison,
)
from .status import start_monitoring

# The states a case ends in; a monitored household stays under monitoring until its risk is
# eliminated.
MONITORED = "monitored"
NOT_INCLUDED = "not_included"
DECIDED = (MONITORED, NOT_INCLUDED)


def refusal(name, label, source, roles, closed=NOT_INCLUDED):
    return Transition(name, label, (source,), closed, roles, comment_required=True)


def village_notice(start):
    """The one village notice, 5 days unless the policy says otherwise; an upheld objection
    sends the case back to ``start``."""
    return State(
        "village_notice",
        _("村内公示"),
        notice=Notice("township_review", VILLAGE, start, "village_notice_days", 5),
    )


def two_level_review(start, decided, closed, *, decide_label, refuse_label, guards, effects):
    """The township's review (approve, send back to ``start`` for a new home visit, or refuse)
    and the county's decision (to ``decided`` under ``guards``, or refuse), each refusal
    closing the case in ``closed`` with a comment."""
    return [
        Transition(
            "township_approve",
            _("审核通过"),
            ("township_review",),
            "county_review",
            TOWNSHIP,
            confirm=True,
        ),
        Transition(
            "return_for_reverification",
            _("退回核实"),
            ("township_review",),
            start,
            TOWNSHIP,
            comment_required=True,
        ),
        refusal("township_reject", _("审核不通过"), "township_review", TOWNSHIP, closed),
        Transition(
            "county_approve",
            decide_label,
            ("county_review",),
            decided,
            APPROVER,
            guards=guards,
            effects=effects,
            confirm=True,
        ),
        refusal("county_reject", refuse_label, "county_review", APPROVER, closed),
    ]


INCLUSION = Workflow(
    INCLUSION_WORKFLOW,
    _("防返贫监测对象纳入"),
    states=[
        State("reported", _("线索登记")),
        State("data_comparison", _("信息比对")),
        State("deliberation", _("民主评议")),
        village_notice("reported"),
        State("township_review", _("乡镇审核")),
        State("county_review", _("县级审定")),
        State(MONITORED, _("已纳入监测")),
        State(NOT_INCLUDED, _("未纳入")),
    ],
    transitions=[
        Transition(
            "verify",
            _("入户核实"),
            ("reported",),
            "data_comparison",
            TWO_PARTIES,
            effects=(store_authorisation,),
            inputs=(Input("authorisation_sha256", _("农户签字的信息比对授权书"), "file"),),
            signoff=True,
        ),
        Transition("withdraw", _("撤销"), ("reported",), NOT_INCLUDED, VILLAGE),
        Transition(
            "record_comparison",
            _("录入比对结果"),
            ("data_comparison",),
            "deliberation",
            VILLAGE,
            guards=(comparison_meets_standard,),
            effects=(store_comparison,),
            inputs=(
                Input("comparison_result", _("比对结果"), "textarea"),
                Input("hardship_expense", _("大额刚性支出（元）"), "int"),
            ),
        ),
        record_deliberation("deliberation", "village_notice"),
        refusal("decline", _("评议未通过"), "deliberation", VILLAGE),
        *two_level_review(
            "reported",
            MONITORED,
            NOT_INCLUDED,
            decide_label=_("审定纳入"),
            refuse_label=_("不予纳入"),
            guards=(recorded_case_meets_standard,),
            effects=(start_monitoring,),
        ),
    ],
)
