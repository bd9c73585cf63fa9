"""A rectification campaign (整改任务), its problems (问题) and each responsible unit's part.

A problem keeps an HMAC-chained audit trail of its own, like a case: every task event of its
rectification — fanned out, planned, reported, sent back, verified, closed, re-opened, overdue —
is an entry, written with the change it records. The process itself runs on django-viewflow:
each opening of a problem (the first, and each re-opening after a look-back) is one
``RectificationRound``, a viewflow process whose tasks are the units' and the reviewers' work.
"""

import dataclasses

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process, Task

from approvals import binding, calendar, clock
from approvals.exceptions import Reason
from approvals.models import AuditTrail, ChainedRecord, EditRule
from roles.catalogue import Role
from roles.models import Level, Region, Unit, UnitKind

from .choices import ProblemState, Source, Tier, UnitTaskState


class Campaign(ChainedRecord):
    """One inspection's findings as a county rectifies them, under its rectification office.

    It keeps an audit chain of its own: its creation with every value, and each correction of
    its title, source or opening date with old and new values (``approvals.edits``). Its county
    and office decide who closes its items, so they are set once and bound to the chain."""

    source = models.CharField(_("问题来源"), max_length=32, choices=Source.choices)
    title = models.CharField(_("整改任务"), max_length=200)
    county = models.ForeignKey(
        Region,
        verbose_name=_("县"),
        on_delete=models.PROTECT,
        related_name="rectification_campaigns",
        limit_choices_to={"level": Level.COUNTY},
    )
    opened_on = models.DateField(_("开始日期"), default=timezone.localdate)
    office = models.ForeignKey(
        Unit,
        verbose_name=_("整改办"),
        on_delete=models.PROTECT,
        related_name="campaigns_run",
        limit_choices_to={"kind": UnitKind.OFFICE},
    )
    audit_entries = AuditTrail("approvals.AuditEntry")

    engine_fields = ("county", "office")
    # What its chain binds: its county (the entries' region) and every value it was made with.
    BOUND = ("title", "source", "opened_on", "county", "office")

    class Meta:
        verbose_name = _("整改任务")
        verbose_name_plural = _("整改任务")
        ordering = ["-opened_on", "pk"]

    def __str__(self):
        return self.title

    @property
    def region(self):
        return self.county

    @region.setter
    def region(self, county):
        self.county = county

    @classmethod
    def chain_bindings(cls) -> list[binding.Binding]:
        county = dataclasses.replace(binding.REGION, lookup="county__code")
        return [county, *(binding.recorded(cls._meta.get_field(name)) for name in cls.BOUND)]

    @classmethod
    def under_region(cls, prefix: str) -> Q:
        return Q(county__code__startswith=prefix)

    def edit_rule(self) -> EditRule:
        return EditRule(
            (Role.COUNTY_OFFICE,), Reason("not_office", _("只有整改办可以修改整改任务"))
        )

    def clean(self):
        if self.county_id and self.county.level != Level.COUNTY:
            raise ValidationError({"county": _("整改任务只能属于一个县")})
        if self.office_id and self.county_id:
            if self.office.kind != UnitKind.OFFICE:
                raise ValidationError({"office": _("请选择整改办")})
            if not self.office.region.code.startswith(self.county.prefix):
                raise ValidationError({"office": _("整改办必须属于本县")})


class Problem(ChainedRecord):
    """One problem of a campaign's list (问题清单), with who answers for it and by when."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("整改任务"), on_delete=models.PROTECT, related_name="problems"
    )
    # The campaign's county: where the problem's trail and jurisdiction lie.
    region = models.ForeignKey(Region, verbose_name=_("所属区划"), on_delete=models.PROTECT)
    area = models.CharField(_("问题方面"), max_length=100)
    number = models.PositiveIntegerField(_("序号"))
    description = models.TextField(_("具体问题"))
    measures = models.TextField(_("整改措施"), blank=True)
    requirement = models.TextField(_("整改要求"), blank=True)
    lead_unit = models.ForeignKey(
        Unit, verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="problems_led"
    )
    units = models.ManyToManyField(
        Unit, verbose_name=_("责任单位"), related_name="problems_responsible"
    )
    tier = models.CharField(_("整改时限类别"), max_length=16, choices=Tier.choices)
    deadline = models.DateField(_("整改时限"), null=True, blank=True)
    deadline_working_days = models.PositiveSmallIntegerField(
        _("整改时限（工作日）"), null=True, blank=True
    )
    villages = models.ManyToManyField(
        Region, verbose_name=_("涉及村"), blank=True, related_name="rectification_problems"
    )
    households = models.ManyToManyField(
        "household.Household",
        verbose_name=_("涉及农户"),
        blank=True,
        related_name="rectification_problems",
    )
    state = models.CharField(
        _("状态"),
        max_length=16,
        choices=ProblemState.choices,
        default=ProblemState.RECTIFYING,
        editable=False,
    )
    state_since = models.DateTimeField(_("进入当前状态时间"), default=clock.now, editable=False)
    created_at = models.DateTimeField(_("登记时间"), default=clock.now, editable=False)
    recurring = models.BooleanField(_("反弹"), default=False, editable=False)
    times_reopened = models.PositiveSmallIntegerField(_("重新整改次数"), default=0, editable=False)
    audit_entries = AuditTrail("approvals.AuditEntry")

    engine_fields = ("region", "state", "state_since", "recurring", "times_reopened")

    class Meta:
        verbose_name = _("整改问题")
        verbose_name_plural = _("整改问题")
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "number"], name="problem_number_in_campaign"
            )
        ]
        indexes = [models.Index(fields=["region", "state", "state_since"])]

    def __str__(self):
        return f"{self.campaign} · {self.number}. {self.area}"

    @classmethod
    def chain_bindings(cls) -> list[binding.Binding]:
        return [binding.REGION, binding.STATE, binding.STATE_SINCE]

    @property
    def due_date(self):
        """The date the problem must be rectified by; None for a long-term one without a date."""
        if self.deadline:
            return self.deadline
        if self.deadline_working_days is not None:
            return calendar.add_working_days(
                timezone.localdate(self.created_at), self.deadline_working_days
            )
        return None

    def edit_rule(self) -> EditRule:
        """The office corrects a problem's record until it is closed; a closed item is re-opened,
        not rewritten."""
        if self.state == ProblemState.CLOSED:
            return EditRule((), Reason("closed", _("问题已销号，不能修改；如有反弹请重新整改")))
        return EditRule(
            (Role.COUNTY_OFFICE,), Reason("not_office", _("只有整改办可以修改问题清单"))
        )

    def clean(self):
        if self.tier == Tier.BY_DATE and not (self.deadline or self.deadline_working_days):
            raise ValidationError({"deadline": _("限期整改的问题必须填写整改时限")})
        if self.deadline and self.deadline_working_days is not None:
            raise ValidationError(
                {"deadline_working_days": _("整改时限填写日期或工作日天数其中之一即可")}
            )


class RectificationRound(Process):
    """One opening of a problem as a viewflow process: the first, or a re-opening (回头看)."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("整改问题"), on_delete=models.PROTECT, related_name="rounds"
    )
    number = models.PositiveSmallIntegerField(_("轮次"))
    recurring = models.BooleanField(_("反弹"), default=False)

    class Meta:
        verbose_name = _("整改轮次")
        verbose_name_plural = _("整改轮次")
        constraints = [
            models.UniqueConstraint(fields=["problem", "number"], name="one_round_number")
        ]


class UnitTask(models.Model):
    """One responsible unit's part of one round: its plan, its report, where it stands."""

    round = models.ForeignKey(
        RectificationRound,
        verbose_name=_("整改轮次"),
        on_delete=models.PROTECT,
        related_name="unit_tasks",
    )
    problem = models.ForeignKey(
        Problem, verbose_name=_("整改问题"), on_delete=models.PROTECT, related_name="unit_tasks"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="unit_tasks"
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=UnitTaskState.choices, default=UnitTaskState.PLANNING
    )
    # The viewflow task the unit works on now (its plan or its report), None once reported.
    task = models.ForeignKey(
        Task,
        verbose_name=_("当前任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_on = models.DateField(_("办理期限"), null=True, blank=True)
    plan = models.TextField(_("整改方案"), blank=True)
    measures_taken = models.TextField(_("整改措施落实情况"), blank=True)
    progress = models.TextField(_("整改进展"), blank=True)
    reported_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_back_reason = models.TextField(_("退回理由"), blank=True)
    times_sent_back = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    reminded_on = models.DateField(_("提醒日期"), null=True, blank=True)
    overdue_since = models.DateField(_("逾期日期"), null=True, blank=True)
    # When the office was told the task is still overdue (the lead unit's heads are told first).
    escalated_on = models.DateField(_("报告整改办日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("责任单位整改任务")
        verbose_name_plural = _("责任单位整改任务")
        ordering = ["problem", "round", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="one_task_per_unit_and_round")
        ]
        indexes = [models.Index(fields=["unit", "state"])]

    def __str__(self):
        return f"{self.problem} · {self.unit}"


class EvidenceStage(models.TextChoices):
    REPORT = "report", _("整改印证材料")
    CLOSING = "closing", _("销号材料")


class Evidence(models.Model):
    """A file backing a report or a closing (印证材料), kept by its SHA-256 as the trail records."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("整改问题"), on_delete=models.PROTECT, related_name="evidence"
    )
    unit_task = models.ForeignKey(
        UnitTask,
        verbose_name=_("责任单位整改任务"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    stage = models.CharField(_("材料类别"), max_length=16, choices=EvidenceStage.choices)
    sha256 = models.CharField("SHA-256", max_length=64)
    name = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("文件类型"), max_length=100)
    path = models.CharField(_("存储位置"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=clock.now)

    class Meta:
        verbose_name = _("整改材料")
        verbose_name_plural = _("整改材料")
        ordering = ["problem", "uploaded_at"]

    def __str__(self):
        return self.name
