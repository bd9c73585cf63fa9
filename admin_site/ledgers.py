"""台账: each procedure's ledger (``Procedure.ledger``) as an Excel workbook, in the columns
cadres already use.

Rows stream from the database into a write-only workbook (kept on disk, not in memory), so a large
county exports in a fixed number of queries and bounded memory. Only the user's jurisdiction is
exported.
"""

import functools
import tempfile

from django.contrib import admin
from django.db.models import DateTimeField, Q
from django.http import FileResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.procedures import procedures
from roles.jurisdiction import region_filter
from roles.models import Level, Region, ancestor_codes

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
    return attachment(workbook, f"{kind}-{where}-{timezone.localdate():%Y%m%d}.xlsx")


def attachment(workbook: Spreadsheet, filename: str) -> FileResponse:
    """The workbook as a download called ``filename``."""
    # The response closes the file once it has been sent; a ``with`` block would close it first.
    spool = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX)


def by_columns(procedure, request):
    """A ledger of one column per field its procedure names: choices and states by their labels,
    moments in local time."""
    model, ledger = procedure.model, procedure.ledger
    area = chosen_area(request, default_first=False)
    names = RegionNames(request, area)
    workbook = Spreadsheet()
    headers = [_("当前状态") if f == "state" else label(model, f) for f in ledger.columns]
    widths = [12, 12, 12, *(ledger.widths or [14] * len(headers))]
    sheet = workbook.sheet(
        str(ledger.sheet or model._meta.verbose_name_plural),
        [_("县"), _("乡镇"), _("村"), *headers],
        widths,
    )
    shown = {f: choices(model, f) for f in ledger.columns if model._meta.get_field(f).choices}
    shown["state"] = {name: str(state.label) for name, state in procedure.workflow.states.items()}
    moments = {f for f in ledger.columns if isinstance(model._meta.get_field(f), DateTimeField)}
    rows = (
        rows_in_scope(model._default_manager.all(), request, area, field=procedure.region_path)
        .order_by(f"{procedure.region_path}__code", "pk")
        .values_list(
            f"{procedure.region_path}__code", f"{procedure.region_path}__name", *ledger.columns
        )
    )
    for code, village, *values in rows.iterator(chunk_size=CHUNK):
        cells = [
            local(value) if field in moments else shown.get(field, {}).get(value, value)
            for field, value in zip(ledger.columns, values, strict=True)
        ]
        sheet.append([names.county(code), names.township(code), village, *cells])
    return download(workbook, ledger.title, area, request)


def ledgers() -> list:
    """The procedures with a ledger, each ledger once."""
    return [p for p in procedures() if p.ledger is not None]


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
        "ledgers": [p.ledger for p in ledgers()],
    }
    return TemplateResponse(request, "admin/jingzhun/ledgers.html", context)


def _writer(procedure):
    if procedure.ledger.write is not None:
        return procedure.ledger.write
    return functools.partial(by_columns, procedure)


def urls(wrap):
    return [
        path("ledgers/", wrap(index), name="ledgers"),
        *(
            path(
                f"ledgers/{p.ledger.slug}.xlsx",
                wrap(_writer(p)),
                name=f"ledger_{p.ledger.slug}",
            )
            for p in ledgers()
        ),
    ]
