"""The files a case's trail records (attachments, signed forms), for whoever may read the case.

A file is found through the audit entry that kept it, by its SHA-256, so only files that really
back a step of this case are served, with the type recognised when it was kept. It is sent as a
download; PDFs and images may also be shown in the browser (``?inline=1``), anything else never
is. ``nosniff`` and a closed content security policy keep a browser from running what it holds.
"""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.urls import reverse

from approvals import evidence
from approvals.models import AuditEntry

PREVIEWABLE = {"application/pdf", "image/jpeg", "image/png"}
# A file shown in the browser may display itself and its images, nothing else.
FILE_CSP = "default-src 'none'; img-src 'self'; object-src 'self'; style-src 'unsafe-inline'"


def file_url(case, sha256: str) -> str:
    opts = case._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_file", args=[case.pk, sha256])


def describe(case, file: dict) -> dict:
    """A kept file (``evidence.files_in``) with its download and preview URLs."""
    url = file_url(case, file["sha256"])
    previewable = file["type"] in PREVIEWABLE
    return {
        **file,
        "url": url,
        "preview_url": f"{url}?inline=1" if previewable else "",
        "is_image": previewable and file["type"].startswith("image/"),
    }


def case_files(case) -> list[dict]:
    """Every file kept by a step of ``case``, oldest first, each with its URLs."""
    return [
        describe(case, file)
        for data in AuditEntry.objects.for_object(case).values_list("data", flat=True)
        for file in evidence.files_in(data)
    ]


def download(request, case, sha256: str) -> FileResponse:
    """The file of ``case`` with that SHA-256; a 404 for any other (or one no longer stored)."""
    file = next((f for f in case_files(case) if f["sha256"] == sha256), None)
    if file is None or not default_storage.exists(file["path"]):
        raise Http404
    inline = request.GET.get("inline") == "1" and file["type"] in PREVIEWABLE
    response = FileResponse(
        default_storage.open(file["path"], "rb"),
        as_attachment=not inline,
        filename=file["name"] or file["path"].rsplit("/", 1)[-1],
        content_type=file["type"],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    return response
