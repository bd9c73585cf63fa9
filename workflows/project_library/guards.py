"""The rules a project must meet at each step, each refusal in words a village cadre understands."""

import datetime
import math

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

REQUIRED_FIELDS = [
    "name",
    "category",
    "construction_nature",
    "location",
    "planned_start",
    "planned_end",
    "responsible_unit",
    "tasks_and_scale",
    "benefit_mechanism",
]
MEETING_COUNTS = [
    ("representatives_total", gettext_lazy("应到代表人数")),
    ("attendees", gettext_lazy("实到人数")),
    ("votes_for", gettext_lazy("赞成票数")),
]


def record_complete(project, ctx):
    """The record is complete: required fields, funds adding up, at least one performance target."""
    for field in REQUIRED_FIELDS:
        value = getattr(project, field)
        if value in (None, "") or (isinstance(value, str) and not value.strip()):
            label = type(project)._meta.get_field(field).verbose_name
            yield _("请填写%(field)s") % {"field": label}
    if project.total_funds <= 0:
        yield _("请填写总投资")
    elif project.funds_mismatch():
        yield project.funds_mismatch()
    if project.beneficiary_households <= 0 or project.beneficiary_people <= 0:
        yield _("请填写受益户数和受益人数")
    if (
        project.planned_start
        and project.planned_end
        and project.planned_end < project.planned_start
    ):
        yield _("计划完工时间不能早于计划开工时间")
    if not project.performance_targets.exists():
        yield _("至少填写一项绩效目标，否则项目不能入库")


def _count(data, key):
    value = data.get(key)
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 0 and str(number) == str(value).strip() else None


def meeting_record(data) -> tuple[dict, list[str]]:
    """The deliberation record from the action's data, parsed, and what is wrong with it."""
    problems = []
    parsed = {}
    for key, label in MEETING_COUNTS:
        parsed[key] = _count(data, key)
        if parsed[key] is None:
            problems.append(_("%(field)s必须是不小于0的整数") % {"field": label})
    try:
        parsed["meeting_date"] = datetime.date.fromisoformat(str(data.get("meeting_date", "")))
    except ValueError:
        parsed["meeting_date"] = None
        problems.append(_("请填写议事会议日期（格式：2024-03-01）"))
    parsed["minutes"] = str(data.get("minutes", "")).strip()
    if not parsed["minutes"]:
        problems.append(_("请填写会议记录"))
    return parsed, problems


def deliberation_passed(project, ctx):
    """The villagers' meeting had a quorum (≥ 2/3 of representatives) and a majority for."""
    record, problems = meeting_record(ctx.data)
    yield from problems
    total, present, votes = (
        record["representatives_total"],
        record["attendees"],
        record["votes_for"],
    )
    if None in (total, present, votes):
        return
    if total == 0:
        yield _("应到代表人数不能为0")
        return
    if present > total:
        yield _("实到人数不能超过应到代表人数")
    quorum = math.ceil(total * 2 / 3)
    if present < quorum:
        yield _("实到%(present)d人，未达到应到代表%(total)d人的三分之二（%(quorum)d人）") % {
            "present": present,
            "total": total,
            "quorum": quorum,
        }
    if votes > present:
        yield _("赞成票数不能超过实到人数")
    elif votes * 2 <= present:
        yield _("赞成%(votes)d票，未超过实到人数%(present)d人的半数") % {
            "votes": votes,
            "present": present,
        }
    if record["meeting_date"] and record["meeting_date"] > timezone.localdate(ctx.now):
        yield _("议事会议日期不能晚于今天")


def store_meeting_record(project, ctx):
    record, _problems = meeting_record(ctx.data)
    for field, value in record.items():
        setattr(project, field, value)
    return list(record)
