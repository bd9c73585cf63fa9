"""The monitoring panel of the dashboard (统计): for a month, per part of the region looked at
(its townships, villages, or a village itself), the households newly included by type, those
under monitoring at the month's end, those whose risk was eliminated in the month, and the
inclusions now past their time limit. Each figure is one grouped query, however many regions."""

import datetime
from typing import NamedTuple

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from admin_site.dashboard import overdue_cutoff, part_rows
from approvals import clock
from approvals.models import Policy
from approvals.procedures import Panel

from .choices import MonitoringType
from .elimination import ELIMINATED
from .models import INCLUSION_WORKING_DAYS, EliminationCase, MonitoringCase
from .spec import DECIDED, INCLUSION, MONITORED


class Month(NamedTuple):
    first: datetime.date
    after: datetime.date  # the first day of the next month

    @property
    def label(self) -> str:
        return self.first.strftime("%Y-%m")

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        start, end = (datetime.datetime.combine(d, datetime.time.min) for d in self)
        return timezone.make_aware(start), timezone.make_aware(end)


def chosen_month(request) -> Month:
    """The month asked for in ``?month=YYYY-MM``; without a sensible one, this month."""
    try:
        first = datetime.datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()
    except ValueError:
        first = timezone.localdate(clock.now()).replace(day=1)
    if not 2000 <= first.year <= 2100:
        first = timezone.localdate(clock.now()).replace(day=1)
    after = (first + datetime.timedelta(days=31)).replace(day=1)
    return Month(first, after)


def _per_part(queryset, area, **counts) -> dict[str, dict[str, int]]:
    rows = (
        area.filter(queryset)
        .annotate(part=Substr("region__code", 1, area.part_digits))
        .values("part")
        .annotate(**counts)
        .order_by()
    )
    return {row.pop("part"): row for row in rows}


def overdue_inclusions(today: datetime.date) -> Q:
    """Open inclusions past the whole inclusion's limit, under the limit of each one's policy."""
    condition = Q(pk__in=[])
    for policy in Policy.objects.filter(workflow=INCLUSION.name):
        days = int(policy.value("inclusion_working_days") or INCLUSION_WORKING_DAYS)
        condition |= Q(policy=policy, created_at__lt=overdue_cutoff(days, today))
    return condition & ~Q(state__in=DECIDED)


class PartFigures(NamedTuple):
    part: object
    included: list[int]  # by monitoring type
    monitored: int
    eliminated: int
    overdue: int


def monthly_figures(area, month: Month, today: datetime.date) -> list[PartFigures]:
    start, end = month.bounds()
    included_in_month = Q(state=MONITORED, state_since__gte=start, state_since__lt=end)
    inclusions = _per_part(
        MonitoringCase.objects.all(),
        area,
        **{
            kind: Count("pk", filter=included_in_month & Q(monitoring_type=kind))
            for kind in MonitoringType.values
        },
        included_by_end=Count("pk", filter=Q(state=MONITORED, state_since__lt=end)),
        overdue=Count("pk", filter=overdue_inclusions(today)),
    )
    eliminations = _per_part(
        EliminationCase.objects.filter(state=ELIMINATED),
        area,
        in_month=Count("pk", filter=Q(state_since__gte=start, state_since__lt=end)),
        by_end=Count("pk", filter=Q(state_since__lt=end)),
    )
    figures = []
    for part in part_rows(area):
        key = part.code[: area.part_digits]
        included = inclusions.get(key, {})
        eliminated = eliminations.get(key, {})
        figures.append(
            PartFigures(
                part,
                [included.get(kind, 0) for kind in MonitoringType.values],
                included.get("included_by_end", 0) - eliminated.get("by_end", 0),
                eliminated.get("in_month", 0),
                included.get("overdue", 0),
            )
        )
    return figures


def monthly_panel(request, area) -> Panel:
    month = chosen_month(request)
    rows = monthly_figures(area, month, timezone.localdate(clock.now()))
    totals = PartFigures(
        None,
        [sum(row.included[i] for row in rows) for i in range(len(MonitoringType.values))],
        *(
            sum(getattr(row, name) for row in rows)
            for name in ("monitored", "eliminated", "overdue")
        ),
    )
    context = {
        "area": area,
        "month": month,
        "types": MonitoringType.labels,
        "rows": rows,
        "totals": totals,
        "drill_down": area.child_level is not None,
    }
    return Panel("monitoring/monthly_figures.html", context)
