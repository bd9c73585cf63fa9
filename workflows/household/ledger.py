"""The household ledger (农户台账): households and their members, two sheets, with no full ID
number (the members sheet masks them)."""

from django.db.models import Count
from django.utils.translation import gettext as _

from admin_site.dashboard import chosen_area
from admin_site.exports import Code, Spreadsheet
from admin_site.ledgers import (
    CHUNK,
    RegionNames,
    choices,
    download,
    label,
    rows_in_scope,
)
from roles.names import person_name

from . import idnumber
from .models import Household, Member


def households(request):
    area = chosen_area(request, default_first=False)
    names = RegionNames(request, area)
    workbook = Spreadsheet()

    attribute = choices(Household, "poverty_attribute")
    cause = choices(Household, "main_cause")
    status = choices(Household, "register_status")
    sheet = workbook.sheet(
        _("农户"),
        [
            _("县"), _("乡镇"), _("村"), label(Household, "number"),
            label(Household, "head_name"), _("家庭人口"), label(Household, "poverty_attribute"),
            label(Household, "main_cause"), label(Household, "register_status"),
            label(Household, "identification_year"), label(Household, "exit_year"),
            label(Household, "helper"), label(Household, "phone"),
        ],
        [12, 12, 12, 22, 10, 9, 16, 14, 12, 9, 9, 12, 15],
    )  # fmt: skip
    rows = (
        rows_in_scope(Household.objects.all(), request, area)
        .annotate(size=Count("members"))
        .order_by("region__code", "number")
        .values_list(
            "region__code", "region__name", "number", "head_name", "size", "poverty_attribute",
            "main_cause", "register_status", "identification_year", "exit_year",
            "helper__username", "helper__first_name", "helper__last_name", "phone",
        )
    )  # fmt: skip
    for (code, village, number, head, size, attr, main_cause, register, identified, exited,
         username, first, last, phone) in rows.iterator(chunk_size=CHUNK):  # fmt: skip
        sheet.append([
            names.county(code), names.township(code), village, Code(number), head, size,
            attribute.get(attr, attr), cause.get(main_cause, main_cause),
            status.get(register, register), identified, exited,
            person_name(username, first, last), phone,
        ])  # fmt: skip

    relation = choices(Member, "relation")
    sex = choices(Member, "sex")
    sheet = workbook.sheet(
        _("家庭成员"),
        [
            _("县"), _("乡镇"), _("村"), label(Household, "number"),
            label(Household, "head_name"), label(Member, "name"), label(Member, "relation"),
            label(Member, "sex"), label(Member, "birth_date"), label(Member, "id_number"),
        ],
        [12, 12, 12, 22, 10, 10, 10, 6, 12, 22],
    )  # fmt: skip
    members = (
        rows_in_scope(Member.objects.all(), request, area, field="household__region")
        .order_by("household__region__code", "household__number", "pk")
        .values_list(
            "household__region__code", "household__region__name", "household__number",
            "household__head_name", "name", "relation", "sex", "birth_date", "id_number",
        )
    )  # fmt: skip
    for (code, village, number, head, name, rel, member_sex, born,
         id_number) in members.iterator(chunk_size=CHUNK):  # fmt: skip
        sheet.append([
            names.county(code), names.township(code), village, number, head, name,
            relation.get(rel, rel), sex.get(member_sex, member_sex), born,
            idnumber.mask(id_number),
        ])  # fmt: skip
    return download(workbook, _("农户台账"), area, request)
