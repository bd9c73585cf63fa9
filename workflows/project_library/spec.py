"""The project-library procedure as data: states, transitions, who takes them, and the rules.

Policy data (``Policy`` rows for the ``project_library`` workflow) sets the notice lengths, whether
the county appraisal step runs, and which category list applies; see ``migrations/0002``.
"""

import functools

from django.utils.translation import gettext_lazy as _

from approvals.spec import Fixed, Input, Notice, State, Transition, Workflow
from workflows.deliberation import MEETING_INPUTS, deliberation_passed, store_meeting_record

from .attachments import attachment_acceptable, create_attachment
from .choices import AttachmentKind
from .guards import record_complete

VILLAGE = ("village_committee",)
TOWNSHIP = ("township_reviewer",)
APPROVER = ("county_approver",)
OFFICE = ("county_office",)


def after_township_notice(project):
    """The county appraisal (县级论证) runs only where the policy asks for it."""
    appraisal = project.policy and project.policy.value("county_appraisal", False)
    return "county_appraisal" if appraisal else "county_review"


# A notice of this procedure: (close_to, resolver_roles, upheld_to, days); 10 days by default.
notice = functools.partial(Notice, default_days=10)

# What the county approves (DOMAIN §1): what is built and where, its funds by source and in total,
# its tasks and scale, its beneficiaries, performance targets and benefit mechanism. The
# schedule and the responsible unit are run by the implementer and stay editable.
APPROVED_FIGURES = (
    "category",
    "construction_nature",
    "location",
    "tasks_and_scale",
    "total_funds",
    "funds_central",
    "funds_provincial",
    "funds_prefecture",
    "funds_county",
    "funds_self_raised",
    "funds_other",
    "beneficiary_households",
    "beneficiary_poor_households",
    "beneficiary_people",
    "benefit_mechanism",
)
# Once approved, they change only through 申请调整, which sends them back to county approval.
APPROVED = Fixed(
    APPROVED_FIGURES,
    related=("performance_targets",),
    reason=_("%(fields)s已经县级审批，只能经“申请调整”报县级重新审批后修改"),
)
# Once building has started, what was approved is what is built and accepted.
BUILT = Fixed(
    APPROVED_FIGURES,
    related=("performance_targets",),
    reason=_("%(fields)s已经县级审批，项目开工后不能修改"),
)


PROJECT_LIBRARY = Workflow(
    "project_library",
    _("项目库"),
    states=[
        State("draft", _("草稿")),
        State("deliberation", _("群众参与")),
        State(
            "village_notice",
            _("村内公示"),
            notice=notice("township_review", VILLAGE, "draft", "village_notice_days"),
        ),
        State("township_review", _("乡镇审核"), due_working_days=10),
        State(
            "township_notice",
            _("乡镇公示"),
            notice=notice(
                after_township_notice,
                TOWNSHIP,
                "township_review",
                "township_notice_days",
                close_targets=("county_appraisal", "county_review"),
            ),
        ),
        State("county_appraisal", _("县级论证"), due_working_days=10),
        State("county_review", _("县级审批"), due_working_days=10),
        State(
            "county_notice",
            _("县级公告"),
            notice=notice(
                "in_library",
                ("county_approver", "county_office"),
                "county_review",
                "county_notice_days",
            ),
            fixed=APPROVED,
        ),
        State("in_library", _("已入库"), fixed=APPROVED),
        State("planned", _("已纳入年度计划"), fixed=APPROVED),
        State("adjusting", _("调整中")),
        State("implementing", _("实施中"), fixed=BUILT),
        State("completed", _("已竣工"), fixed=BUILT),
        State("township_accepted", _("乡镇已初验"), fixed=BUILT),
        State("accepted", _("县级已验收"), fixed=BUILT),
        State(
            "completion_notice",
            _("竣工公告"),
            notice=notice("closed", OFFICE, "township_accepted", "completion_notice_days"),
            fixed=BUILT,
        ),
        State("closed", _("已归档"), fixed=BUILT),
        State("withdrawn", _("已撤回")),
        State("rejected", _("未通过")),
        State("removed", _("已出库"), fixed=APPROVED),
    ],
    transitions=[
        Transition(
            "submit_for_deliberation",
            _("提交民主议事"),
            ("draft",),
            "deliberation",
            ("village_committee", "work_team"),
        ),
        Transition("withdraw", _("撤回"), ("draft",), "withdrawn", VILLAGE),
        Transition(
            "record_deliberation",
            _("记录议事结果"),
            ("deliberation",),
            "village_notice",
            VILLAGE,
            guards=(record_complete, deliberation_passed),
            effects=(store_meeting_record,),
            inputs=MEETING_INPUTS,
        ),
        Transition(
            "decline",
            _("议事未通过"),
            ("deliberation",),
            "withdrawn",
            VILLAGE,
            comment_required=True,
        ),
        Transition(
            "township_approve",
            _("审核通过"),
            ("township_review",),
            "township_notice",
            TOWNSHIP,
            guards=(record_complete,),
            confirm=True,
        ),
        Transition(
            "return_for_revision",
            _("退回修改"),
            ("township_review",),
            "draft",
            TOWNSHIP,
            comment_required=True,
        ),
        Transition(
            "township_reject",
            _("审核不通过"),
            ("township_review",),
            "rejected",
            TOWNSHIP,
            comment_required=True,
        ),
        Transition(
            "appraisal_pass",
            _("论证通过"),
            ("county_appraisal",),
            "county_review",
            ("sector_department", "county_office"),
        ),
        Transition(
            "return_for_revision",
            _("退回修改"),
            ("county_appraisal",),
            "draft",
            ("sector_department", "county_office"),
            comment_required=True,
        ),
        Transition(
            "county_approve",
            _("审批通过"),
            ("county_review",),
            "county_notice",
            APPROVER,
            guards=(record_complete,),
            confirm=True,
        ),
        Transition(
            "return_for_revision",
            _("退回修改"),
            ("county_review",),
            "township_review",
            APPROVER,
            comment_required=True,
        ),
        Transition(
            "county_reject",
            _("审批不通过"),
            ("county_review",),
            "rejected",
            APPROVER,
            comment_required=True,
        ),
        Transition("include_in_plan", _("纳入年度计划"), ("in_library",), "planned", OFFICE),
        Transition(
            "request_adjustment",
            _("申请调整"),
            ("in_library", "planned"),
            "adjusting",
            OFFICE,
            comment_required=True,
        ),
        Transition(
            "submit_adjustment",
            _("提交调整"),
            ("adjusting",),
            "county_review",
            VILLAGE,
            guards=(record_complete,),
        ),
        Transition(
            "remove_from_library",
            _("出库"),
            ("in_library", "planned"),
            "removed",
            OFFICE,
            comment_required=True,
        ),
        Transition(
            "start_implementation",
            _("开工"),
            ("planned",),
            "implementing",
            ("village_committee", "township_reviewer"),
        ),
        Transition("report_completion", _("竣工"), ("implementing",), "completed", VILLAGE),
        Transition("township_accept", _("乡镇初验"), ("completed",), "township_accepted", TOWNSHIP),
        Transition(
            "reject_acceptance",
            _("验收不合格"),
            ("completed", "township_accepted"),
            "implementing",
            ("township_reviewer", "county_office"),
            comment_required=True,
        ),
        Transition("county_accept", _("县级验收"), ("township_accepted",), "accepted", OFFICE),
        Transition(
            "publish_completion_notice",
            _("实施地公告"),
            ("accepted",),
            "completion_notice",
            VILLAGE,
        ),
        Transition(
            "add_attachment",
            _("上传附件"),
            ("draft", "deliberation", "planned", "adjusting", "implementing", "completed"),
            None,
            ("village_committee", "work_team"),
            guards=(attachment_acceptable,),
            effects=(create_attachment,),
            inputs=(
                Input("upload", _("附件"), "file"),
                Input("kind", _("附件类型"), "select", choices=tuple(AttachmentKind.choices)),
            ),
        ),
    ],
)
