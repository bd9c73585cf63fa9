"""Adding files to a project: the engine's ``add_attachment`` step checks the role, checks and
keeps the file as evidence (``approvals.evidence``), records its hash in the audit entry and
creates the attachment row in the same transaction."""

from django.utils.translation import gettext_lazy as _

from approvals import perform
from approvals.exceptions import Reason
from approvals.spec import reads_inputs

from .choices import AttachmentKind


def attach(project, user, upload, kind: str):
    """Add ``upload`` to ``project`` as ``user``; returns the audit entry."""
    return perform(project, "add_attachment", user, data={"kind": kind, "upload": upload})


@reads_inputs
def attachment_acceptable(project, ctx):
    """The kind is one of the list; the file itself the engine checks as the step's evidence."""
    if ctx.data.get("kind") not in AttachmentKind.values:
        yield Reason("attachment_kind_missing", _("请选择附件类型"))


def create_attachment(project, ctx):
    project.attachments.create(
        kind=ctx.data["kind"],
        name=str(ctx.data.get("upload_name", ""))[:200],
        file=ctx.data["upload_path"],
        sha256=ctx.data["upload"],
        size=ctx.data["upload_size"],
        uploaded_at=ctx.now,
        uploaded_by=ctx.user,
    )
