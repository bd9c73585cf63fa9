"""A campaign's figures: its problems by state and by tier, what is overdue, each responsible
unit's progress and the burn-down of open problems, for the problems the reader may see.

Each figure is one grouped query (the burn-down one query over the trail, ``history``), so the
page costs the same for five problems or five hundred.
"""

import dataclasses
import datetime

import pygal
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from admin_site.dashboard import CHART_STYLE, LIST_LIMIT, count_axis, svg

from .choices import ProblemState, Tier, UnitTaskState
from .history import histories, open_per_day
from .models import RectificationRound, UnitTask
from .reading import Reading

# A unit's part is done once it has reported; the reviewers' work is not the unit's.
REPORTED = [UnitTaskState.REPORTED, UnitTaskState.ACCEPTED]
# Beyond this many days the burn-down marks dates only at a few even intervals.
DOTTED_DAYS = 62


def counts_by(problems, field: str, choices) -> list[tuple[str, int]]:
    """(label, count) for every choice of ``field``, in the choices' order, zeros included."""
    found = dict(problems.values_list(field).annotate(n=Count("pk")).order_by())
    return [(str(label), found.get(value, 0)) for value, label in choices.choices]


def in_current_round() -> Exists:
    """A unit task of its problem's latest round (a re-opening starts a new one)."""
    later = RectificationRound.objects.filter(
        problem=OuterRef("problem"), number__gt=OuterRef("round__number")
    )
    return ~Exists(later)


def tasks_of(reading: Reading):
    """The unit tasks behind the figures: of the problems read, of the reader's own units when
    they read as a unit."""
    tasks = UnitTask.objects.filter(problem__in=reading.problems)
    return tasks if reading.whole else tasks.filter(unit__in=reading.units)


@dataclasses.dataclass(frozen=True)
class UnitProgress:
    unit: str
    assigned: int  # problems it answers for
    reported: int  # of those, reported in the current round
    accepted: int  # reports the lead unit accepted in the current round
    closed: int  # problems closed (销号)
    overdue: int  # current tasks past their date and not reported
    sent_back: int  # times its reports were sent back, every round
    recurring: int  # problems re-opened with it responsible (反弹)


def unit_progress(reading: Reading) -> list[UnitProgress]:
    """Each responsible unit's progress, in one grouped query."""
    current = Q(in_current_round())
    rows = (
        tasks_of(reading)
        .values("unit", "unit__name")
        .annotate(
            assigned=Count("problem", distinct=True),
            reported=Count("pk", filter=current & Q(state__in=REPORTED)),
            accepted=Count("pk", filter=current & Q(state=UnitTaskState.ACCEPTED)),
            closed=Count("problem", distinct=True, filter=Q(problem__state=ProblemState.CLOSED)),
            overdue=Count(
                "pk", filter=current & Q(overdue_since__isnull=False) & ~Q(state__in=REPORTED)
            ),
            sent_back=Sum("times_sent_back"),
            recurring=Count("problem", distinct=True, filter=Q(round__recurring=True)),
        )
        .order_by("unit_id")
    )
    return [
        UnitProgress(
            row["unit__name"], row["assigned"], row["reported"], row["accepted"], row["closed"],
            row["overdue"], row["sent_back"] or 0, row["recurring"],
        )
        for row in rows
    ]  # fmt: skip


def overdue_problems(reading: Reading, today: datetime.date) -> list:
    """Problems not closed whose date has passed, the longest overdue first. A due date may be
    counted in working days from the problem's opening, so it is worked out per problem, from
    the problems of one campaign (one query)."""
    open_problems = reading.problems.exclude(state=ProblemState.CLOSED).select_related("lead_unit")
    late = [p for p in open_problems if p.due_date is not None and p.due_date < today]
    return sorted(late, key=lambda p: (p.due_date, p.number))


def overdue_tasks(reading: Reading) -> list[UnitTask]:
    """The units' current tasks marked overdue and not yet reported, the oldest first."""
    return list(
        tasks_of(reading)
        .filter(in_current_round(), overdue_since__isnull=False)
        .exclude(state__in=REPORTED)
        .select_related("unit", "problem")
        .order_by("overdue_since", "problem__number", "unit_id")[:LIST_LIMIT]
    )


def burn_down(reading: Reading, today: datetime.date) -> list[tuple[datetime.date, int]]:
    """Open problems at the end of each day from the campaign's opening to ``today``."""
    start = min(reading.campaign.opened_on, today)
    return open_per_day(histories(reading.problems), start, today)


def burn_down_chart(days: list[tuple[datetime.date, int]]) -> str:
    """The burn-down as a pygal line chart (SVG markup, no script)."""
    values = [n for _day, n in days]
    chart = pygal.Line(
        js=[],
        style=CHART_STYLE,
        title=_("未销号问题数"),
        x_labels=[f"{day:%m-%d}" for day, _n in days],
        x_labels_major_count=8,
        show_minor_x_labels=len(days) <= DOTTED_DAYS // 4,
        show_dots=len(days) <= DOTTED_DAYS,
        y_labels=count_axis([("", values)]),
        x_label_rotation=30,
        show_legend=False,
        height=360,
        no_data_text=_("暂无数据"),
    )
    chart.add(_("未销号问题"), values)
    return svg(chart)


@dataclasses.dataclass
class CampaignFigures:
    by_state: list[tuple[str, int]]
    by_tier: list[tuple[str, int]]
    total: int
    overdue_problems: list
    overdue_tasks: list[UnitTask]
    units: list[UnitProgress]
    burn_down: list[tuple[datetime.date, int]]
    chart: str


def campaign_figures(reading: Reading, today: datetime.date | None = None) -> CampaignFigures:
    today = today or timezone.localdate()
    by_state = counts_by(reading.problems, "state", ProblemState)
    days = burn_down(reading, today)
    return CampaignFigures(
        by_state=by_state,
        by_tier=counts_by(reading.problems, "tier", Tier),
        total=sum(n for _label, n in by_state),
        overdue_problems=overdue_problems(reading, today),
        overdue_tasks=overdue_tasks(reading),
        units=unit_progress(reading),
        burn_down=days,
        chart=burn_down_chart(days),
    )
