from django.db import models

from approvals.models import WorkflowCase
from approvals.spec import Notice, State, Transition, Workflow

HOUSE_REPAIR = Workflow(
    "house_repair",
    "危房改造",
    states=[
        State("applied", "农户申请"),
        State("township_review", "乡镇审核", due_working_days=5),
        State(
            "notice",
            "村内公示",
            notice=Notice(
                close_to="approved",
                resolver_roles=("township_reviewer",),
                upheld_to="township_review",
                default_days=5,
            ),
        ),
        State("approved", "已批准"),
        State("rejected", "未通过"),
    ],
    transitions=[
        Transition("submit", "提交", ("applied",), "township_review", ("village_committee",)),
        Transition("approve", "审核通过", ("township_review",), "notice", ("township_reviewer",)),
        Transition(
            "reject",
            "不通过",
            ("township_review",),
            "rejected",
            ("township_reviewer",),
            comment_required=True,
        ),
    ],
)


class RepairCase(WorkflowCase):
    workflow = HOUSE_REPAIR
    state = HOUSE_REPAIR.state_field()
    applicant = models.CharField("户主姓名", max_length=50)
    grade = models.CharField(
        "危房等级", max_length=1, choices=[("C", "C级"), ("D", "D级")], default="D"
    )
    subsidy = models.DecimalField("补助金额（元）", max_digits=10, decimal_places=2, default=0)

    class Meta:
        verbose_name = "危房改造"
        verbose_name_plural = "危房改造"

    def __str__(self):
        return self.applicant
