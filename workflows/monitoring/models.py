"""The inclusion case: a household found at risk of (returning to) poverty, checked, agreed in
public and decided by the county (纳入监测)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approvals import calendar
from approvals.exceptions import Reason
from workflows.deliberation import MeetingRecord
from workflows.household.models import HouseholdCase

from .choices import ClueSource, MonitoringType, RiskCause
from .spec import DECIDED, INCLUSION, MONITORED

# The whole inclusion's limit from the clue, in working days, when the policy names none [local].
INCLUSION_WORKING_DAYS = 15


def opening_refusals(household) -> list[Reason]:
    """Why a monitoring case cannot be opened for ``household`` now (empty when it can): one case
    at a time, and none for a household already under monitoring."""
    cases = MonitoringCase.objects.filter(household=household)
    if cases.filter(state=MONITORED).exists():
        return [Reason("monitored_already", _("该户已纳入防返贫监测，无需重复纳入"))]
    if cases.exclude(state__in=DECIDED).exists():
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
