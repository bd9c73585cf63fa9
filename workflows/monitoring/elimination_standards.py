"""When a monitored household's risk may be marked eliminated (风险消除, 中农组发〔2021〕7号), as
guards whose refusals say why: its income stably above the monitoring line, 两不愁三保障 and
safe drinking water secured, the risk it was monitored for resolved, and monitored at least the
policy's minimum time. The lines are the inclusion's (policy data per year and province); the
period and the minimum time are the elimination's policy data."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approvals.exceptions import Reason
from approvals.models import Policy
from approvals.spec import reads_inputs
from workflows.household.choices import GUARANTEES

from .standards import INCLUSION_WORKFLOW, monitoring_line, year_records

# Months a household stays under monitoring before its risk may be marked eliminated, and the
# years its income must stay above the line, when the policy names none [county default].
MINIMUM_MONTHS = 6
STABLE_INCOME_YEARS = 1


def _yuan(amount) -> str:
    return f"{amount:,.0f}"


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole months from ``start`` to ``end`` (3 March to 2 September is 5)."""
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def months_after(start: datetime.date, months: int) -> datetime.date:
    """The first day ``months`` whole months after ``start`` by ``months_between``: the same day
    of the month, or the 1st of the next month where the month is shorter (31 August and six
    months is 1 March)."""
    year, month = divmod(start.month - 1 + months, 12)
    first = datetime.date(start.year + year, month + 1, 1)
    try:
        return first.replace(day=start.day)
    except ValueError:
        return (first + datetime.timedelta(days=31)).replace(day=1)


def _day(date: datetime.date) -> Reason:
    return Reason("date", _("%(year)d年%(month)d月%(day)d日"), year=date.year, month=date.month,
                  day=date.day)  # fmt: skip


def _policy_value(policy, key, default) -> int:
    return int(policy.value(key, default) if policy else default)


def income_reasons(case):
    """The years of the policy's period each with an income above that year's line."""
    lines = Policy.current(INCLUSION_WORKFLOW, case.region.code)
    years = _policy_value(case.policy, "stable_income_years", STABLE_INCOME_YEARS)
    for year in range(case.year - years + 1, case.year + 1):
        income, _check, missing = year_records(case.household, year)
        if income is None:
            yield from (reason for reason in missing if reason.code == "no_income")
            continue
        line = monitoring_line(lines, year)
        if income.per_capita <= line:
            yield Reason(
                "income_not_stable",
                _("%(year)d年人均纯收入 %(income)s 元，未稳定高于当年监测标准 %(line)s 元"),
                year=year,
                income=_yuan(income.per_capita),
                line=_yuan(line),
            )


def guarantee_reasons(case):
    """两不愁三保障 and safe drinking water, each secured in the case's year."""
    _income, check, missing = year_records(case.household, case.year)
    if check is None:
        yield from (reason for reason in missing if reason.code == "no_guarantee_check")
        return
    for field, words in GUARANTEES:
        if not getattr(check, field):
            yield Reason("guarantee_not_secured", _("%(item)s，风险尚未消除"), item=words)


def time_under_monitoring(since: datetime.date | None, policy, today: datetime.date):
    """Monitored (``since``) at least ``policy``'s minimum months by ``today``; a refusal names
    the day from which the risk may be marked eliminated."""
    minimum = _policy_value(policy, "minimum_monitored_months", MINIMUM_MONTHS)
    if since is None:
        yield Reason("not_monitored", _("该户未纳入监测，不能标注风险消除"))
        return
    months = months_between(since, today)
    if months < minimum:
        yield Reason(
            "monitored_too_short",
            _(
                "该户%(since)s纳入监测，至今%(months)d个月，不满%(minimum)d个月，暂不能标注风险"
                "消除；%(possible)s起可以办理"
            ),
            since=_day(since),
            months=months,
            minimum=minimum,
            possible=_day(months_after(since, minimum)),
        )


def monitored_long_enough(case, ctx):
    """Monitored at least the policy's minimum months by the day of the step."""
    since = case.household.monitored_since
    return time_under_monitoring(since, case.policy, timezone.localdate(ctx.now))


def elimination_standard(case, ctx):
    """The household's data and time under monitoring allow marking its risk eliminated."""
    yield from income_reasons(case)
    yield from guarantee_reasons(case)
    yield from monitored_long_enough(case, ctx)


@reads_inputs
def risk_resolution_given(case, ctx):
    """The home visit says how the risk the household was monitored for has been resolved."""
    if not str(ctx.data.get("risk_resolution", "")).strip():
        yield Reason("risk_resolution_missing", _("请填写风险消除情况：监测时的风险如何已经消除"))


def recorded_risk_resolution(case, ctx):
    if not case.risk_resolution.strip():
        yield Reason("risk_resolution_not_recorded", _("尚未记录风险消除情况"))


def store_risk_resolution(case, ctx):
    case.risk_resolution = str(ctx.data["risk_resolution"]).strip()
    return ["risk_resolution"]
