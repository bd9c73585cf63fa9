"""Households, their members, the yearly income and guarantee assessments, the poverty line,
and the two cases a household goes through: identification and exit."""

from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from approvals import clock
from approvals.models import ChainedRecord, EditRule, WorkflowCase
from roles.models import Region
from workflows.deliberation import MeetingRecord

from . import editing, idnumber
from .choices import (
    Cause,
    Education,
    Health,
    LabourSkill,
    MonitoringStatus,
    PovertyAttribute,
    RegisterStatus,
    Relation,
    Sex,
    StudentStatus,
)
from .spec import EXIT, IDENTIFICATION
from .standards import exit_assessment


class Household(ChainedRecord):
    """A household in a village: the unit that is identified, helped and exits (建档立卡户).

    It keeps an audit chain of its own (it outlives its cases): its creation and every edit of
    its data, members, incomes and guarantee checks, with old and new values.
    """

    region = models.ForeignKey(
        Region, verbose_name=_("所属村"), on_delete=models.PROTECT, related_name="households"
    )
    number = models.CharField(_("户编号"), max_length=30)
    head_name = models.CharField(_("户主姓名"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    poverty_attribute = models.CharField(
        _("贫困户属性"), max_length=16, choices=PovertyAttribute.choices, blank=True
    )
    main_cause = models.CharField(
        _("主要致贫原因"), max_length=16, choices=Cause.choices, blank=True
    )
    other_causes = models.JSONField(_("其他致贫原因"), default=list, blank=True)
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("帮扶责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="helped_households",
    )
    register_status = models.CharField(
        _("建档立卡状态"),
        max_length=16,
        choices=RegisterStatus.choices,
        default=RegisterStatus.NOT_REGISTERED,
        editable=False,
    )
    identification_year = models.PositiveSmallIntegerField(
        _("识别年度"), null=True, blank=True, editable=False
    )
    exit_year = models.PositiveSmallIntegerField(
        _("脱贫年度"), null=True, blank=True, editable=False
    )
    monitoring_status = models.CharField(
        _("防返贫监测"),
        max_length=16,
        choices=MonitoringStatus.choices,
        default=MonitoringStatus.NOT_MONITORED,
        editable=False,
    )
    monitored_since = models.DateField(_("纳入监测日期"), null=True, blank=True, editable=False)
    # The figure the county's register gives (imported), kept apart from the yearly assessments
    # the identification and exit guards read: nothing is decided on it.
    register_income = models.DecimalField(
        _("台账人均纯收入（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    low_income_guarantee = models.BooleanField(_("低保兜底"), default=False)
    # The facts the exclusion rules (四类人员) read; a rule that is switched on refuses on a fact.
    public_payroll = models.BooleanField(_("家庭成员中有财政供养人员"), default=False)
    town_flat = models.BooleanField(_("在城镇购买商品房"), default=False)
    car = models.BooleanField(_("拥有小汽车或非生产经营性车辆"), default=False)
    business = models.BooleanField(_("家庭成员中有人注册公司或经营企业"), default=False)
    village_official = models.BooleanField(_("家庭成员中有现任村干部"), default=False)

    class Meta:
        verbose_name = _("农户")
        verbose_name_plural = _("农户")
        constraints = [
            models.UniqueConstraint(fields=["region", "number"], name="household_number_in_village")
        ]
        indexes = [models.Index(fields=["register_status"])]

    def __str__(self):
        """Its head and number, flagged while it is under monitoring, wherever it is named."""
        name = f"{self.head_name}（{self.number}）"
        if self.monitoring_status == MonitoringStatus.MONITORED:
            return f"{name}【{MonitoringStatus.MONITORED.label}】"
        return name

    def public_summary(self) -> dict:
        """What a public notice may show: the head's name, the village and the household size,
        never an ID or phone number."""
        return {
            "head_name": self.head_name,
            "village": self.region.name,
            "size": self.members.count(),
        }

    def open_cases(self) -> list:
        """Its cases still running, of every procedure whose decision rests on its data:
        identification and exit, and those built on households such as monitoring."""
        if self.pk is None:
            return []
        return [
            case
            for model in apps.get_models()
            if issubclass(model, HouseholdCase)
            for case in model.objects.filter(household=self).exclude(
                state__in=model.workflow.closed_states()
            )
        ]

    def edit_rule(self) -> EditRule:
        return editing.household_rule(self, self.open_cases())

    def decided_years(self) -> set[int]:
        """The years its decided identification and exit cases rested on."""
        if self.pk is None:
            return set()
        identified = IdentificationCase.objects.filter(household=self, state__in=IDENTIFIED)
        exited = ExitCase.objects.filter(household=self, state__in=EXITED)
        return {
            *identified.values_list("year", flat=True),
            *exited.values_list("year", flat=True),
        }

    def fixed_figures(self):
        return editing.decided_years_fixed(self.decided_years())

    def clean(self):
        causes = self.other_causes
        if not isinstance(causes, list) or not all(isinstance(c, str) for c in causes):
            raise ValidationError(
                {"other_causes": _('其他致贫原因应是致贫原因目录中的若干项，例如 ["illness"]')}
            )
        if set(causes) - set(Cause.values):
            raise ValidationError({"other_causes": _("致贫原因不在目录中")})


class Member(models.Model):
    """A person in a household. An ID number is held by one household at most."""

    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(
        _("身份证号码"),
        max_length=18,
        unique=True,
        validators=[idnumber.validate_id_number],
        error_messages={"unique": _("该身份证号码已登记在另一户中，一人不能同时属于两户")},
    )
    relation = models.CharField(_("与户主关系"), max_length=16, choices=Relation.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True)
    sex = models.CharField(_("性别"), max_length=8, choices=Sex.choices, editable=False)
    birth_date = models.DateField(_("出生日期"), editable=False)
    health = models.CharField(
        _("健康状况"), max_length=24, choices=Health.choices, default=Health.HEALTHY
    )
    education = models.CharField(
        _("文化程度"), max_length=16, choices=Education.choices, blank=True
    )
    labour_skill = models.CharField(
        _("劳动技能"), max_length=16, choices=LabourSkill.choices, blank=True
    )
    student_status = models.CharField(
        _("在校生状况"),
        max_length=16,
        choices=StudentStatus.choices,
        default=StudentStatus.NOT_STUDENT,
    )

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        ordering = ["pk"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.id_number = idnumber.normalise(self.id_number)
        idnumber.validate_id_number(self.id_number)
        self.birth_date = idnumber.birth_date(self.id_number)
        self.sex = idnumber.sex(self.id_number)
        super().save(*args, **kwargs)

    @property
    def masked_id_number(self) -> str:
        return idnumber.mask(self.id_number)


def _yuan(label):
    return models.DecimalField(
        label, max_digits=12, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )  # fmt: skip


class IncomeAssessment(models.Model):
    """A household's net income for a year (元). The per-capita figure is derived, never typed."""

    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.CASCADE, related_name="incomes"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    wage_income = _yuan(_("工资性收入"))
    business_income = models.DecimalField(
        _("生产经营性净收入"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    transfer_income = _yuan(_("转移性收入"))
    property_income = _yuan(_("财产性收入"))
    household_size = models.PositiveSmallIntegerField(_("家庭人口"), editable=False)

    class Meta:
        verbose_name = _("收入测算")
        verbose_name_plural = _("收入测算")
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="one_income_per_year")
        ]

    def __str__(self):
        return f"{self.household} {self.year}"

    def save(self, *args, **kwargs):
        self.household_size = self.household.members.count()
        if not self.household_size:
            raise ValidationError(_("该户没有家庭成员，不能计算人均纯收入"))
        super().save(*args, **kwargs)

    @property
    def total(self) -> Decimal:
        return self.wage_income + self.business_income + self.transfer_income + self.property_income

    @property
    @admin.display(description=_("人均纯收入"))
    def per_capita(self) -> Decimal | None:
        if not self.household_size:  # not saved yet: the size is counted on saving
            return None
        return (self.total / self.household_size).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


class GuaranteeCheck(models.Model):
    """两不愁三保障 and safe drinking water for a household in a year: each met or not, and why."""

    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.CASCADE, related_name="guarantees"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    food_clothing = models.BooleanField(_("不愁吃、不愁穿"), default=False)
    food_clothing_note = models.CharField(_("说明"), max_length=200, blank=True)
    compulsory_education = models.BooleanField(_("义务教育有保障"), default=False)
    compulsory_education_note = models.CharField(_("说明"), max_length=200, blank=True)
    medical_insurance = models.BooleanField(_("基本医疗有保障"), default=False)
    medical_insurance_note = models.CharField(_("说明"), max_length=200, blank=True)
    safe_housing = models.BooleanField(_("住房安全有保障"), default=False)
    safe_housing_note = models.CharField(_("说明"), max_length=200, blank=True)
    safe_water = models.BooleanField(_("饮水安全有保障"), default=False)
    safe_water_note = models.CharField(_("说明"), max_length=200, blank=True)
    policy_effect_evident = models.BooleanField(_("帮扶政策成效明显"), default=True)

    class Meta:
        verbose_name = _("两不愁三保障核查")
        verbose_name_plural = _("两不愁三保障核查")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "year"], name="one_guarantee_check_per_year"
            )
        ]

    def __str__(self):
        return f"{self.household} {self.year}"


class PovertyLine(models.Model):
    """The poverty line (扶贫标准) for a year, national ('' prefix) or a province's own, in 元.

    ``dibao_line`` is the local minimum-living-guarantee line, when known; an exit under 低保兜底
    is blocked where it does not exceed the poverty line. Each line names where its figure comes
    from; one not yet checked against a public text is marked unverified wherever it is shown.
    """

    year = models.PositiveSmallIntegerField(_("年度"))
    region_prefix = models.CharField(_("适用区划代码前缀"), max_length=12, blank=True)
    amount = models.DecimalField(_("扶贫标准（元/人·年）"), max_digits=10, decimal_places=2)
    dibao_line = models.DecimalField(
        _("低保标准（元/人·年）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    source = models.TextField(_("来源"), blank=True, help_text=_("公布该标准的文件或出处"))
    verified = models.BooleanField(
        _("已核实"), default=False, help_text=_("已对照公开的原文核实该数额")
    )

    class Meta:
        verbose_name = _("扶贫标准")
        verbose_name_plural = _("扶贫标准")
        constraints = [
            models.UniqueConstraint(fields=["year", "region_prefix"], name="one_line_per_year")
        ]

    def __str__(self):
        return f"{self.year} {self.amount}"

    def verification(self) -> str:
        return str(_("已核实") if self.verified else _("未核实"))

    @classmethod
    def for_region(cls, year: int, region_code: str):
        """The line that applies in a region: its province's own if set, else the national one."""
        prefixes = [region_code[:n] for n in (0, 2, 4, 6)]
        lines = cls.objects.filter(year=year, region_prefix__in=prefixes)
        return max(lines, key=lambda line: len(line.region_prefix), default=None)


class HouseholdCase(WorkflowCase):
    """What both cases share: the household, the year assessed, and one open case per kind."""

    household = models.ForeignKey(Household, verbose_name=_("农户"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("年度"))
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.household} {self.year}"

    def poverty_line(self):
        """The poverty line the case is assessed against: its year's, in its region."""
        return PovertyLine.for_region(self.year, self.region.code)

    def save(self, *args, **kwargs):
        if self._state.adding and self.region_id is None:
            self.region = self.household.region
        super().save(*args, **kwargs)


IDENTIFICATION_CLOSED = ("registered", "rejected")
EXIT_CLOSED = ("exited", "withdrawn")
# Closed with a decision on the year's data (a withdrawn exit decided nothing).
IDENTIFIED = IDENTIFICATION_CLOSED
EXITED = ("exited",)
# The queues, region by region, each region's cases in the order the queue lists them.
QUEUE_INDEX = ["region", "state", "state_since"]


def _one_open_case(model_name, closed_states):
    return models.UniqueConstraint(
        fields=["household"],
        condition=~Q(state__in=closed_states),
        name=f"one_open_{model_name}_per_household",
    )


class IdentificationCase(MeetingRecord, HouseholdCase):
    """识别: application, deliberation, two-party verification, two notices, an announcement."""

    workflow = IDENTIFICATION
    state = IDENTIFICATION.state_field()

    class Meta:
        verbose_name = _("贫困户识别")
        verbose_name_plural = _("贫困户识别")
        constraints = [_one_open_case("identification", IDENTIFICATION_CLOSED)]
        indexes = [models.Index(fields=QUEUE_INDEX)]


class ExitCase(MeetingRecord, HouseholdCase):
    """退出: proposal, deliberation, verification, household consent, notice, announcement, 销号."""

    workflow = EXIT
    state = EXIT.state_field()

    consent_form_sha256 = models.CharField(
        _("签字认可表SHA-256"), max_length=64, blank=True, editable=False
    )
    consent_signed_on = models.DateField(_("签字日期"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("贫困户退出")
        verbose_name_plural = _("贫困户退出")
        constraints = [_one_open_case("exit", EXIT_CLOSED)]
        indexes = [models.Index(fields=QUEUE_INDEX)]

    def assessment(self):
        """The pre-exit class (A/B/C) on today's data, with every gap that keeps it from A."""
        return exit_assessment(self)


class VillagePopulation(models.Model):
    """The rural population of a village in a year (input data), the base of its incidence."""

    region = models.ForeignKey(Region, verbose_name=_("村"), on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField(_("年度"))
    rural_population = models.PositiveIntegerField(_("农村人口"))

    class Meta:
        verbose_name = _("村农村人口")
        verbose_name_plural = _("村农村人口")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="one_population_per_year")
        ]

    def __str__(self):
        return f"{self.region} {self.year}: {self.rural_population}"
