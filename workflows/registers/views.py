"""The import pages of the registers: upload → the dry run's report (on the page and as a
workbook with the bad cells marked) → confirm → the import with its progress bar.

A job is its importer's own: anyone else asking for it gets a 404. Only the roles that import
(``scope.IMPORT_ROLES``) reach the upload page; the templates can be downloaded there.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from admin_site.ledgers import XLSX
from admin_site.uploads import refused_uploads
from workflows.spreadsheets import too_large

from . import jobs, sheets, workbooks
from .models import ImportJob
from .scope import may_import_somewhere, villages_for

# The most errors (and notes) listed on the page; the workbook lists them all.
ERRORS_ON_PAGE = 500
NOT_AN_IMPORTER = gettext_lazy("只有村委会、乡镇审核人员和县扶贫办可以导入台账")


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("台账"), choices=ImportJob.Kind.choices)
    file = forms.FileField(
        label=gettext_lazy("台账文件"),
        help_text=gettext_lazy("Excel（.xlsx）或CSV文件（UTF-8或GBK编码均可）"),
    )


def _importer(request) -> None:
    if not may_import_somewhere(request.user):
        raise PermissionDenied(str(NOT_AN_IMPORTER))


def _context(request, title, **more) -> dict:
    return {**admin.site.each_context(request), "title": title, **more}


def _own_job(request, pk) -> ImportJob:
    return get_object_or_404(ImportJob, pk=pk, created_by=request.user)


def upload(request):
    _importer(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if "file" in refused_uploads(request):
            form.add_error("file", too_large(sheets.MAX_BYTES))
        elif form.is_valid():
            file = form.cleaned_data["file"]
            if file.size > sheets.MAX_BYTES:
                form.add_error("file", too_large(sheets.MAX_BYTES))
            else:
                job = jobs.start(
                    form.cleaned_data["kind"],
                    file.name,
                    file.read(),
                    request.user,
                    jobs.region_of(request.user),
                )
                return redirect("admin:register_import_job", job.pk)
    recent = ImportJob.objects.filter(created_by=request.user)[:20]
    return TemplateResponse(
        request,
        "registers/upload.html",
        _context(request, _("导入台账"), form=form, jobs=recent, kinds=ImportJob.Kind.choices),
    )


@require_GET
def job_page(request, pk):
    job = _own_job(request, pk)
    return TemplateResponse(
        request,
        "registers/job.html",
        _context(
            request,
            _("台账导入"),
            job=job,
            errors=job.errors[:ERRORS_ON_PAGE],
            more_errors=max(0, len(job.errors) - ERRORS_ON_PAGE),
            notes=job.notes[:ERRORS_ON_PAGE],
            more_notes=max(0, len(job.notes) - ERRORS_ON_PAGE),
            running=job.status in (ImportJob.Status.CHECKING, ImportJob.Status.IMPORTING),
        ),
    )


@require_GET
def status(request, pk):
    job = _own_job(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "processed": job.processed,
            "total": job.total,
            "percent": job.percent,
            "error_rows": job.error_rows,
        }
    )


@require_POST
def confirm(request, pk):
    job = _own_job(request, pk)
    jobs.confirm(job)
    return redirect("admin:register_import_job", job.pk)


@require_POST
def resume(request, pk):
    job = _own_job(request, pk)
    jobs.resume(job)
    return redirect("admin:register_import_job", job.pk)


def _workbook_response(workbook, filename: str) -> HttpResponse:
    response = HttpResponse(workbooks.as_bytes(workbook), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@require_GET
def error_workbook(request, pk):
    job = _own_job(request, pk)
    return _workbook_response(jobs.error_workbook(job), f"register-errors-{job.pk}.xlsx")


@require_GET
def template(request, kind):
    _importer(request)
    if kind not in workbooks.KINDS:
        raise PermissionDenied
    villages = list(villages_for(request.user).by_code.values())
    return _workbook_response(workbooks.template(kind, villages), f"{kind}-template.xlsx")


def urls(wrap) -> list:
    """The import pages, each wrapped by the admin site (signed in, with a role)."""
    return [
        path("registers/import/", wrap(upload), name="register_import"),
        path("registers/import/<int:pk>/", wrap(job_page), name="register_import_job"),
        path("registers/import/<int:pk>/status/", wrap(status), name="register_import_status"),
        path("registers/import/<int:pk>/confirm/", wrap(confirm), name="register_import_confirm"),
        path("registers/import/<int:pk>/resume/", wrap(resume), name="register_import_resume"),
        path(
            "registers/import/<int:pk>/errors.xlsx",
            wrap(error_workbook),
            name="register_import_errors",
        ),
        path(
            "registers/import/template/<str:kind>.xlsx",
            wrap(template),
            name="register_import_template",
        ),
    ]
