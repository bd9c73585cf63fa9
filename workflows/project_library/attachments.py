"""Adding files to a project. The file is stored under its SHA-256 first; the engine's
``add_attachment`` step then checks the role, records the hash in the audit entry and creates the
attachment row in the same transaction."""

import hashlib
import os
import re

from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from approvals import perform

from .choices import AttachmentKind

MAX_BYTES = 20 * 1024 * 1024


def attach(project, user, upload, kind: str):
    """Store ``upload`` and add it to ``project`` as ``user``; returns the audit entry."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    sha256 = digest.hexdigest()
    extension = os.path.splitext(upload.name)[1].lower()[:10]
    path = f"attachments/{sha256[:2]}/{sha256}{extension}"
    if upload.size <= MAX_BYTES and not default_storage.exists(path):
        upload.seek(0)
        path = default_storage.save(path, upload)
    data = {"kind": kind, "name": upload.name, "sha256": sha256, "size": upload.size, "path": path}
    return perform(project, "add_attachment", user, data=data)


def attachment_acceptable(project, ctx):
    data = ctx.data
    if data.get("kind") not in AttachmentKind.values:
        yield _("请选择附件类型")
    if not re.fullmatch(r"[0-9a-f]{64}", str(data.get("sha256", ""))):
        yield _("附件校验值无效")
    if not isinstance(data.get("size"), int) or data["size"] > MAX_BYTES:
        yield _("附件不能超过20MB")
    if not str(data.get("name", "")).strip():
        yield _("附件缺少文件名")


def create_attachment(project, ctx):
    from .models import ProjectAttachment  # the models module imports the procedure, and so this

    ProjectAttachment.objects.create(
        project=project,
        kind=ctx.data["kind"],
        name=ctx.data["name"][:200],
        file=ctx.data["path"],
        sha256=ctx.data["sha256"],
        size=ctx.data["size"],
        uploaded_at=ctx.now,
        uploaded_by=ctx.user,
    )
