"""What a record's own fields must agree with in its audit chain.

The chain is signed; the record's row is not. A field the engine keeps on the row (a case's state,
region, pinned policy, time it entered its state) is also said by the chain, so verification reads
it from both and reports a row moved behind the engine's back, field by field.
"""

import dataclasses
from collections.abc import Callable

from . import diffs

UNRECORDED = object()  # the chain does not say (a trail begun before the field was recorded)


@dataclasses.dataclass(frozen=True)
class Binding:
    """One field of a record and what its intact chain says it must be."""

    name: str  # the field, as a report names it
    lookup: str  # the record's value, as a ``values_list`` lookup
    says: str  # how the chain says it, completing "but …"
    expected: Callable[[list], object]  # from the chain's entries, in order (at least one)

    def contradiction(self, value, entries) -> str | None:
        expected = self.expected(entries)
        if expected is UNRECORDED or expected == value:
            return None
        return f"{self.name} is {_show(value)} but {self.says} {_show(expected)}"


@dataclasses.dataclass(frozen=True)
class RecordedField(Binding):
    """A field whose every value its chain records as text (``approvals.diffs``): creation
    and each edit write it into the entry's ``changes``, so the row must read as the newest."""

    field: object = None

    def contradiction(self, value, entries) -> str | None:
        return super().contradiction(diffs.as_text(self.field, value), entries)


def recorded(field) -> RecordedField:
    """The binding of a model field its creation and edit entries record."""

    def newest(entries):
        for entry in reversed(entries):
            changes = entry.data.get("changes") if isinstance(entry.data, dict) else None
            for change in changes or ():
                if change.get("field") == field.name:
                    return change.get("new")
        return UNRECORDED

    return RecordedField(field.name, field.attname, "the trail last recorded", newest, field)


def _show(value) -> str:
    if value is None or value == "":
        return "(none)"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _entered_current_state(entries):
    """When the chain last changed state: the entry whose from/to states differ (the opening
    entry's from_state is empty); sign-offs, edits and objections leave the state as it was."""
    return next(e.created_at for e in reversed(entries) if e.from_state != e.to_state)


def _opening_policy(entries):
    return entries[0].data.get(POLICY_KEY, UNRECORDED) if entries[0].seq == 1 else UNRECORDED


# The opening entry's ``data`` key for the policy version the case is pinned to.
POLICY_KEY = "policy"

REGION = Binding(
    "region", "region__code", "the trail's last entry is in", lambda e: e[-1].region_code
)
STATE = Binding("state", "state", "the trail's last entry leads to", lambda e: e[-1].to_state)
STATE_SINCE = Binding(
    "state_since", "state_since", "the trail entered that state at", _entered_current_state
)
POLICY = Binding("policy", "policy__version", "the trail opened under", _opening_policy)
