"""The household register (建档立卡户台账): one row per person, the household's columns repeated
on each member's row, as the national information system exports it.

A household (keyed by its 户编号 within the county) is one unit: its rows are read together, and
one bad member row keeps the whole household out (its other rows say so), except a member listed
twice, whose second row alone is refused. A person (keyed by ID number) belongs to one household.

A new household is saved with its members in one ``import`` entry; its identification enters
``registered`` (and its exit ``exited`` when the register gives a 脱贫年度) through
``approvals.import_case``, each with one entry. A household already in the system is compared:
what the register corrects in its facts and members is one audited edit; a register that says
something else about its identification or exit is refused (that is done through the procedure).
A member in the system whom the file no longer lists is reported in the dry run, never removed.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from approvals import import_case, import_record
from approvals.diffs import ADDED, CHANGED
from approvals.edits import RowEdit
from approvals.exceptions import TransitionNotAllowed
from workflows.household import idnumber
from workflows.household.choices import Cause, PovertyAttribute, RegisterStatus, Relation, Sex
from workflows.household.models import ExitCase, Household, IdentificationCase, Member
from workflows.spreadsheets import Column, as_text, normalise

from .scope import IMPORT_ROLES, Unreadable
from .sheets import Cells, Plan, Run, Unit, choice, count, imported_meanwhile, required, text

COLUMNS = (
    Column("county", "县", False),
    Column("township", "乡镇", False),
    Column("village", "行政村", True),
    Column("number", "户编号", True),
    Column("head_name", "户主姓名", True),
    Column("name", "姓名", True),
    Column("id_number", "证件号码", True),
    Column("relation", "与户主关系", True),
    Column("sex", "性别", False),
    Column("ethnicity", "民族", False),
    Column("phone", "联系电话", False),
    Column("size", "家庭人口数", False),
    Column("poverty_attribute", "贫困户属性", False),
    Column("main_cause", "主要致贫原因", False),
    Column("identification_year", "识别年度", True),
    Column("exit_year", "脱贫年度", False),
    Column("income", "人均纯收入", False),
)
# The household's columns, the same on every member's row.
HOUSEHOLD_KEYS = (
    "village",
    "head_name",
    "size",
    "poverty_attribute",
    "main_cause",
    "identification_year",
    "exit_year",
    "income",
)
# The household's facts a corrected register may change, as an audited edit.
EDITABLE = ("head_name", "phone", "poverty_attribute", "main_cause", "register_income")
MEMBER_FIELDS = ("name", "relation", "ethnicity")
# What else counties write in 与户主关系.
RELATION_WORDS = {
    "本人": Relation.HEAD,
    "妻": Relation.SPOUSE,
    "妻子": Relation.SPOUSE,
    "丈夫": Relation.SPOUSE,
    "夫": Relation.SPOUSE,
    "之子": Relation.CHILD,
    "之女": Relation.CHILD,
    "儿子": Relation.CHILD,
    "女儿": Relation.CHILD,
    "父亲": Relation.PARENT,
    "母亲": Relation.PARENT,
    "孙子": Relation.GRANDCHILD,
    "孙女": Relation.GRANDCHILD,
}
FIRST_YEAR = 2000
LOOKUP_BATCH = 500


def _year(value) -> int | None:
    text = normalise(value).removesuffix("年")
    if not text:
        return None
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= datetime.date.today().year:
        raise Unreadable(_("年度应是%(first)s年至今年之间的四位年份") % {"first": FIRST_YEAR})
    return int(text)


def _money(value) -> Decimal | None:
    text = normalise(value).replace(",", "").removesuffix("元")
    if not text:
        return None
    try:
        amount = Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise Unreadable(_("应是金额（元），如3500或3500.50")) from None
    if amount < 0:
        raise Unreadable(_("金额不能为负数"))
    return amount


# An ID number Excel took for a number: shown as 4.20102E+17, its last digits already lost.
SCIENTIFIC = re.compile(r"\d(\.\d+)?E\+\d+")


def _id_number(value) -> str:
    number = idnumber.normalise(as_text(value))
    if isinstance(value, (int, float)) or SCIENTIFIC.fullmatch(number):
        raise Unreadable(
            _(
                "证件号码被Excel当作数字保存，末几位可能已丢失：请在原表中把该列设为文本格式，"
                "重新导出后再导入"
            )
        )
    idnumber.validate_id_number(number)
    return number


READERS = {
    "number": required(text(30)),
    "head_name": required(text(50)),
    "name": required(text(50)),
    "id_number": _id_number,
    "relation": required(choice(Relation, RELATION_WORDS)),
    "sex": choice(Sex),
    "ethnicity": text(20),
    "phone": text(20),
    "size": count,
    "poverty_attribute": choice(PovertyAttribute),
    "main_cause": choice(Cause),
    "identification_year": required(_year),
    "exit_year": _year,
    "income": _money,
}


@dataclasses.dataclass
class Person:
    row: int
    name: str
    id_number: str
    relation: str
    ethnicity: str
    phone: str


@dataclasses.dataclass
class HouseholdRows:
    """A household as its rows give it."""

    number: str
    facts: dict
    first_row: int
    people: list[Person] = dataclasses.field(default_factory=list)
    rows: list[int] = dataclasses.field(default_factory=list)
    refused: bool = False

    @property
    def head(self) -> Person | None:
        heads = [p for p in self.people if p.relation == Relation.HEAD]
        return heads[0] if len(heads) == 1 else None


def plan_units(plan: Plan, rows, villages) -> None:
    """Read every row, group them into households, check each against the others and against
    the system, and sort them into the plan."""
    households: dict[str, HouseholdRows] = {}
    for number, values in rows:
        _read_row(plan, number, values, villages, households)
    _check_people(plan, households)
    existing = _existing(villages, households)
    for household in households.values():
        _check_household(plan, household)
        stored = existing.get(household.number)
        changed = not household.refused and stored and _compare(plan, household, stored)
        if household.refused:
            _refuse_rest(plan, household)
            continue
        if stored:
            _note_absent(plan, household, stored)
        plan.sort(Unit(household.number, household.rows, stored, household), changed)


def _read_row(plan, number, values, villages, households) -> None:
    cells = Cells(plan, number, values)
    read = {key: cells.read(key, reader) for key, reader in READERS.items()}
    read["village"] = cells.read(
        "village", lambda v: villages.find(values.get("county"), values.get("township"), v)
    )
    if read["id_number"] and read["sex"] and read["sex"] != idnumber.sex(read["id_number"]):
        plan.add(number, "sex", values.get("sex"), _("性别与证件号码不符"))
        cells.failed = True
    years = read["identification_year"], read["exit_year"]
    if all(years) and years[1] < years[0]:
        plan.add(number, "exit_year", values.get("exit_year"), _("脱贫年度不能早于识别年度"))
        cells.failed = True
    household_number = read["number"]
    if household_number is None:
        return
    facts = {key: read[key] for key in HOUSEHOLD_KEYS}
    household = households.setdefault(
        household_number, HouseholdRows(household_number, facts, number)
    )
    household.rows.append(number)
    for key in HOUSEHOLD_KEYS:
        if read[key] is not None and facts[key] is not None and household.facts[key] is None:
            household.facts[key] = read[key]
        elif not cells.failed and household.facts[key] != facts[key] and facts[key] is not None:
            plan.add(
                number,
                key,
                values.get(key),
                _("与本户第%(row)s行不一致") % {"row": household.first_row},
            )
            cells.failed = True
    if cells.failed:
        household.refused = True
        return
    household.people.append(
        Person(
            number,
            read["name"],
            read["id_number"],
            read["relation"],
            read["ethnicity"],
            read["phone"],
        )
    )


def _check_people(plan, households) -> None:
    """One household per person: in the file, and against the households already registered."""
    seen: dict[str, tuple[int, str]] = {}
    for household in households.values():
        unique = []
        for person in household.people:
            if person.id_number in seen:
                row, number = seen[person.id_number]
                if number == household.number:
                    plan.add(
                        person.row,
                        "id_number",
                        person.id_number,
                        _("与第%(row)s行是同一人，重复的行未导入") % {"row": row},
                    )
                    continue
                plan.add(
                    person.row,
                    "id_number",
                    person.id_number,
                    _("该证件号码在第%(row)s行（户编号%(number)s）已出现，一人只能属于一户")
                    % {"row": row, "number": number},
                )
                household.refused = True
                continue
            seen[person.id_number] = (person.row, household.number)
            unique.append(person)
        household.people = unique
    ids = list(seen)
    for start in range(0, len(ids), LOOKUP_BATCH):
        registered = Member.objects.filter(id_number__in=ids[start : start + LOOKUP_BATCH])
        for id_number, number in registered.values_list("id_number", "household__number"):
            row, in_file = seen[id_number]
            if number != in_file:
                plan.add(
                    row,
                    "id_number",
                    id_number,
                    _("该证件号码已登记在户编号%(number)s中，一人只能属于一户")
                    % {"number": number},
                )
                households[in_file].refused = True


def _check_household(plan, household: HouseholdRows) -> None:
    if household.refused or not household.people:
        household.refused = True
        return
    facts = household.facts
    if household.head is None:
        plan.add(household.first_row, "relation", None, _("本户应有且只有一名户主"))
        household.refused = True
    elif household.head.name != facts["head_name"]:
        plan.add(
            household.head.row,
            "head_name",
            facts["head_name"],
            _("户主姓名与户主本人行的姓名“%(name)s”不一致") % {"name": household.head.name},
        )
        household.refused = True
    if facts["size"] is not None and facts["size"] != len(household.people):
        plan.add(
            household.first_row,
            "size",
            facts["size"],
            _("家庭人口数为%(size)s，表中本户有%(count)s人")
            % {"size": facts["size"], "count": len(household.people)},
        )
        household.refused = True


def _refuse_rest(plan, household: HouseholdRows) -> None:
    """Tell each good row of a refused household why it was not imported."""
    bad = {e.row for e in plan.errors}
    for row in household.rows:
        if row not in bad:
            plan.add(row, None, None, _("本户其他行有错误，整户未导入"))


def _existing(villages, households) -> dict[str, Household]:
    numbers = list(households)
    found = {}
    for prefix in {p[:6] for p in villages.prefixes}:
        for start in range(0, len(numbers), LOOKUP_BATCH):
            batch = numbers[start : start + LOOKUP_BATCH]
            for household in (
                Household.objects.filter(region__code__startswith=prefix, number__in=batch)
                .select_related("region")
                .prefetch_related("members")
            ):
                found[household.number] = household
    return found


def _status(facts) -> str:
    return RegisterStatus.EXITED if facts["exit_year"] else RegisterStatus.REGISTERED


def _household_values(household: HouseholdRows) -> dict:
    facts = household.facts
    return {
        "head_name": facts["head_name"],
        "phone": household.head.phone,
        "poverty_attribute": facts["poverty_attribute"],
        "main_cause": facts["main_cause"],
        "register_income": facts["income"],
    }


def _compare(plan, household: HouseholdRows, stored: Household) -> bool:
    """Whether the register changes ``stored``; refuses the household (with the reason) when it
    says something the procedure decides."""
    facts = household.facts
    if stored.region_id != facts["village"].pk:
        plan.add(
            household.first_row,
            "number",
            household.number,
            _("户编号%(number)s已登记在%(village)s")
            % {"number": household.number, "village": stored.region.name},
        )
        return _refused(household)
    decided = (stored.register_status, stored.identification_year, stored.exit_year)
    if decided != (_status(facts), facts["identification_year"], facts["exit_year"]):
        plan.add(
            household.first_row,
            "identification_year",
            facts["identification_year"],
            _("台账中本户的识别或脱贫情况与系统中不一致，请在系统中办理识别或退出"),
        )
        return _refused(household)
    values = _household_values(household)
    members = {m.id_number: m for m in stored.members.all()}
    return any(getattr(stored, k) != v for k, v in values.items()) or any(
        p.id_number not in members
        or any(getattr(members[p.id_number], f) != getattr(p, f) for f in MEMBER_FIELDS)
        for p in household.people
    )


def _note_absent(plan, household: HouseholdRows, stored: Household) -> None:
    """Report each member in the system that the file no longer lists. They have probably left
    the household, but a register does not say why (moved, married out, died) nor since when:
    they are kept, and the household's page is where they are removed, as an audited edit."""
    listed = {person.id_number for person in household.people}
    for member in stored.members.all():
        if member.id_number not in listed:
            plan.note(
                household.first_row,
                "number",
                household.number,
                _(
                    "系统中本户的成员%(name)s（%(id)s）不在本文件中：导入不会删除该成员；"
                    "如已迁出、去世，请在农户页面删除该成员"
                )
                % {"name": member.name, "id": member.masked_id_number},
            )


def _refused(household: HouseholdRows) -> bool:
    household.refused = True
    return False


def write(unit: Unit, run: Run) -> None:
    """Import one household: new, with its cases in the states the register says; or the
    register's corrections of one already here, as one audited edit."""
    household: HouseholdRows = unit.content
    values = _household_values(household)
    if unit.existing is None:
        village = household.facts["village"]
        if Household.objects.filter(region=village, number=household.number).exists():
            raise imported_meanwhile()
        _create(household, values, run)
        return
    stored = Household.objects.get(pk=unit.existing.pk)
    if not stored.edit_rule().roles:
        raise TransitionNotAllowed([stored.edit_rule().refusal])
    for field, value in values.items():
        setattr(stored, field, value)
    members = {m.id_number: m for m in stored.members.all()}
    related = []
    for person in household.people:
        member = members.get(person.id_number)
        if member is None:
            related.append(RowEdit(_member(stored, person), ADDED))
        elif any(getattr(member, f) != getattr(person, f) for f in MEMBER_FIELDS):
            for field in MEMBER_FIELDS:
                setattr(member, field, getattr(person, field))
            related.append(RowEdit(member, CHANGED))
    import_record(
        stored,
        run.user,
        roles=IMPORT_ROLES,
        source=run.source,
        fields=EDITABLE,
        related=related,
        permits=run.permits,
    )


def _member(household: Household, person: Person) -> Member:
    return Member(
        household=household,
        name=person.name,
        id_number=person.id_number,
        relation=person.relation,
        ethnicity=person.ethnicity,
    )


def _create(household: HouseholdRows, values: dict, run: Run) -> None:
    facts = household.facts
    village = facts["village"]
    record = Household(
        region=village,
        number=household.number,
        register_status=_status(facts),
        identification_year=facts["identification_year"],
        exit_year=facts["exit_year"],
        **values,
    )
    members = [RowEdit(_member(record, person), ADDED) for person in household.people]
    writing = {"roles": IMPORT_ROLES, "source": run.source, "permits": run.permits}
    import_record(record, run.user, related=members, **writing)
    cases = [(IdentificationCase, facts["identification_year"], "registered")]
    if facts["exit_year"]:
        cases.append((ExitCase, facts["exit_year"], "exited"))
    for model, year, state in cases:
        case = model(
            household=record,
            region=village,
            year=year,
            state=state,
            policy=run.policy(model, village),
        )
        import_case(case, run.user, **writing)
