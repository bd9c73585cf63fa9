"""Files that back an action (minutes, photos, a signed consent form), kept under their SHA-256.

The file is stored before the action is taken; the action's data — and so its audit entry —
carries the hash, the name, the size and where it is kept. Storing by hash means the same file
is kept once, and a file that fails the action's checks is harmless.
"""

import hashlib
import os

from django.core.files.storage import default_storage

MAX_BYTES = 20 * 1024 * 1024


def store(upload) -> dict:
    """Keep ``upload`` (unless it is over the size limit) and describe it."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    sha256 = digest.hexdigest()
    extension = os.path.splitext(upload.name)[1].lower()[:10]
    path = f"evidence/{sha256[:2]}/{sha256}{extension}"
    if upload.size > MAX_BYTES:
        path = ""
    elif not default_storage.exists(path):
        upload.seek(0)
        path = default_storage.save(path, upload)
    return {"sha256": sha256, "name": upload.name, "size": upload.size, "path": path}


def as_data(field: str, kept: dict) -> dict:
    """The action data for a file entered as ``field``: its hash under the field's own name."""
    return {
        field: kept["sha256"],
        f"{field}_name": kept["name"],
        f"{field}_size": kept["size"],
        f"{field}_path": kept["path"],
    }
