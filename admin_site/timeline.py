"""A record's audit trail as rows a person reads: who, as what, did what, from → to, and for an
edit each field's label with its old → new value, in the reader's language.

The case page, a household's page and the inspector all show trails through ``timeline``, and
every edit's changes through ``diff_rows``: the shape they read is ``approvals.diffs``'.
"""

import json

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals import evidence, policy_versions
from approvals.diffs import ADDED, CHANGED, DELETED
from approvals.models import AuditEntry, WorkflowCase
from approvals.spec import ENGINE_ACTION_LABELS, PUBLIC_ROLE, PUBLIC_ROLE_LABEL
from roles.catalogue import Role
from roles.names import name_of

from . import files

ROLE_LABELS = {
    **dict(Role.choices),
    PUBLIC_ROLE: PUBLIC_ROLE_LABEL,
    policy_versions.SUPERUSER_ROLE: gettext_lazy("超级用户"),
}
OPERATIONS = {
    ADDED: gettext_lazy("新增"),
    CHANGED: gettext_lazy("修改"),
    DELETED: gettext_lazy("删除"),
}
EMPTY = "—"


def action_label(workflow, name: str, source: str | None = None) -> str:
    """The label of action ``name`` (taken from state ``source``, when known); ``workflow`` is
    None for a record that runs no procedure."""
    label = ENGINE_ACTION_LABELS.get(name)
    if label is None and workflow is not None:
        label = workflow.action_label(name, source)
    return str(label or name)


def objection_in(data) -> dict | None:
    """The objection an entry records (filed, upheld or dismissed): who, what, the contact
    masked, as the trail keeps it."""
    if not isinstance(data, dict) or "objector" not in data:
        return None
    return {
        "name": str(data["objector"]),
        "text": str(data.get("objection_text", "")),
        "contact": str(data.get("objector_contact", "")),
    }


def _field(model, name):
    try:
        return model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        return None


def shown(field, text, related_text=None) -> str:
    """A recorded value as a person reads it: a choice's label, 是/否, a related object's text."""
    if text is None or text == "":
        return EMPTY
    if field is None:
        return str(text)
    if field.is_relation:
        return str(related_text or text)
    if isinstance(field, models.BooleanField):
        return _("是") if text == "true" else _("否")
    if field.choices:
        return str({str(value): label for value, label in field.flatchoices}.get(text, text))
    if isinstance(field, models.JSONField):
        value = json.loads(text)
        return "、".join(map(str, value)) if isinstance(value, list) else str(text)
    return str(text)


def _changes(model, changes) -> list[dict]:
    rows = []
    for change in changes or []:
        field = _field(model, change.get("field", ""))
        rows.append(
            {
                "label": str(field.verbose_name) if field else change.get("field", ""),
                "old": shown(field, change.get("old"), change.get("old_str")),
                "new": shown(field, change.get("new"), change.get("new_str")),
            }
        )
    return rows


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def diff_rows(model, data) -> dict:
    """An entry's changes to a record of ``model``, and to its related rows, labelled."""
    if not isinstance(data, dict):
        return {"changes": [], "related": []}
    related = []
    for row in data.get("related") or []:
        if not isinstance(row, dict):
            continue
        row_model = _model(str(row.get("model", "")))
        related.append(
            {
                "label": str(row_model._meta.verbose_name) if row_model else row.get("model"),
                "text": row.get("text", ""),
                "op": str(OPERATIONS.get(row.get("op"), row.get("op", ""))),
                "changes": _changes(row_model, row.get("changes")),
            }
        )
    return {"changes": _changes(model, data.get("changes")), "related": related}


def timeline(record):
    """``record``'s audit trail, oldest first, as rows a person reads."""
    workflow = record.workflow if isinstance(record, WorkflowCase) else None

    def state(name):
        return workflow.state_label(name) if workflow and name else ""

    rows = []
    for entry in AuditEntry.objects.for_object(record).select_related("actor", "on_behalf_of"):
        rows.append(
            {
                "entry": entry,
                "actor": name_of(entry.actor),
                "action": action_label(workflow, entry.action, entry.from_state),
                "role": ROLE_LABELS.get(entry.actor_role, entry.actor_role),
                "on_behalf_of": name_of(entry.on_behalf_of),
                "from_state": state(entry.from_state),
                "to_state": state(entry.to_state),
                "files": [files.describe(record, f) for f in evidence.files_in(entry.data)]
                if workflow
                else [],
                "objection": objection_in(entry.data),
                "diff": diff_rows(type(record), entry.data),
            }
        )
    return rows
