"""How a policy version's values read on its page: each under its name in the reader's
language, a switch as 是/否, a list joined, a mapping item by item under its items' names.

A notice's length read from a key (``Notice(days="village_notice_days")``) is named from the
spec (“村级公示”天数); a procedure names its other keys (``Procedure.policy_values``); the
engine's own keys (the supervision phone, the holiday schedule) are named here. A key nobody
names shows as itself, so nothing stored is hidden.
"""

import dataclasses

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import calendar, notices
from .procedures import ValueLabel, procedure_for

ENGINE_VALUES = {
    notices.SUPERVISION_PHONE: ValueLabel(gettext_lazy("监督电话")),
    calendar.HOLIDAYS: ValueLabel(gettext_lazy("法定节假日")),
    calendar.WORKDAYS: ValueLabel(gettext_lazy("调休上班日")),
}


@dataclasses.dataclass(frozen=True)
class Shown:
    """One value as the page shows it: its name, and its text or, for a mapping, its items."""

    label: str
    text: str = ""
    items: tuple["Shown", ...] = ()


def value_labels(workflow_name: str) -> dict[str, ValueLabel]:
    """The names of the values of ``workflow_name``'s policy versions."""
    labels = dict(ENGINE_VALUES)
    try:
        procedure = procedure_for(workflow_name)
    except LookupError:
        return labels
    for state in procedure.workflow.states.values():
        if state.notice and isinstance(state.notice.days, str):
            named = _("“%(state)s”天数") % {"state": state.label}
            labels[state.notice.days] = ValueLabel(named)
    return {**labels, **procedure.policy_values}


def shown(label, value, items=None) -> Shown:
    """``value`` under ``label``; a mapping's items are named by ``items`` (by key)."""
    if isinstance(value, dict):
        names = items or {}
        return Shown(str(label), items=tuple(shown(names.get(k, k), v) for k, v in value.items()))
    return Shown(str(label), text=_text(value))


def _text(value) -> str:
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return "、".join(_text(v) for v in value)
    return str(value)


def shown_values(policy) -> list[dict]:
    """The version's provenance rows (value, level, source), each with its value ``shown``."""
    labels = value_labels(policy.workflow)
    rows = []
    for row in policy.provenance():
        named = labels.get(row["key"], ValueLabel(row["key"]))
        rows.append({**row, "shown": shown(named.label, row["value"], named.items)})
    return rows
