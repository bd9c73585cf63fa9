"""The two monitoring procedures' cases, inclusion (纳入监测) and risk elimination (风险消除),
and the assistance plan (一户一策) of a household under monitoring."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approvals import calendar, clock
from approvals.exceptions import Reason
from approvals.models import Policy
from workflows.deliberation import MeetingRecord
from workflows.household.choices import MonitoringStatus
from workflows.household.models import QUEUE_INDEX, Household, HouseholdCase

from .choices import ClueSource, MeasureKind, MonitoringType, RiskCause
from .elimination import CLOSED, ELIMINATION
from .elimination_standards import time_under_monitoring
from .spec import DECIDED, INCLUSION

# The whole inclusion's limit from the clue, in working days, when the policy names none [local].
INCLUSION_WORKING_DAYS = 15


def stored(household, name: str):
    """The household's field ``name`` as stored now (the steps that keep its monitoring status
    save another instance)."""
    return Household.objects.filter(pk=household.pk).values_list(name, flat=True)[0]


def opening_refusals(household) -> list[Reason]:
    """Why a monitoring case cannot be opened for ``household`` now (empty when it can): one case
    at a time, and none for a household already under monitoring."""
    if stored(household, "monitoring_status") == MonitoringStatus.MONITORED:
        return [Reason("monitored_already", _("该户已纳入防返贫监测，无需重复纳入"))]
    if MonitoringCase.objects.filter(household=household).exclude(state__in=DECIDED).exists():
        return [Reason("case_open", _("该户已有进行中的纳入监测申请"))]
    return []


class MonitoringCase(MeetingRecord, HouseholdCase):
    """纳入监测: clue, two-party home visit with signed authorisation, data comparison,
    deliberation, village notice, township review, county decision."""

    workflow = INCLUSION
    state = INCLUSION.state_field()

    clue_source = models.CharField(_("线索来源"), max_length=20, choices=ClueSource.choices)
    monitoring_type = models.CharField(
        _("监测对象类型"), max_length=20, choices=MonitoringType.choices
    )
    risk_causes = models.JSONField(_("风险类型"), default=list)
    authorisation_sha256 = models.CharField(
        _("信息比对授权书SHA-256"), max_length=64, blank=True, editable=False
    )
    comparison_result = models.TextField(_("比对结果"), blank=True, editable=False)
    hardship_expense = models.PositiveIntegerField(
        _("大额刚性支出（元）"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("防返贫监测对象纳入")
        verbose_name_plural = _("防返贫监测对象纳入")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=~Q(state__in=DECIDED),
                name="one_open_monitoring_per_household",
            )
        ]
        indexes = [models.Index(fields=["region", "state"])]  # the queues, region by region

    @property
    def due_date(self):
        """The whole inclusion is due a policy's number of working days after the clue."""
        if self.state in DECIDED:
            return None
        days = self.policy.value("inclusion_working_days") if self.policy else None
        start = timezone.localdate(self.created_at)
        return calendar.add_working_days(start, int(days or INCLUSION_WORKING_DAYS))

    def clean(self):
        causes = self.risk_causes
        if not isinstance(causes, list) or not causes or set(causes) - set(RiskCause.values):
            raise ValidationError({"risk_causes": _("请从风险类型目录中选择一项或几项")})
        if self._state.adding and self.household_id is not None:
            refusals = opening_refusals(self.household)
            if refusals:
                raise ValidationError({"household": [str(r) for r in refusals]})


def elimination_refusals(household) -> list[Reason]:
    """Why the risk of ``household`` cannot be proposed for elimination now (empty when it can):
    only a household under monitoring, one proposal at a time, once it has been monitored the
    policy's minimum months."""
    if stored(household, "monitoring_status") != MonitoringStatus.MONITORED:
        return [Reason("not_monitored", _("该户未在监测中，不能启动风险消除"))]
    if EliminationCase.objects.filter(household=household).exclude(state__in=CLOSED).exists():
        return [Reason("elimination_open", _("该户已有进行中的风险消除"))]
    today = timezone.localdate(clock.now())
    policy = Policy.current(ELIMINATION.name, household.region.code, today)
    return list(time_under_monitoring(stored(household, "monitored_since"), policy, today))


class EliminationCase(MeetingRecord, HouseholdCase):
    """风险消除: proposal and deliberation, two-party home visit, village notice, township
    review, county decision; the household is then no longer under monitoring."""

    workflow = ELIMINATION
    state = ELIMINATION.state_field()

    risk_resolution = models.TextField(_("风险消除情况"), blank=True, editable=False)

    class Meta:
        verbose_name = _("防返贫监测风险消除")
        verbose_name_plural = _("防返贫监测风险消除")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=~Q(state__in=CLOSED),
                name="one_open_elimination_per_household",
            )
        ]
        indexes = [models.Index(fields=QUEUE_INDEX)]

    def clean(self):
        if self._state.adding and self.household_id is not None:
            refusals = elimination_refusals(self.household)
            if refusals:
                raise ValidationError({"household": [str(r) for r in refusals]})


class AssistancePlan(models.Model):
    """一户一策: the plan drawn up when a household is put under monitoring, whose measures are
    recorded on the household's page and audited on its chain."""

    household = models.ForeignKey(
        Household,
        verbose_name=_("农户"),
        on_delete=models.CASCADE,
        related_name="assistance_plans",
    )
    monitoring_case = models.OneToOneField(
        MonitoringCase,
        verbose_name=_("纳入监测"),
        on_delete=models.PROTECT,
        related_name="assistance_plan",
        editable=False,
    )
    drawn_up_on = models.DateField(_("制定日期"))
    goal = models.TextField(_("帮扶目标"), blank=True)

    class Meta:
        verbose_name = _("帮扶计划")
        verbose_name_plural = _("帮扶计划")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.household} {self.drawn_up_on}"


class AssistanceMeasure(models.Model):
    """One measure of a plan: its kind, who answers for it, when it is planned and delivered."""

    household = models.ForeignKey(
        Household,
        verbose_name=_("农户"),
        on_delete=models.CASCADE,
        related_name="assistance_measures",
    )
    plan = models.ForeignKey(
        AssistancePlan,
        verbose_name=_("帮扶计划"),
        on_delete=models.PROTECT,
        related_name="measures",
        editable=False,
    )
    kind = models.CharField(_("帮扶类型"), max_length=20, choices=MeasureKind.choices)
    content = models.CharField(_("帮扶措施"), max_length=200)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人"),
        on_delete=models.PROTECT,
        related_name="assistance_measures",
    )
    planned_on = models.DateField(_("计划完成日期"))
    delivered_on = models.DateField(_("落实日期"), null=True, blank=True)
    delivery_note = models.CharField(_("落实情况"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("帮扶措施")
        verbose_name_plural = _("帮扶措施")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.content}"

    def clean(self):
        if self.delivered_on and self.delivered_on > timezone.localdate(clock.now()):
            raise ValidationError({"delivered_on": _("落实日期不能晚于今天")})
        if self.delivery_note.strip() and not self.delivered_on:
            raise ValidationError({"delivered_on": _("填写落实情况时请同时填写落实日期")})
