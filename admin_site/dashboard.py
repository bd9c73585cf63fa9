"""统计: where the cases of each procedure stand in each part of the user's jurisdiction, which
notices end soon, which steps are overdue, and the panels procedures add (``Procedure.dashboard``,
such as the households' village figures).

Every figure is an aggregate over a code prefix, so the number of queries depends on the number of
procedures, never on the number of regions or cases.
"""

import dataclasses
import datetime
import functools
import operator

import pygal
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.calendar import is_working_day
from approvals.models import NoticePeriod
from approvals.procedures import procedures, workflow_models
from roles.jurisdiction import region_filter
from roles.models import SIGNIFICANT_DIGITS, Level, Region, ancestor_codes

from .request_scope import get_readable_or_404, read_prefixes

NOTICE_DAYS_AHEAD = 3
# Lists stop here; the page says how many more there are rather than growing without end.
LIST_LIMIT = 100


@dataclasses.dataclass(frozen=True)
class Area:
    """A region, or the whole country above the provinces (where a superuser starts)."""

    code: str
    name: str
    level: int
    prefix: str

    @classmethod
    def of(cls, region: Region) -> "Area":
        return cls(region.code, region.name, region.level, region.prefix)

    @classmethod
    def nation(cls) -> "Area":
        return cls("", _("全国"), 0, "")

    @property
    def child_level(self) -> int | None:
        return self.level + 1 if self.level < Level.VILLAGE else None

    @property
    def part_digits(self) -> int:
        """How many code digits name one row of the table: a child region, or a village itself."""
        return SIGNIFICANT_DIGITS[self.child_level or Level.VILLAGE]

    def filter(self, queryset, field: str = "region"):
        return queryset.filter(region_filter([self.prefix], field)) if self.prefix else queryset


def region_of_prefix(prefix: str) -> str:
    return prefix.ljust(12, "0")


def chosen_area(request, *, default_first: bool = True) -> Area | None:
    """The region asked for in ``?region=`` (404 outside the jurisdiction); without one, the
    user's first outermost region (the country for a superuser), or None if not ``default_first``.
    """
    code = request.GET.get("region", "").strip()
    if code:
        if not code.isdigit():
            raise Http404
        return Area.of(get_readable_or_404(Region.objects.all(), request, field="", code=code))
    if not default_first:
        return None
    prefixes = read_prefixes(request)
    if not prefixes:
        raise Http404
    if prefixes[0] == "":
        return Area.nation()
    return Area.of(get_object_or_404(Region, code=region_of_prefix(prefixes[0])))


def jurisdiction_roots(request) -> list[Area]:
    """The outermost regions the user may look at, for switching between them."""
    prefixes = read_prefixes(request)
    if prefixes == [""]:
        return [Area.nation()]
    regions = Region.objects.filter(code__in=[region_of_prefix(p) for p in prefixes])
    return [Area.of(r) for r in regions]


def region_path(request, area: Area) -> list[Area]:
    """The regions from the top of the user's jurisdiction down to ``area``, for the breadcrumbs."""
    prefixes = read_prefixes(request)
    trail = [Area.nation()] if prefixes == [""] else []
    if area.code:
        ancestors = Region.objects.filter(code__in=ancestor_codes(area.code))
        trail += [Area.of(r) for r in ancestors if any(r.code.startswith(p) for p in prefixes)]
    return trail


# --- counts per state ---------------------------------------------------------------------------


def part_rows(area: Area) -> list[Area]:
    """The rows of the table: the regions one level below ``area``, or a village itself."""
    if area.child_level is None:
        return [area]
    children = area.filter(Region.objects.filter(level=area.child_level), field="")
    return [Area.of(r) for r in children.order_by("code")]


def state_counts(model, area: Area) -> dict[tuple[str, str], int]:
    """Cases of ``model`` per (row prefix, state) under ``area``: one grouped query."""
    rows = (
        area.filter(model._default_manager.all())
        .annotate(part=Substr("region__code", 1, area.part_digits))
        .values("part", "state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(row["part"], row["state"]): row["n"] for row in rows}


def _without_scripts(root):
    """pygal always writes its configuration as an inline script; the CSP forbids it and the
    chart needs none, so it is taken out of the tree before the SVG is written."""
    for parent in list(root.iter()):
        for child in list(parent):
            if str(child.tag).rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return root


CHART_STYLE = pygal.style.Style(
    font_family='"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "SimHei", sans-serif',
    background="transparent",
    plot_background="transparent",
    title_font_size=18,
    label_font_size=14,
    major_label_font_size=14,
    legend_font_size=14,
)


def count_axis(series: list[tuple[str, list[int]]]) -> list[int]:
    """Whole-number marks up the y axis (cases come one at a time, never in tenths)."""
    columns = zip(*(values for _name, values in series), strict=True)
    highest = max((sum(column) for column in columns), default=0)
    step = max(1, -(-highest // 8))
    return list(range(0, highest + step, step))


def stacked_chart(title: str, labels: list[str], series: list[tuple[str, list[int]]]) -> str:
    """A stacked bar chart as SVG markup, with no script in it."""
    chart = pygal.StackedBar(
        js=[],
        style=CHART_STYLE,
        title=title,
        x_labels=labels,
        y_labels=count_axis(series),
        x_label_rotation=30 if len(labels) > 6 else 0,
        legend_at_bottom=True,
        legend_at_bottom_columns=4,
        height=400,
        no_data_text=_("暂无数据"),
    )
    for name, values in series:
        chart.add(name, values)
    return svg(chart)


def svg(chart) -> str:
    """A pygal chart as SVG markup to put in a page: no script (the CSP forbids inline ones) and
    no XML declaration."""
    chart.add_xml_filter(_without_scripts)
    return chart.render(is_unicode=True, disable_xml_declaration=True)


@dataclasses.dataclass
class StateTable:
    label: str
    states: list[str]
    rows: list[tuple[Area, list[int], int]]
    totals: list[int]
    total: int
    chart: str


def state_table(model, area: Area, parts: list[Area]) -> StateTable:
    workflow = model.workflow
    counts = state_counts(model, area)
    keys = [part.code[: area.part_digits] for part in parts]
    states = [s for s in workflow.states if any(counts.get((k, s)) for k in keys)]
    rows = []
    for part, key in zip(parts, keys, strict=True):
        values = [counts.get((key, s), 0) for s in states]
        rows.append((part, values, sum(values)))
    totals = [sum(row[1][i] for row in rows) for i in range(len(states))]
    labels = [str(workflow.state_label(s)) for s in states]
    chart = ""
    if states:
        chart = stacked_chart(
            str(workflow.label),
            [part.name for part in parts],
            [(label, [row[1][i] for row in rows]) for i, label in enumerate(labels)],
        )
    return StateTable(str(workflow.label), labels, rows, totals, sum(totals), chart)


# --- notices and overdue steps --------------------------------------------------------------------


def overdue_cutoff(working_days: int, today: datetime.date) -> datetime.datetime:
    """The moment before which a case that entered a state allowed ``working_days`` is overdue.

    A case that entered on day d is due ``working_days`` working days after d, and overdue once
    that date is before today: that is, when d is before the ``working_days``-th working day
    counting back from yesterday. Walking back is a handful of calendar look-ups, not a query.
    """
    day, found = today, 0
    while found < working_days:
        day -= datetime.timedelta(days=1)
        if is_working_day(day):
            found += 1
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def change_url(model, pk) -> str | None:
    meta = model._meta
    try:
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[pk])
    except NoReverseMatch:
        return None


@dataclasses.dataclass
class CaseLine:
    workflow: str
    case: str
    region: str
    state: str
    url: str | None
    since: datetime.datetime
    until: datetime.datetime | datetime.date | None


def overdue_cases(area: Area, today: datetime.date) -> tuple[list[CaseLine], bool]:
    """Cases past the due date of their step, oldest first: one query per timed procedure."""
    lines, more = [], False
    for model in workflow_models().values():
        workflow = model.workflow
        timed = [s for s in workflow.states.values() if s.due_working_days is not None]
        if not timed:
            continue
        condition = functools.reduce(
            operator.or_,
            (
                Q(state=s.name, state_since__lt=overdue_cutoff(s.due_working_days, today))
                for s in timed
            ),
        )
        cases = list(
            area.filter(model._default_manager.filter(condition))
            .select_related()
            .order_by("state_since", "pk")[: LIST_LIMIT + 1]
        )
        more = more or len(cases) > LIST_LIMIT
        lines += [
            CaseLine(
                str(workflow.label),
                str(case),
                case.region.name,
                str(case.state_label),
                change_url(model, case.pk),
                case.state_since,
                case.due_date,
            )
            for case in cases[:LIST_LIMIT]
        ]
    lines.sort(key=lambda line: line.since)
    return lines, more


def notices_ending_soon(area: Area, now: datetime.datetime) -> tuple[list[CaseLine], bool]:
    """Running notices that end within three days; one query, plus one per procedure to name the
    cases they belong to."""
    notices = list(
        area.filter(
            NoticePeriod.objects.running().filter(
                suspended_at__isnull=True,
                ends_at__gte=now,
                ends_at__lte=now + datetime.timedelta(days=NOTICE_DAYS_AHEAD),
            )
        )
        .select_related("region")
        .order_by("ends_at", "pk")[: LIST_LIMIT + 1]
    )
    more = len(notices) > LIST_LIMIT
    notices = notices[:LIST_LIMIT]
    ids: dict[int, list[int]] = {}
    for notice in notices:
        ids.setdefault(notice.content_type_id, []).append(notice.object_id)
    cases = {}
    for content_type_id, object_ids in ids.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None:
            continue
        for pk, case in model._default_manager.select_related().in_bulk(object_ids).items():
            cases[content_type_id, pk] = case
    lines = []
    for notice in notices:
        case = cases.get((notice.content_type_id, notice.object_id))
        if case is None:
            continue
        lines.append(
            CaseLine(
                str(case.workflow.label),
                str(case),
                notice.region.name,
                str(case.workflow.state_label(notice.state)),
                change_url(type(case), case.pk),
                notice.opened_at,
                notice.ends_at,
            )
        )
    return lines, more


# --- the procedures' panels -----------------------------------------------------------------------


def procedure_panels(request, area: Area) -> list[str]:
    """The sections the procedures add for ``area``, rendered, in the order of INSTALLED_APPS."""
    panels = [p.dashboard(request, area) for p in procedures() if p.dashboard is not None]
    return [render_to_string(p.template, p.context, request) for p in panels if p is not None]


# --- the page -------------------------------------------------------------------------------------


def view(request):
    area = chosen_area(request)
    now = timezone.now()
    today = timezone.localdate(now)
    parts = part_rows(area)
    tables = [state_table(model, area, parts) for model in workflow_models().values()]
    notices, more_notices = notices_ending_soon(area, now)
    overdue, more_overdue = overdue_cases(area, today)
    roots = jurisdiction_roots(request)
    context = {
        **admin.site.each_context(request),
        "title": _("统计"),
        "area": area,
        "trail": region_path(request, area),
        "roots": roots if len(roots) > 1 else [],
        "part_level": Level(area.child_level).label if area.child_level else Level.VILLAGE.label,
        "drill_down": area.child_level is not None,
        "tables": tables,
        "notices": notices,
        "more_notices": more_notices,
        "notice_days": NOTICE_DAYS_AHEAD,
        "overdue": overdue,
        "more_overdue": more_overdue,
        "list_limit": LIST_LIMIT,
        "panels": procedure_panels(request, area),
    }
    return TemplateResponse(request, "admin/jingzhun/dashboard.html", context)


def urls(wrap):
    return [path("dashboard/", wrap(view), name="dashboard")]
