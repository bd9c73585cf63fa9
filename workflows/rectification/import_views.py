"""The import page of a campaign's problem list: upload → the dry run's report → confirm → done.

Between the dry run and the confirmation the uploaded file is kept in the site's storage, named
by its SHA-256, and the person's session remembers which file they checked for which campaign.
Confirming reads that file back, compares its hash, and checks it again inside the import's
transaction: what is imported is exactly what this person checked, as it stands now. Only the
campaigns whose rectification office the person acts for are offered or accepted. A file kept for
a confirmation that never came is deleted a day later (``purge_kept_files``, by ``purge_stale``).
"""

import datetime
import hashlib
import io

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from admin_site.ledgers import XLSX
from admin_site.uploads import refused_uploads
from workflows.spreadsheets import MAX_BYTES

from . import importing, importing_workbooks
from .models import Campaign

SESSION_KEY = "rectification_import"
STORAGE_DIR = "rectification/imports"
# A session ends after 30 minutes without a request: a file kept this long is nobody's.
KEPT_FOR = datetime.timedelta(days=1)


class UploadForm(forms.Form):
    campaign = forms.ModelChoiceField(
        label=gettext_lazy("整改任务"), queryset=Campaign.objects.none()
    )
    file = forms.FileField(
        label=gettext_lazy("问题清单文件"),
        help_text=gettext_lazy("Excel（.xlsx）或CSV文件"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = importing.campaigns_for(user)


def _too_large() -> str:
    return _("文件超过%(limit)s MB，请分成几个文件导入") % {"limit": MAX_BYTES // (1024 * 1024)}


def _context(request, title, **more) -> dict:
    return {**admin.site.each_context(request), "title": title, **more}


def _forget(request) -> None:
    kept = request.session.pop(SESSION_KEY, None)
    if kept:
        default_storage.delete(kept["path"])


def _keep(request, campaign, name: str, content: bytes, sha256: str) -> None:
    """Keep the checked file for the confirmation, in place of any this person kept before."""
    _forget(request)
    stored = default_storage.save(f"{STORAGE_DIR}/{sha256}.upload", ContentFile(content))
    request.session[SESSION_KEY] = {
        "sha256": sha256,
        "path": stored,
        "campaign": campaign.pk,
        "name": name,
    }


def purge_kept_files() -> int:
    """Delete the files dry runs kept longer than ``KEPT_FOR``; how many."""
    if not default_storage.exists(STORAGE_DIR):
        return 0
    cutoff = timezone.now() - KEPT_FOR
    purged = 0
    for name in default_storage.listdir(STORAGE_DIR)[1]:
        path = f"{STORAGE_DIR}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
            purged += 1
    return purged


def _kept(request, sha256: str):
    """(campaign, content, name) of the file this person checked with that hash, or None when the
    session no longer has it; refused if the campaign is no longer theirs to import into."""
    kept = request.session.get(SESSION_KEY)
    if not kept or kept["sha256"] != sha256 or not default_storage.exists(kept["path"]):
        return None
    campaign = importing.campaigns_for(request.user).filter(pk=kept["campaign"]).first()
    if campaign is None:
        raise PermissionDenied(_("只有本整改任务整改办的人员可以导入问题清单"))
    with default_storage.open(kept["path"], "rb") as file:
        content = file.read()
    if hashlib.sha256(content).hexdigest() != sha256:
        return None
    return campaign, content, kept["name"]


def _report_page(request, report, name):
    return TemplateResponse(
        request,
        "rectification/import_report.html",
        _context(request, _("试导入结果"), report=report, file_name=name),
    )


def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST":
        if "file" in refused_uploads(request):
            form.add_error("file", _too_large())
        elif form.is_valid():
            file = form.cleaned_data["file"]
            if file.size > MAX_BYTES:
                form.add_error("file", _too_large())
            else:
                campaign = form.cleaned_data["campaign"]
                content = file.read()
                report = importing.check(campaign, content, actor=request.user)
                _keep(request, campaign, file.name, content, report.sha256)
                return _report_page(request, report, file.name)
    return TemplateResponse(
        request,
        "rectification/import_upload.html",
        _context(request, _("导入问题清单"), form=form),
    )


def _expired(request):
    messages.error(request, _("试导入的文件已失效，请重新上传"))
    return redirect("admin:rectification_campaign_import")


@require_POST
def confirm(request):
    kept = _kept(request, request.POST.get("sha256", ""))
    if kept is None:
        return _expired(request)
    campaign, content, name = kept
    report = importing.import_problems(campaign, content, actor=request.user)
    if not report.ok:
        return _report_page(request, report, name)
    _forget(request)
    return TemplateResponse(
        request,
        "rectification/import_done.html",
        _context(request, _("导入完成"), report=report, file_name=name),
    )


def _workbook_response(workbook, filename: str) -> HttpResponse:
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@require_GET
def error_workbook(request, sha256: str):
    kept = _kept(request, sha256)
    if kept is None:
        return _expired(request)
    campaign, content, _name = kept
    report = importing.check(campaign, content, actor=request.user)
    return _workbook_response(
        importing_workbooks.error_workbook(report),
        f"problem-list-errors-{timezone.localdate():%Y%m%d}.xlsx",
    )


@require_GET
def template(request):
    return _workbook_response(importing_workbooks.template(), "problem-list-template.xlsx")


def urls(wrap) -> list:
    """The import page's URLs, mounted by the campaign admin under its own, each view wrapped by
    the admin site (signed in, with a role)."""
    return [
        path("import/", wrap(upload), name="rectification_campaign_import"),
        path("import/confirm/", wrap(confirm), name="rectification_campaign_import_confirm"),
        path(
            "import/errors/<str:sha256>.xlsx",
            wrap(error_workbook),
            name="rectification_campaign_import_errors",
        ),
        path("import/template.xlsx", wrap(template), name="rectification_campaign_import_template"),
    ]
