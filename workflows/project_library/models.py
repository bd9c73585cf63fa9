"""The project application (项目申报) and what hangs off it: performance targets and attachments."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from approvals import clock
from approvals.exceptions import Reason
from approvals.models import WorkflowCase
from workflows.deliberation import MeetingRecord

from .choices import (
    ALL_CATEGORIES,
    FUND_SOURCES,
    AttachmentKind,
    ConstructionNature,
    categories_for,
)
from .spec import PROJECT_LIBRARY


def _money(label):
    return models.DecimalField(
        label,
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )


class ProjectApplication(MeetingRecord, WorkflowCase):
    """A project proposed by a village, on its way into the county library and to completion."""

    workflow = PROJECT_LIBRARY
    state = PROJECT_LIBRARY.state_field()

    name = models.CharField(_("项目名称"), max_length=200)
    category = models.CharField(_("项目类别"), max_length=32, choices=ALL_CATEGORIES, blank=True)
    construction_nature = models.CharField(
        _("建设性质"), max_length=16, choices=ConstructionNature.choices, blank=True
    )
    location = models.CharField(_("建设地点"), max_length=200, blank=True)
    planned_start = models.DateField(_("计划开工时间"), null=True, blank=True)
    planned_end = models.DateField(_("计划完工时间"), null=True, blank=True)
    responsible_unit = models.CharField(_("责任单位"), max_length=200, blank=True)
    tasks_and_scale = models.TextField(_("建设任务和规模"), blank=True)

    total_funds = _money(_("总投资（万元）"))
    funds_central = _money(_("中央资金"))
    funds_provincial = _money(_("省级资金"))
    funds_prefecture = _money(_("市级资金"))
    funds_county = _money(_("县级资金"))
    funds_self_raised = _money(_("自筹资金"))
    funds_other = _money(_("其他资金"))

    beneficiary_households = models.PositiveIntegerField(_("受益户数"), default=0)
    beneficiary_poor_households = models.PositiveIntegerField(_("其中贫困户数"), default=0)
    beneficiary_people = models.PositiveIntegerField(_("受益人数"), default=0)
    benefit_mechanism = models.TextField(_("带贫减贫机制"), blank=True)

    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("项目申报")
        verbose_name_plural = _("项目申报")
        # (region, state, state_since) answers the queues region by region, each region's cases in
        # the order the queue lists them; (state, state_since) the overdue lists.
        indexes = [
            models.Index(fields=["state", "state_since"]),
            models.Index(fields=["region", "state", "state_since"]),
        ]

    def __str__(self):
        return self.name

    def funds_breakdown_total(self) -> Decimal:
        return sum((getattr(self, field) for field, _label in FUND_SOURCES), Decimal("0"))

    def funds_mismatch(self) -> Reason | None:
        """What is wrong with the funds breakdown, or None when the parts add up to the total."""
        parts = self.funds_breakdown_total()
        if parts == self.total_funds:
            return None
        return Reason(
            "funds_mismatch",
            _("各来源资金合计%(sum)s万元，与总投资%(total)s万元不一致"),
            sum=f"{parts:.2f}",
            total=f"{self.total_funds:.2f}",
        )

    def clean(self):
        errors = {}
        if mismatch := self.funds_mismatch():
            errors["total_funds"] = str(mismatch)
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors["planned_end"] = _("计划完工时间不能早于计划开工时间")
        if self.beneficiary_poor_households > self.beneficiary_households:
            errors["beneficiary_poor_households"] = _("贫困户数不能超过受益户数")
        if self.category and self.category not in dict(categories_for(self.policy)):
            errors["category"] = _("该类别不在本项目适用的政策类别目录中")
        if errors:
            raise ValidationError(errors)


class PerformanceTarget(models.Model):
    """One performance target (绩效目标): without any, a project cannot leave the village."""

    project = models.ForeignKey(
        ProjectApplication,
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="performance_targets",
    )
    indicator = models.CharField(_("绩效指标"), max_length=200)
    target_value = models.CharField(_("目标值"), max_length=50)
    unit = models.CharField(_("单位"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("绩效目标")
        verbose_name_plural = _("绩效目标")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.indicator}: {self.target_value}{self.unit}"


class ProjectAttachment(models.Model):
    """A file added to a project; its SHA-256 is also in the audit entry that added it."""

    project = models.ForeignKey(
        ProjectApplication,
        verbose_name=_("项目"),
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    kind = models.CharField(_("类型"), max_length=16, choices=AttachmentKind.choices)
    name = models.CharField(_("文件名"), max_length=200)
    file = models.FileField(_("文件"), upload_to="attachments/", max_length=300)
    sha256 = models.CharField(
        "SHA-256", max_length=64, validators=[RegexValidator(r"^[0-9a-f]{64}$")]
    )
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    uploaded_at = models.DateTimeField(_("上传时间"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.name
