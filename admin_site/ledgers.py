"""台账: the household and project ledgers as Excel workbooks, in the columns cadres already use.

Rows stream from the database into a write-only workbook (kept on disk, not in memory), so a large
county exports in a fixed number of queries and bounded memory. Only the user's jurisdiction is
exported. The household ledger carries no full ID number: the members sheet masks them.
"""

import tempfile

from django.contrib import admin
from django.db.models import Count, Q
from django.http import FileResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from roles.jurisdiction import region_filter
from roles.models import Level, Region, ancestor_codes
from workflows.household import idnumber
from workflows.household.models import Household, Member
from workflows.project_library.models import ProjectApplication

from .dashboard import Area, chosen_area, jurisdiction_roots, region_of_prefix
from .exports import Spreadsheet
from .request_scope import read_prefixes, readable

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 2000


def choices(model, field: str) -> dict[str, str]:
    """A field's choices as stored value → label in the active language, looked up once."""
    return {key: str(label) for key, label in model._meta.get_field(field).flatchoices}


def label(model, field: str) -> str:
    return str(model._meta.get_field(field).verbose_name)


def rows_in_scope(queryset, request, area: Area | None, field: str = "region"):
    """``queryset`` limited to the jurisdiction, and to ``area`` when one is chosen."""
    queryset = readable(queryset, request, field)
    return area.filter(queryset, field) if area else queryset


class RegionNames:
    """County and township names by code, loaded in one query for the whole export."""

    def __init__(self, request, area: Area | None):
        prefixes = [area.prefix] if area else read_prefixes(request)
        above = {c for p in prefixes if p for c in ancestor_codes(region_of_prefix(p))}
        regions = Region.objects.filter(
            (Q(level__in=[Level.COUNTY, Level.TOWNSHIP]) & region_filter(prefixes, field=""))
            | Q(code__in=above)
        )
        self.names = dict(regions.values_list("code", "name"))

    def county(self, code: str) -> str:
        return self.names.get(code[:6].ljust(12, "0"), "")

    def township(self, code: str) -> str:
        return self.names.get(code[:9].ljust(12, "0"), "")


def person_name(username, first_name, last_name) -> str:
    if username is None:
        return ""
    return f"{last_name}{first_name}".strip() or username


def local(moment):
    """Excel has no time zones: a moment is written as local wall-clock time."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def download(workbook: Spreadsheet, kind: str, area: Area | None, request) -> FileResponse:
    """The workbook as an attachment named after the ledger, the region and today's date."""
    if area is not None:
        where = area.name
    else:
        roots = jurisdiction_roots(request)
        where = roots[0].name if len(roots) == 1 else _("全部辖区")
    filename = f"{kind}-{where}-{timezone.localdate():%Y%m%d}.xlsx"
    # The response closes the file once it has been sent; a ``with`` block would close it first.
    spool = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX)


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
            names.county(code), names.township(code), village, number, head, size,
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


PROJECT_FIELDS = [
    "name", "category", "construction_nature", "location", "planned_start", "planned_end",
    "responsible_unit", "total_funds", "funds_central", "funds_provincial", "funds_prefecture",
    "funds_county", "funds_self_raised", "funds_other", "beneficiary_households",
    "beneficiary_poor_households", "beneficiary_people", "state", "state_since",
]  # fmt: skip


def projects(request):
    area = chosen_area(request, default_first=False)
    names = RegionNames(request, area)
    workbook = Spreadsheet()
    sheet = workbook.sheet(
        _("项目"),
        [
            _("县"), _("乡镇"), _("村"),
            *[_("当前状态") if f == "state" else label(ProjectApplication, f)
              for f in PROJECT_FIELDS],
        ],
        [12, 12, 12, 30, 16, 10, 20, 12, 12, 18, 12, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 14,
         18],
    )  # fmt: skip
    category = choices(ProjectApplication, "category")
    nature = choices(ProjectApplication, "construction_nature")
    workflow = ProjectApplication.workflow
    states = {name: str(state.label) for name, state in workflow.states.items()}
    rows = (
        rows_in_scope(ProjectApplication.objects.all(), request, area)
        .order_by("region__code", "pk")
        .values_list("region__code", "region__name", *PROJECT_FIELDS)
    )
    for code, village, *values in rows.iterator(chunk_size=CHUNK):
        row = dict(zip(PROJECT_FIELDS, values, strict=True))
        row["category"] = category.get(row["category"], row["category"])
        row["construction_nature"] = nature.get(
            row["construction_nature"], row["construction_nature"]
        )
        row["state"] = states.get(row["state"], row["state"])
        row["state_since"] = local(row["state_since"])
        sheet.append([names.county(code), names.township(code), village, *row.values()])
    return download(workbook, _("项目台账"), area, request)


def picker_regions(request) -> list[tuple[str, str]]:
    """The regions one may narrow an export to: the jurisdiction and two levels below it (a
    county's villages), as (code, indented name), in one query."""
    roots = jurisdiction_roots(request)
    top = min(root.level for root in roots)
    deepest = min(Level.VILLAGE, max(Level.COUNTY, top + 2))
    regions = readable(Region.objects.filter(level__lte=deepest), request, field="")
    return [
        (code, "\u3000" * (level - max(top, 1)) + name)
        for code, name, level in regions.order_by("code").values_list("code", "name", "level")
    ]


def index(request):
    area = chosen_area(request, default_first=False)
    context = {
        **admin.site.each_context(request),
        "title": _("台账"),
        "area": area,
        "regions": picker_regions(request),
    }
    return TemplateResponse(request, "admin/jingzhun/ledgers.html", context)


def urls(wrap):
    return [
        path("ledgers/", wrap(index), name="ledgers"),
        path("ledgers/households.xlsx", wrap(households), name="ledger_households"),
        path("ledgers/projects.xlsx", wrap(projects), name="ledger_projects"),
    ]
