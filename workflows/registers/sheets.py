"""What both register imports share: the file read and its headers found, each row read into a
unit (a household with its members' rows, a project), the units sorted into new, changed and
unchanged, and the errors placed by row and column.

``check`` is the dry run and writes nothing. ``apply`` imports the units of a checked plan one
at a time, each in a savepoint of its own: a unit is in whole or not at all, and a unit refused on
import (say, changed meanwhile) is reported like a bad row while the others go in.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from approvals.exceptions import Refusal
from approvals.importing import Permits
from approvals.models import Policy
from roles.models import Region
from workflows.spreadsheets import (
    Grid,
    Headers,
    RowError,
    UnreadableFile,
    as_text,
    data_rows,
    find_headers,
    normalise,
    read,
)

from .scope import IMPORT_ROLES, Unreadable, villages_for

# A register of a county: 15,000 households are about 50,000 rows.
MAX_BYTES = 20 * 1024 * 1024  # the most any upload to the site may be (EVIDENCE_MAX_BYTES)
MAX_ROWS = 200_000
# Units written per transaction: a commit each would cost more than the writing (on SQLite above
# all); a failure loses at most this many, which running the job again writes.
COMMIT_EVERY = 100


@dataclasses.dataclass
class Unit:
    """What one import writes as a whole: its key, the rows it comes from, the record already in
    the system (None if new) and what the kind's ``write`` needs."""

    key: str
    rows: list[int]
    existing: object | None
    content: object


@dataclasses.dataclass
class Plan:
    """A dry run's findings. ``new`` and ``changed`` are what an import writes."""

    columns: tuple
    sha256: str
    grid: Grid | None = None
    headers: Headers | None = None
    errors: list[RowError] = dataclasses.field(default_factory=list)
    # What the importer should know that is no error and changes nothing (a member in the
    # system whom the file no longer lists), placed like an error.
    notes: list[RowError] = dataclasses.field(default_factory=list)
    new: list[Unit] = dataclasses.field(default_factory=list)
    changed: list[Unit] = dataclasses.field(default_factory=list)
    unchanged: list[Unit] = dataclasses.field(default_factory=list)
    # The importer's counties, locked while units are written (see ``apply``).
    counties: list[int] = dataclasses.field(default_factory=list)

    @property
    def header_row(self) -> int | None:
        return self.headers.row if self.headers else None

    @property
    def to_write(self) -> list[Unit]:
        return [*self.new, *self.changed]

    @property
    def rows_with_errors(self) -> list[int]:
        return sorted({e.row for e in self.errors if e.row is not None})

    def add(self, row: int | None, key: str | None, value, reason) -> None:
        self.errors.append(self._placed(row, key, value, reason))

    def note(self, row: int, key: str, value, reason) -> None:
        self.notes.append(self._placed(row, key, value, reason))

    def _placed(self, row, key, value, reason) -> RowError:
        headers = {c.key: c.header for c in self.columns}
        index = self.headers.columns.get(key) if key and self.headers else None
        text = as_text(value) if value is not None else ""
        return RowError(row, headers.get(key, ""), text, str(reason), index)

    def sort(self, unit: Unit, changed: bool | None) -> None:
        """File ``unit`` as new (no record yet), changed or unchanged."""
        if unit.existing is None:
            self.new.append(unit)
        elif changed:
            self.changed.append(unit)
        else:
            self.unchanged.append(unit)


class Cells:
    """One row's cells, read through readers that report what they cannot read."""

    def __init__(self, plan: Plan, number: int, values: dict):
        self.plan, self.number, self.values = plan, number, values
        self.failed = False

    def read(self, key: str, reader: Callable = as_text):
        try:
            return reader(self.values.get(key))
        except Unreadable as error:
            self.plan.add(self.number, key, self.values.get(key), error)
            self.failed = True
            return None
        except ValidationError as error:
            for message in error.messages:
                self.plan.add(self.number, key, self.values.get(key), message)
            self.failed = True
            return None


@dataclasses.dataclass
class Run:
    """One import's writing: who, from which file, and the answers asked once for all its
    records (may they import into a village; the policy a village's new cases are pinned to)."""

    user: object
    source: dict
    permits: Permits
    policies: dict = dataclasses.field(default_factory=dict)

    def policy(self, model, region):
        key = (model, region.pk)
        if key not in self.policies:
            self.policies[key] = Policy.current(model.workflow.name, region.code)
        return self.policies[key]


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def check(kind, content: bytes, user) -> Plan:
    """The dry run of a register of ``kind`` (``households`` or ``projects``) as ``user``."""
    plan = Plan(kind.COLUMNS, sha256_of(content))
    try:
        plan.grid = read(content, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    except UnreadableFile as error:
        plan.add(None, None, None, error)
        return plan
    plan.headers, errors = find_headers(plan.grid, kind.COLUMNS)
    plan.errors += errors
    if plan.errors:
        return plan
    villages = villages_for(user)
    plan.counties = sorted(county.pk for county in villages.counties.values())
    kind.plan_units(plan, data_rows(plan.grid, plan.headers), villages)
    return plan


def apply(kind, plan: Plan, user, source: dict, progress: Callable[[int], None]) -> dict:
    """Write every new and changed unit of ``plan``, each whole or not at all (a savepoint of
    its own), committed ``COMMIT_EVERY`` units at a time; what was written, by count.

    Each batch holds the row lock of the importer's counties: two imports into a county at once
    write one after the other, and the kind's ``write`` looks again, under the lock, for a
    record the other has just written."""
    counts = {"created": 0, "updated": 0, "refused": 0}
    units = plan.to_write
    run = Run(user, source, Permits(user, IMPORT_ROLES))
    for start in range(0, len(units), COMMIT_EVERY):
        with transaction.atomic():
            list(Region.objects.select_for_update().filter(pk__in=plan.counties).order_by("pk"))
            for unit in units[start : start + COMMIT_EVERY]:
                _write_unit(kind, plan, unit, run, counts)
        progress(min(start + COMMIT_EVERY, len(units)))
    return counts


def _write_unit(kind, plan: Plan, unit: Unit, run: Run, counts: dict) -> None:
    try:
        with transaction.atomic():
            kind.write(unit, run)
        counts["created" if unit.existing is None else "updated"] += 1
    except IntegrityError:
        # Another import wrote the same person or record after this one looked.
        plan.add(unit.rows[0], None, None, imported_meanwhile().messages[0])
        counts["refused"] += 1
    except (Refusal, ValidationError) as error:
        for reason in getattr(error, "reasons", None) or error.messages:
            plan.add(unit.rows[0], None, None, reason)
        counts["refused"] += 1


# Readers of the cells both registers have: a reader takes the cell's value and returns what
# it means, or raises ``Unreadable`` saying why it cannot.


def choice(choices, words=None):
    by_label = {normalise(label): value for value, label in choices.choices}
    by_label.update({normalise(word): value for word, value in (words or {}).items()})

    def reader(value) -> str:
        text = normalise(value)
        if not text:
            return ""
        if text not in by_label:
            raise Unreadable(
                _("“%(value)s”不是可选的值：%(choices)s")
                % {"value": text, "choices": "、".join(str(c.label) for c in choices)}
            )
        return by_label[text]

    return reader


def required(reader):
    def read(value):
        if not normalise(value):
            raise Unreadable(_("不能为空"))
        return reader(value)

    return read


def text(limit: int):
    def read(value) -> str:
        text = normalise(value)
        if len(text) > limit:
            raise Unreadable(_("不能超过%(limit)s个字") % {"limit": limit})
        return text

    return read


def count(value) -> int | None:
    text = normalise(value)
    if not text:
        return None
    if not text.isdigit():
        raise Unreadable(_("应是整数"))
    return int(text)


def imported_meanwhile() -> ValidationError:
    return ValidationError(_("刚被同时进行的另一次导入写入；再次导入本文件可核对是否一致"))
