"""Importing a campaign's problem list (问题清单) from the workbook a county already keeps.

The columns are the ones counties use (``COLUMNS``), found by name in any order, however spaced
or full-width; other columns are ignored.

``check`` is the dry run: it reads every row, matches units by name within the campaign's county,
reads the deadline, validates the problem as the model does, asks the service what else would
refuse it (``process.check_problem``), and returns a ``Report`` of rows ready, rows already
imported unchanged, and errors (row, column, value, reason), writing nothing.

``import_problems`` checks again and, only if nothing is wrong, opens every new problem through
``process.open_problem`` as the importing person, all in one transaction: a file is imported
whole or not at all, and importing it again adds nothing.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime
import hashlib
import re
import unicodedata

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from approvals import typed_input
from approvals.exceptions import Refusal
from roles import units as unit_people
from roles.models import Unit
from workflows.spreadsheets import (
    Column,
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

from . import process
from .choices import Tier
from .models import Campaign, Problem

COLUMNS = (
    Column("number", "序号", True),
    Column("area", "问题方面", True),
    Column("description", "具体问题", True),
    Column("measures", "整改措施", False),
    Column("lead_unit", "牵头单位", True),
    Column("units", "责任单位", True),
    Column("deadline", "整改时限", True),
    Column("requirement", "整改要求", False),
)
HEADERS = {column.key: column.header for column in COLUMNS}
TEXT_FIELDS = ("area", "description", "measures", "requirement")
# The column a model field's validation error belongs to.
FIELD_COLUMNS = {
    **{field: field for field in ("number", *TEXT_FIELDS, "lead_unit")},
    "tier": "deadline",
    "deadline": "deadline",
    "deadline_working_days": "deadline",
}
# The fields a problem's content is compared by when its 序号 is already in the campaign.
CONTENT_FIELDS = (
    *TEXT_FIELDS,
    "lead_unit",
    "units",
    "tier",
    "deadline",
    "deadline_working_days",
)
CONTENT_COLUMNS = {
    "tier": "deadline",
    "deadline_working_days": "deadline",
}

UNIT_SEPARATORS = re.compile(r"[、,;\n]+")
NUMBER = re.compile(r"(\d+)[.、]?")
COMPLETION = r"(?:前)?(?:完成)?"
DATE_PATTERNS = (
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日" + COMPLETION),
    re.compile(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})" + COMPLETION),
)
MONTH_END = re.compile(r"(\d{4})年(\d{1,2})月底" + COMPLETION)
WORKING_DAYS = re.compile(r"(\d+)个?工作日内?" + COMPLETION)
TIER_WORDS = {"立行立改": Tier.IMMEDIATE, "长期坚持": Tier.LONG_TERM}


def typed_text(field: str, value) -> str:
    """A text cell as the service keeps it (``typed_input.prose``): compared in that form with a
    problem already imported."""
    return typed_input.prose(as_text(value), multiline=field != "area")


@dataclasses.dataclass
class ProblemRow:
    """A row of the list as a problem would be opened from it."""

    row: int
    number: int
    area: str
    description: str
    measures: str
    requirement: str
    lead_unit: Unit
    units: list[Unit]
    tier: str
    deadline: datetime.date | None
    deadline_working_days: int | None

    def arguments(self) -> dict:
        """What ``process.open_problem`` takes for this row."""
        return {
            field.name: getattr(self, field.name)
            for field in dataclasses.fields(self)
            if field.name != "row"
        }

    @property
    def deadline_text(self) -> str:
        """The deadline as the report shows it."""
        if self.deadline:
            return self.deadline.isoformat()
        if self.deadline_working_days is not None:
            return _("%(days)s个工作日") % {"days": self.deadline_working_days}
        return str(Tier(self.tier).label)

    def content(self) -> dict:
        return {
            field: {u.pk for u in self.units} if field == "units" else getattr(self, field)
            for field in CONTENT_FIELDS
        }


def problem_content(problem: Problem) -> dict:
    """A stored problem's content in the terms of ``ProblemRow.content``."""
    return {
        field: {u.pk for u in problem.units.all()} if field == "units" else getattr(problem, field)
        for field in CONTENT_FIELDS
    }


@dataclasses.dataclass
class Report:
    """What a dry run (or an import) found: rows ready to open, rows already in the campaign
    unchanged, and the errors. Nothing is imported unless ``errors`` is empty."""

    campaign: Campaign
    sha256: str
    grid: Grid | None = None
    header_row: int | None = None
    columns: dict[str, int] = dataclasses.field(default_factory=dict)
    errors: list[RowError] = dataclasses.field(default_factory=list)
    new: list[ProblemRow] = dataclasses.field(default_factory=list)
    unchanged: list[ProblemRow] = dataclasses.field(default_factory=list)
    imported: list[Problem] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rows_with_errors(self) -> list[int]:
        return sorted({e.row for e in self.errors if e.row is not None})

    def errors_by_row(self) -> dict[int | None, list[RowError]]:
        by_row: dict[int | None, list[RowError]] = {}
        for error in self.errors:
            by_row.setdefault(error.row, []).append(error)
        return by_row

    def add(self, row: int | None, key: str | None, value, reason: str) -> None:
        self.errors.append(
            RowError(
                row,
                HEADERS.get(key, "") if key else "",
                as_text(value) if value is not None else "",
                str(reason),
                self.columns.get(key) if key else None,
            )
        )


class Unreadable(Exception):
    """A cell that cannot be read as its column asks; ``str()`` says why."""


def may_import(campaign: Campaign, user) -> bool:
    """Problems are opened by the campaign's rectification office, as ``process.open_problem``
    requires: those who do its work import its list."""
    return unit_people.acting_role(user, campaign.office) is not None


def campaigns_for(user):
    """The campaigns ``user`` may import a problem list into."""
    offices = unit_people.acting_assignments(user).values("unit")
    return Campaign.objects.filter(office__in=offices).select_related("county", "office")


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def check(campaign: Campaign, content: bytes, *, actor) -> Report:
    """The dry run: every row of the file read and validated against ``campaign``; nothing is
    written."""
    report = Report(campaign, sha256_of(content))
    if not may_import(campaign, actor):
        report.add(None, None, None, _("只有本整改任务整改办的人员可以导入问题清单"))
        return report
    try:
        report.grid = read(content)
    except UnreadableFile as error:
        report.add(None, None, None, str(error))
        return report
    if not _find_headers(report):
        return report
    _check_rows(report, actor)
    return report


def import_problems(campaign: Campaign, content: bytes, *, actor) -> Report:
    """The import: checked again, then every new problem opened through the service, all in one
    transaction. With any error nothing is imported; the report says why. A refusal of the
    service's is written to the security log after the rollback, which would undo it."""
    refusals = []
    with transaction.atomic():
        # One import of a campaign's list at a time: the second waits and then sees the first's.
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        report = check(campaign, content, actor=actor)
        if not report.ok:
            return report
        for row in report.new:
            try:
                with transaction.atomic():
                    report.imported.append(
                        process.open_problem(campaign, actor=actor, **row.arguments())
                    )
            except Refusal as refusal:
                refusals.append(refusal)
                for reason in refusal.reasons:
                    report.add(row.row, None, None, reason)
            except IntegrityError:
                # Another problem took this number after the check (the service's own check
                # cannot see a row not yet committed).
                report.add(
                    row.row,
                    "number",
                    row.number,
                    _("序号%(number)s刚被同时登记的问题占用，请重新导入") % {"number": row.number},
                )
            if report.errors:
                report.imported = []
                transaction.set_rollback(True)
                break
    for refusal in refusals:
        process.refused_opening(campaign, actor, refusal).save()
    return report


def _find_headers(report: Report) -> bool:
    """Find the header row among the first rows and each column's place in it."""
    headers, errors = find_headers(report.grid, COLUMNS)
    report.errors += errors
    if headers is not None:
        report.header_row, report.columns = headers.row, headers.columns
    return report.ok


def _county_units(campaign: Campaign) -> dict[str, list[Unit]]:
    by_name: dict[str, list[Unit]] = {}
    county_units = Unit.objects.filter(region__code__startswith=campaign.county.prefix)
    for unit in county_units.select_related("region"):
        by_name.setdefault(normalise(unit.name), []).append(unit)
    return by_name


def _check_rows(report: Report, actor) -> None:
    campaign = report.campaign
    units = _county_units(campaign)
    existing = {p.number: p for p in campaign.problems.prefetch_related("units")}
    seen: dict[int, int] = {}
    headers = Headers(report.header_row, report.columns)
    for number, values in data_rows(report.grid, headers):
        row = _read_row(report, number, values, units)
        if row is None:
            continue
        if row.number in seen:
            report.add(
                number,
                "number",
                row.number,
                _("序号与第%(row)s行重复") % {"row": seen[row.number]},
            )
            continue
        seen[row.number] = number
        if row.number in existing:
            _compare_with_existing(report, row, values, existing[row.number])
            continue
        # Whatever else the service would refuse: the dry run promises what the import does.
        refusals = process.check_problem(campaign, actor=actor, **row.arguments())
        for reason in refusals:
            report.add(number, None, None, str(reason))
        if not refusals:
            report.new.append(row)


def _read_row(report: Report, number: int, values: dict, units) -> ProblemRow | None:
    """The row as a problem, validated as the model validates one; None if anything is wrong
    (each fault added to the report)."""
    errors_before = len(report.errors)
    failed: set[str] = set()

    def read_cell(key: str, reader):
        try:
            return reader(values.get(key))
        except Unreadable as error:
            report.add(number, key, values.get(key), str(error))
            failed.add(key)
            return None

    problem_number = read_cell("number", _read_number)
    lead = read_cell("lead_unit", lambda value: _read_lead_unit(value, units))
    responsible = read_cell("units", lambda value: _read_units(value, units))
    deadline = read_cell("deadline", _read_deadline)
    tier, due, days = deadline or (None, None, None)
    texts = {field: typed_text(field, values.get(field)) for field in TEXT_FIELDS}
    problem = Problem(
        campaign=report.campaign,
        region=report.campaign.county,
        number=problem_number,
        lead_unit=lead,
        tier=tier,
        deadline=due,
        deadline_working_days=days,
        **texts,
    )
    excluded = {field for field, key in FIELD_COLUMNS.items() if key in failed}
    try:
        problem.full_clean(exclude=excluded, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            key = FIELD_COLUMNS.get(field) if field != NON_FIELD_ERRORS else None
            for message in messages:
                report.add(number, key, values.get(key) if key else None, message)
    if len(report.errors) > errors_before:
        return None
    return ProblemRow(
        number,
        problem_number,
        lead_unit=lead,
        units=responsible,
        tier=tier,
        deadline=due,
        deadline_working_days=days,
        **texts,
    )


def _compare_with_existing(report: Report, row: ProblemRow, values: dict, problem) -> None:
    stored = problem_content(problem)
    changed = [field for field, value in row.content().items() if stored[field] != value]
    if not changed:
        report.unchanged.append(row)
        return
    columns = dict.fromkeys(HEADERS[CONTENT_COLUMNS.get(field, field)] for field in changed)
    report.add(
        row.row,
        "number",
        values.get("number"),
        _(
            "序号%(number)s的问题已在本整改任务中，但%(columns)s与表中不同；"
            "问题导入后请到该问题的页面修改"
        )
        % {"number": row.number, "columns": "、".join(columns)},
    )


def _read_number(value) -> int:
    text = normalise(value)
    if not text:
        raise Unreadable(_("序号不能为空"))
    match = NUMBER.fullmatch(text)
    if not match or int(match.group(1)) == 0:
        raise Unreadable(_("序号必须是正整数"))
    return int(match.group(1))


def _unit_named(name: str, units) -> Unit:
    found = units.get(normalise(name), [])
    if not found:
        raise Unreadable(_("本县没有名为“%(name)s”的单位") % {"name": name})
    if len(found) > 1:
        raise Unreadable(_("本县有多个名为“%(name)s”的单位，无法确定是哪一个") % {"name": name})
    return found[0]


def _unit_names(value) -> list[str]:
    text = unicodedata.normalize("NFKC", as_text(value))
    return [name for name in (normalise(n) for n in UNIT_SEPARATORS.split(text)) if name]


def _read_lead_unit(value, units) -> Unit:
    names = _unit_names(value)
    if not names:
        raise Unreadable(_("请填写牵头单位"))
    if len(names) > 1:
        raise Unreadable(_("牵头单位只能填写一个"))
    return _unit_named(names[0], units)


def _read_units(value, units) -> list[Unit]:
    names = _unit_names(value)
    if not names:
        raise Unreadable(_("请填写至少一个责任单位"))
    found = []
    for name in names:
        unit = _unit_named(name, units)
        if unit not in found:
            found.append(unit)
    return found


def _read_deadline(value) -> tuple[str, datetime.date | None, int | None]:
    """(tier, deadline date, working days) from a date cell or the words counties write."""
    if isinstance(value, datetime.datetime):
        return Tier.BY_DATE, value.date(), None
    if isinstance(value, datetime.date):
        return Tier.BY_DATE, value, None
    text = normalise(value)
    if not text:
        raise Unreadable(_("整改时限不能为空"))
    if text in TIER_WORDS:
        return TIER_WORDS[text], None, None
    if match := WORKING_DAYS.fullmatch(text):
        days = int(match.group(1))
        if days == 0:
            raise Unreadable(_("工作日天数必须大于0"))
        return Tier.BY_DATE, None, days
    if match := MONTH_END.fullmatch(text):
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise Unreadable(_("日期“%(text)s”不存在") % {"text": text})
        return Tier.BY_DATE, datetime.date(year, month, calendar.monthrange(year, month)[1]), None
    for pattern in DATE_PATTERNS:
        if match := pattern.fullmatch(text):
            try:
                day = datetime.date(*(int(part) for part in match.groups()))
            except ValueError as error:
                raise Unreadable(_("日期“%(text)s”不存在") % {"text": text}) from error
            return Tier.BY_DATE, day, None
    raise Unreadable(
        _(
            "无法识别整改时限：请填写日期（如2020年4月30日、2020-04-30）、"
            "“30个工作日”、“立行立改”或“长期坚持”"
        )
    )
