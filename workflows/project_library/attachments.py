"""Adding files to a project: the file is kept as evidence under its SHA-256 and the engine's
``add_attachment`` step checks the role, records the hash in its audit entry and creates the
attachment row in the same transaction."""

import re

from django.utils.translation import gettext as _

from approvals import evidence, perform
from approvals.spec import reads_inputs

from .choices import AttachmentKind


def attach(project, user, upload, kind: str):
    """Keep ``upload`` and add it to ``project`` as ``user``; returns the audit entry."""
    data = {"kind": kind, **evidence.as_data("upload", evidence.store(upload))}
    return perform(project, "add_attachment", user, data=data)


@reads_inputs
def attachment_acceptable(project, ctx):
    data = ctx.data
    if data.get("kind") not in AttachmentKind.values:
        yield _("请选择附件类型")
    if not re.fullmatch(r"[0-9a-f]{64}", str(data.get("upload", ""))):
        yield _("请选择要上传的文件")
    elif not isinstance(data.get("upload_size"), int) or data["upload_size"] > evidence.MAX_BYTES:
        yield _("附件不能超过20MB")
    elif not data.get("upload_path"):
        yield _("附件未能保存，请重新上传")


def create_attachment(project, ctx):
    from .models import ProjectAttachment  # the models module imports the procedure, and so this

    ProjectAttachment.objects.create(
        project=project,
        kind=ctx.data["kind"],
        name=str(ctx.data.get("upload_name", ""))[:200],
        file=ctx.data["upload_path"],
        sha256=ctx.data["upload"],
        size=ctx.data["upload_size"],
        uploaded_at=ctx.now,
        uploaded_by=ctx.user,
    )
