"""The villagers' (representatives') meeting that both procedures start with (民主议事/民主评议).

A meeting passes with a quorum of two thirds of the representatives and more than half of those
present voting for. The record arrives as the action's data, so the figures sit in the audit
entry, and is then kept on the case.
"""

import datetime
import math

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from approvals import typed_input
from approvals.exceptions import Reason
from approvals.spec import Input, reads_inputs

# What the village committee enters when it records the meeting.
MEETING_INPUTS = (
    Input("meeting_date", gettext_lazy("议事会议日期"), "date"),
    Input("representatives_total", gettext_lazy("应到代表人数"), "int"),
    Input("attendees", gettext_lazy("实到人数"), "int"),
    Input("votes_for", gettext_lazy("赞成票数"), "int"),
    Input("minutes", gettext_lazy("会议记录"), "textarea"),
)


MEETING_COUNTS = [
    ("representatives_total", gettext_lazy("应到代表人数")),
    ("attendees", gettext_lazy("实到人数")),
    ("votes_for", gettext_lazy("赞成票数")),
]


class MeetingRecord(models.Model):
    """The meeting fields a case keeps once the meeting has been recorded."""

    meeting_date = models.DateField(gettext_lazy("议事会议日期"), null=True, blank=True)
    representatives_total = models.PositiveIntegerField(
        gettext_lazy("应到代表人数"), null=True, blank=True
    )
    attendees = models.PositiveIntegerField(gettext_lazy("实到人数"), null=True, blank=True)
    votes_for = models.PositiveIntegerField(gettext_lazy("赞成票数"), null=True, blank=True)
    minutes = models.TextField(gettext_lazy("会议记录"), blank=True)

    class Meta:
        abstract = True


def meeting_record(data) -> tuple[dict, list[Reason]]:
    """The deliberation record from the action's data, parsed, and what is wrong with it. A count
    must fit the column the case keeps it in."""
    problems = []
    parsed = {}
    for key, label in MEETING_COUNTS:
        low, high = typed_input.column_range(MeetingRecord._meta.get_field(key))
        parsed[key] = typed_input.whole_number(data.get(key), low, high)
        if parsed[key] is None:
            problems.append(
                Reason(
                    "count_out_of_range",
                    _("%(field)s必须是%(low)d到%(high)d之间的整数"),
                    field=label,
                    low=low,
                    high=high,
                )
            )
    try:
        parsed["meeting_date"] = datetime.date.fromisoformat(str(data.get("meeting_date", "")))
    except ValueError:
        parsed["meeting_date"] = None
        problems.append(Reason("meeting_date_missing", _("请填写议事会议日期（格式：2024-03-01）")))
    parsed["minutes"] = str(data.get("minutes", "")).strip()
    if not parsed["minutes"]:
        problems.append(Reason("minutes_missing", _("请填写会议记录")))
    return parsed, problems


def quorum_problems(total, present, votes):
    """What keeps a meeting of ``total`` representatives, ``present`` attending and ``votes`` for
    from passing: a quorum of two thirds present and more than half of those present for."""
    if total == 0:
        yield Reason("no_representatives", _("应到代表人数不能为0"))
        return
    if present > total:
        yield Reason("attendees_over_total", _("实到人数不能超过应到代表人数"))
    quorum = math.ceil(total * 2 / 3)
    if present < quorum:
        yield Reason(
            "no_quorum",
            _("实到%(present)d人，未达到应到代表%(total)d人的三分之二（%(quorum)d人）"),
            present=present,
            total=total,
            quorum=quorum,
        )
    if votes > present:
        yield Reason("votes_over_attendees", _("赞成票数不能超过实到人数"))
    elif votes * 2 <= present:
        yield Reason(
            "no_majority",
            _("赞成%(votes)d票，未超过实到人数%(present)d人的半数"),
            votes=votes,
            present=present,
        )


@reads_inputs
def deliberation_passed(case, ctx):
    """The meeting in the action's data passed and its record is complete."""
    record, problems = meeting_record(ctx.data)
    yield from problems
    counts = (record["representatives_total"], record["attendees"], record["votes_for"])
    if None not in counts:
        yield from quorum_problems(*counts)
    if record["meeting_date"] and record["meeting_date"] > timezone.localdate(ctx.now):
        yield Reason("meeting_in_future", _("议事会议日期不能晚于今天"))


def recorded_meeting_passed(case, ctx):
    """The meeting kept on the case passed (checked again where the case is signed off)."""
    counts = (case.representatives_total, case.attendees, case.votes_for)
    if None in counts:
        yield Reason("meeting_not_recorded", _("尚未记录民主评议结果"))
    else:
        yield from quorum_problems(*counts)


def store_meeting_record(project, ctx):
    record, _problems = meeting_record(ctx.data)
    for field, value in record.items():
        setattr(project, field, value)
    return list(record)
