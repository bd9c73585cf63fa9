"""How long an uploaded register file is kept: as long as its job may still read it, and then
the retention period (``REGISTER_UPLOAD_RETENTION_DAYS``) for whoever wants it back, no longer:
a register holds the ID numbers of a county's poorest people.

A job's file goes once the job has been still for the period: imported (``done``), or checked
and never confirmed, or failed and never resumed. Such a job can no longer be confirmed or
resumed (its file would have to be uploaded again); its row stays, with its SHA-256, its report
and its counts, since the audit entries of what it imported cite that hash. A job that is being
checked or imported keeps its file, however old.
"""

import datetime

from django.conf import settings
from django.core.files.storage import default_storage

from approvals import clock

from .models import ImportJob

STILL = (ImportJob.Status.DONE, ImportJob.Status.CHECKED, ImportJob.Status.FAILED)


def purge_uploads() -> int:
    """Delete the files of the jobs still for longer than the retention period; how many."""
    now = clock.now()
    cutoff = now - datetime.timedelta(days=settings.REGISTER_UPLOAD_RETENTION_DAYS)
    stale = ImportJob.objects.filter(
        status__in=STILL, updated_at__lt=cutoff, file_purged_at__isnull=True
    )
    purged = 0
    for pk, name in stale.values_list("pk", "file"):
        # Marked first, each only if still stale (a confirmation may have just come): a job
        # never points at a deleted file.
        if stale.filter(pk=pk).update(file="", file_purged_at=now):
            if name:
                default_storage.delete(name)
            purged += 1
    return purged
