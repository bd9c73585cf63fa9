"""The fixed vocabularies of a rectification campaign."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    """Where the problems came from."""

    CENTRAL_INSPECTION = "central_inspection", _("中央巡视")
    NATIONAL_ASSESSMENT = "national_assessment", _("国家考核")
    PROVINCIAL_CHECK = "provincial_check", _("省级检查")
    COUNTY_SELF_INSPECTION = "county_self_inspection", _("县级自查")


class Tier(models.TextChoices):
    """How soon a problem must be fixed."""

    IMMEDIATE = "immediate", _("立行立改")
    BY_DATE = "by_date", _("限期整改")
    LONG_TERM = "long_term", _("长期坚持")


class ProblemState(models.TextChoices):
    """Where a problem stands as a whole; each responsible unit's part is a ``UnitTask``."""

    RECTIFYING = "rectifying", _("整改中")
    VERIFYING = "verifying", _("核查中")
    CLOSING = "closing", _("待销号")
    CLOSED = "closed", _("已销号")


class UnitTaskState(models.TextChoices):
    """One responsible unit's part of one round of a problem."""

    PLANNING = "planning", _("制定方案")
    REPORTING = "reporting", _("报送整改情况")
    REPORTED = "reported", _("已报送")
    ACCEPTED = "accepted", _("核查通过")
    SENT_BACK = "sent_back", _("已退回")


class Event(models.TextChoices):
    """What a problem's trail records, with the label its timeline shows."""

    OPENED = "opened", _("登记问题")
    FANNED_OUT = "fanned_out", _("分解到责任单位")
    ASSIGNED = "assigned", _("分派承办人")
    CLAIMED = "claimed", _("认领任务")
    RELEASED = "released", _("放弃认领")
    PLAN_SUBMITTED = "plan_submitted", _("报送整改方案")
    REPORT_SUBMITTED = "report_submitted", _("报送整改情况")
    JOINED = "joined", _("责任单位全部报送")
    ACCEPTED = "accepted", _("核查通过")
    SENT_BACK = "sent_back", _("退回整改")
    CLOSED = "closed", _("销号")
    REOPENED = "reopened", _("回头看发现反弹，重新整改")
    REMINDED = "remind", _("临期提醒")
    OVERDUE = "overdue", _("逾期")
