"""A toy procedure that uses every feature of the engine, so the engine is proven on its own.

draft → review → (notice) → appraisal? → approval → verification (two-party sign-off) → done,
with returns, rejections, a withdrawal, guards with reasons, a policy-chosen branch, a working-day
deadline and objections.
"""

from django.db import models

from approvals.models import WorkflowCase
from approvals.spec import Notice, State, Transition, Workflow


def amount_positive(case, ctx):
    if case.amount <= 0:
        yield f"金额必须大于0（当前为{case.amount}）"


def title_given(case, ctx):
    if not case.title.strip():
        yield "请填写名称"


def explodes_on_boom(case, ctx):
    """A guard that fails loudly, to prove a crash inside a transition changes nothing."""
    if case.title == "boom":
        raise RuntimeError("boom")
    return []


def stamp_approval(case, ctx):
    case.approved_at = ctx.now
    return ["approved_at"]


def appraisal_or_approval(case):
    return "appraisal" if case.policy and case.policy.value("appraisal_required") else "approval"


TOY = Workflow(
    "toy",
    "玩具流程",
    states=[
        State("draft", "草稿"),
        State("review", "审核", due_working_days=3),
        State(
            "notice",
            "公示",
            notice=Notice(
                close_to=appraisal_or_approval,
                close_targets=("appraisal", "approval"),
                resolver_roles=("township_reviewer",),
                upheld_to="review",
                days="notice_days",
                default_days=5,
            ),
        ),
        State("appraisal", "论证"),
        State("approval", "审批"),
        State("verification", "核实"),
        State("done", "完成"),
        State("rejected", "未通过"),
        State("withdrawn", "已撤回"),
    ],
    transitions=[
        Transition(
            "submit",
            "提交",
            ("draft",),
            "review",
            ("village_committee", "work_team"),
            guards=(title_given, amount_positive),
        ),
        Transition("withdraw", "撤回", ("draft",), "withdrawn", ("village_committee",)),
        Transition(
            "approve",
            "审核通过",
            ("review",),
            "notice",
            ("township_reviewer",),
            guards=(explodes_on_boom,),
        ),
        Transition(
            "return_for_revision",
            "退回修改",
            ("review", "approval"),
            "draft",
            ("township_reviewer", "county_approver"),
            comment_required=True,
        ),
        Transition(
            "reject",
            "不通过",
            ("review",),
            "rejected",
            ("township_reviewer",),
            comment_required=True,
        ),
        Transition(
            "appraise",
            "论证通过",
            ("appraisal",),
            "approval",
            ("sector_department", "county_office"),
        ),
        Transition(
            "final_approve",
            "审批通过",
            ("approval",),
            "verification",
            ("county_approver",),
            effects=(stamp_approval,),
            confirm=True,
        ),
        Transition(
            "return_to_approval",
            "退回审批",
            ("verification",),
            "approval",
            ("county_approver",),
            comment_required=True,
        ),
        Transition(
            "verify",
            "核实确认",
            ("verification",),
            "done",
            ("village_committee", "work_team"),
            signoff=True,
        ),
    ],
)


class ToyCase(WorkflowCase):
    workflow = TOY
    state = TOY.state_field()
    title = models.CharField(max_length=100)
    amount = models.IntegerField(default=0)
    approved_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.title
