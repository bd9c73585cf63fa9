"""The project-library procedure as data: states, transitions, who takes them, and the rules.

Policy data (``Policy`` rows for the ``project_library`` workflow) sets the notice lengths, whether
the county appraisal step runs, and which category list applies; see ``migrations/0002``.
"""

import functools

from django.utils.translation import gettext_lazy as _

from approvals.spec import Input, Notice, State, Transition, Workflow
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
        ),
        State("in_library", _("已入库")),
        State("planned", _("已纳入年度计划")),
        State("implementing", _("实施中")),
        State("completed", _("已竣工")),
        State("township_accepted", _("乡镇已初验")),
        State("accepted", _("县级已验收")),
        State(
            "completion_notice",
            _("竣工公告"),
            notice=notice("closed", OFFICE, "township_accepted", "completion_notice_days"),
        ),
        State("closed", _("已归档")),
        State("withdrawn", _("已撤回")),
        State("rejected", _("未通过")),
        State("removed", _("已出库")),
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
            "county_review",
            OFFICE,
            comment_required=True,
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
            ("draft", "deliberation", "planned", "implementing", "completed"),
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
