"""Files that back an action (minutes, photos, a signed consent form), checked and kept by perform.

A file is entered with an action as the value of one of its ``Input(kind="file")``: the file
itself, never a hash typed by someone. ``perform`` checks it only once it knows the actor may take
the action (``receive``: required, within the size limit, of an accepted type judged by its
content, never by its name), and keeps it only once every guard has passed (``keep``). The
action's data — and so its audit entry — carries the SHA-256, the name, the size, the type and
where it is kept. Storage is not transactional: ``perform`` deletes what ``keep`` wrote when its
transaction rolls back (``discard``), so a refused or failed step leaves no file behind.

The limit and the accepted types are policy: ``EVIDENCE_MAX_BYTES`` and ``EVIDENCE_TYPES`` in
settings.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging

import filetype
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# How much of a file is read to recognise its type.
SIGNATURE_BYTES = 8192


@dataclasses.dataclass(frozen=True)
class Oversize:
    """Stands for a file the site dropped on arrival because it was over the size limit."""

    name: str


@dataclasses.dataclass(frozen=True)
class Received:
    """A file that passed the checks, waiting for the engine to decide the step."""

    field: str
    upload: object
    sha256: str
    content_type: str


def max_bytes() -> int:
    return settings.EVIDENCE_MAX_BYTES


def limit_label() -> str:
    """The size limit as people read it, e.g. "20 MB"."""
    return f"{max_bytes() / (1024 * 1024):g} MB"


def accepted_labels() -> str:
    return "、".join(dict.fromkeys(ext.upper() for ext in settings.EVIDENCE_TYPES.values()))


def is_file(value) -> bool:
    return hasattr(value, "chunks") and hasattr(value, "name")


def sniff(upload) -> str | None:
    """The file's type recognised from its first bytes (its name plays no part), or None."""
    upload.seek(0)
    kind = filetype.guess(upload.read(SIGNATURE_BYTES))
    upload.seek(0)
    return kind.mime if kind else None


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _check(field, value) -> tuple[Received | None, list[str]]:
    if isinstance(value, Oversize) or (is_file(value) and value.size > max_bytes()):
        return None, [
            _("“%(name)s”超过%(limit)s，不能上传") % {"name": value.name, "limit": limit_label()}
        ]
    if not is_file(value):
        return None, [_("请上传%(label)s") % {"label": field.label}]
    content_type = sniff(value)
    if content_type not in settings.EVIDENCE_TYPES:
        return None, [
            _("“%(name)s”不是可接受的文件类型（只接受%(types)s）")
            % {"name": value.name, "types": accepted_labels()}
        ]
    return Received(field.name, value, _sha256(value), content_type), []


def receive(inputs, data: dict) -> tuple[list[Received], list[str]]:
    """Check the file of every file input in ``data``: the files that pass, and the reasons
    against the others. What passed is described in ``data`` (all but where it is kept), so the
    guards see it."""
    received, reasons = [], []
    for field in inputs:
        if field.kind != "file":
            continue
        file, refused = _check(field, data.get(field.name))
        reasons += refused
        if file:
            received.append(file)
            data.update(
                as_data(
                    field.name,
                    {
                        "sha256": file.sha256,
                        "name": file.upload.name,
                        "size": file.upload.size,
                        "type": file.content_type,
                        "path": "",
                    },
                )
            )
    return received, reasons


def keep(received: list[Received], data: dict, kept: list[str]) -> None:
    """Store each received file under its SHA-256 and its type's extension, and record where in
    ``data``; each stored path is added to ``kept`` so a rollback can delete it. Every step keeps
    its own copy (the storage picks a new name if the hash's is taken), so deleting one step's
    file never takes away another's."""
    for file in received:
        extension = settings.EVIDENCE_TYPES[file.content_type]
        file.upload.seek(0)
        path = default_storage.save(
            f"evidence/{file.sha256[:2]}/{file.sha256}.{extension}", file.upload
        )
        kept.append(path)
        data[f"{file.field}_path"] = path


def discard(kept: list[str]) -> None:
    """Delete files kept by a step that did not happen."""
    for path in kept:
        try:
            default_storage.delete(path)
        except OSError:
            logger.exception("Could not delete %s, kept by a step that was rolled back", path)


def as_data(field: str, kept: dict) -> dict:
    """The action data for a file entered as ``field``: its hash under the field's own name."""
    return {
        field: kept["sha256"],
        f"{field}_name": kept["name"],
        f"{field}_size": kept["size"],
        f"{field}_type": kept["type"],
        f"{field}_path": kept["path"],
    }


def files_in(data) -> list[dict]:
    """The kept files an entry's data records: field, SHA-256, name, size, type and path."""
    if not isinstance(data, dict):
        return []
    return [
        {
            "field": key,
            "sha256": str(value),
            "name": str(data.get(f"{key}_name", "")),
            "size": data.get(f"{key}_size"),
            "type": str(data.get(f"{key}_type") or "application/octet-stream"),
            "path": str(data[f"{key}_path"]),
        }
        for key, value in data.items()
        if data.get(f"{key}_path")
    ]
