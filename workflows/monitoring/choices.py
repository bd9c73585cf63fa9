"""What a monitoring case records about where the clue came from, the kind of household and its
risks (中农组发〔2021〕7号)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClueSource(models.TextChoices):
    SELF_REPORT = "self_report", _("农户自主申报")
    CADRE_VISIT = "cadre_visit", _("干部排查")
    DEPARTMENT_ALERT = "department_alert", _("部门筛查预警")


class MonitoringType(models.TextChoices):
    UNSTABLE = "unstable", _("脱贫不稳定户")
    MARGINAL = "marginal", _("边缘易致贫户")
    SUDDEN_HARDSHIP = "sudden_hardship", _("突发严重困难户")


class RiskCause(models.TextChoices):
    ILLNESS = "illness", _("因病")
    DISABILITY = "disability", _("因残")
    SCHOOLING = "schooling", _("因学")
    DISASTER = "disaster", _("因灾")
    ACCIDENT = "accident", _("因意外事故")
    UNSTABLE_WORK = "unstable_work", _("因务工就业不稳")
    BUSINESS_FAILURE = "business_failure", _("因产业项目失败")
    LABOUR_SHORTAGE = "labour_shortage", _("因缺劳动力")
    HIGH_EXPENSE = "high_expense", _("因大额刚性支出")
    OTHER = "other", _("其他")


class MeasureKind(models.TextChoices):
    """The kinds of help an assistance plan (一户一策) names."""

    INDUSTRY = "industry", _("产业帮扶")
    EMPLOYMENT = "employment", _("就业帮扶")
    HEALTH = "health", _("健康帮扶")
    EDUCATION = "education", _("教育帮扶")
    HOUSING = "housing", _("住房保障")
    SOCIAL_SECURITY = "social_security", _("兜底保障")
    OTHER = "other", _("其他")
