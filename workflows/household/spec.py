"""The identification and exit procedures as data. Policy data (``Policy`` rows for the
``household_identification`` and ``household_exit`` workflows) sets the notice lengths and which
exclusion rules and blocking situations apply; see ``migrations/0002``."""

import functools

from django.utils.translation import gettext_lazy as _

from approvals.spec import Input, Notice, State, Transition, Workflow
from workflows.deliberation import (
    MEETING_INPUTS,
    deliberation_passed,
    recorded_meeting_passed,
    store_meeting_record,
)

from .standards import (
    exit_household,
    exit_standard,
    household_consent,
    identification_standard,
    register_household,
    store_consent,
)

VILLAGE = ("village_committee",)
TWO_PARTIES = ("village_committee", "work_team")
TOWNSHIP = ("township_reviewer",)
APPROVER = ("county_approver",)


# A notice of this procedure: (close_to, resolver_roles, upheld_to, days); 7 days by default.
notice = functools.partial(Notice, default_days=7)


def record_deliberation(source, target):
    return Transition(
        "record_deliberation",
        _("民主评议"),
        (source,),
        target,
        VILLAGE,
        guards=(deliberation_passed,),
        effects=(store_meeting_record,),
        inputs=MEETING_INPUTS,
    )


def review_steps(to_notice, township_back, county_back, closed, *, county_guards=()):
    """Township review and county decision, each able to approve, send back or refuse."""
    return [
        Transition(
            "township_approve",
            _("审核通过"),
            ("township_review",),
            to_notice,
            TOWNSHIP,
            confirm=True,
        ),
        Transition(
            "return_for_reverification",
            _("退回核实"),
            ("township_review",),
            township_back,
            TOWNSHIP,
            comment_required=True,
        ),
        Transition(
            "township_reject",
            _("审核不通过"),
            ("township_review",),
            closed,
            TOWNSHIP,
            comment_required=True,
        ),
        Transition(
            "county_approve",
            _("审定通过"),
            ("county_review",),
            "announcement",
            APPROVER,
            guards=county_guards,
            confirm=True,
        ),
        Transition(
            "return_for_reverification",
            _("退回核实"),
            ("county_review",),
            county_back,
            APPROVER,
            comment_required=True,
        ),
        Transition(
            "county_reject",
            _("审定不通过"),
            ("county_review",),
            closed,
            APPROVER,
            comment_required=True,
        ),
    ]


IDENTIFICATION = Workflow(
    "household_identification",
    _("贫困户识别"),
    states=[
        State("applied", _("农户申请")),
        State("verification", _("核实")),
        State(
            "first_notice",
            _("第一次公示"),
            notice=notice("township_review", VILLAGE, "verification", "first_notice_days"),
        ),
        State("township_review", _("乡镇审核"), due_working_days=10),
        State(
            "second_notice",
            _("第二次公示"),
            notice=notice("county_review", TOWNSHIP, "township_review", "second_notice_days"),
        ),
        State("county_review", _("县级审定"), due_working_days=10),
        State(
            "announcement",
            _("公告"),
            notice=notice(
                "registered",
                APPROVER,
                "county_review",
                "announcement_days",
                close_effects=(register_household,),
            ),
        ),
        State("registered", _("已建档立卡")),
        State("rejected", _("未通过")),
    ],
    transitions=[
        record_deliberation("applied", "verification"),
        Transition(
            "decline", _("评议未通过"), ("applied",), "rejected", VILLAGE, comment_required=True
        ),
        Transition(
            "verify",
            _("核实确认"),
            ("verification",),
            "first_notice",
            TWO_PARTIES,
            guards=(recorded_meeting_passed, identification_standard),
            signoff=True,
        ),
        *review_steps("second_notice", "verification", "township_review", "rejected"),
    ],
)


EXIT = Workflow(
    "household_exit",
    _("贫困户退出"),
    states=[
        State("proposed", _("拟退出")),
        State("verification", _("核实")),
        State("household_consent", _("户认可")),
        State(
            "village_notice",
            _("村内公示"),
            notice=notice("township_review", VILLAGE, "verification", "village_notice_days"),
        ),
        State("township_review", _("乡镇审核"), due_working_days=10),
        State("county_review", _("县级审定"), due_working_days=10),
        State(
            "announcement",
            _("公告"),
            notice=notice(
                "exited",
                APPROVER,
                "county_review",
                "announcement_days",
                close_effects=(exit_household,),
            ),
        ),
        State("exited", _("已销号")),
        State("withdrawn", _("已撤回")),
    ],
    transitions=[
        record_deliberation("proposed", "verification"),
        Transition("withdraw", _("撤回"), ("proposed",), "withdrawn", VILLAGE),
        Transition(
            "verify",
            _("核实确认"),
            ("verification",),
            "household_consent",
            TWO_PARTIES,
            guards=(recorded_meeting_passed, exit_standard),
            signoff=True,
        ),
        Transition(
            "record_consent",
            _("签字认可"),
            ("household_consent",),
            "village_notice",
            VILLAGE,
            guards=(household_consent,),
            effects=(store_consent,),
            inputs=(
                Input("form_sha256", _("签字认可表"), "file"),
                Input("signed_on", _("签字日期"), "date"),
                Input("helper_cosigned", _("帮扶责任人已共同签字"), "checkbox"),
            ),
        ),
        Transition(
            "household_disagrees",
            _("不认可"),
            ("household_consent",),
            "withdrawn",
            VILLAGE,
            comment_required=True,
        ),
        *review_steps(
            "county_review",
            "verification",
            "township_review",
            "withdrawn",
            county_guards=(exit_standard,),
        ),
    ],
)
