"""How a change to a record is written into its audit entry, in one shape for every trail.

An entry's ``data`` carries ``changes`` (each changed field of the record with its old and new
value) and ``related`` (each related row added, changed or deleted, with its own changes)::

    {"changes": [{"field": "total_funds", "old": "90.00", "new": "190.00"}],
     "related": [{"model": "project_library.performancetarget", "row": "7", "op": "changed",
                  "text": "受益贫困户数: 35户", "changes": [...]}]}

Values are text that reads the same whatever wrote them: a decimal with its field's places, a
date in ISO form, a boolean as ``true``/``false``, a choice as its stored value, JSON sorted, no
value as ``null``; a foreign key as its pk, with the related object's text at the time beside it
(``old_str``/``new_str``). Labels are left to whoever reads the entry, in their own language.
"""

import datetime
import json
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

ADDED, CHANGED, DELETED = "added", "changed", "deleted"


def as_text(field, value) -> str | None:
    """``value`` of ``field`` as the stable text an entry keeps."""
    if value is None:
        return None
    if isinstance(field, models.DecimalField):
        return str(Decimal(value).quantize(Decimal(1).scaleb(-field.decimal_places)))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(field, models.JSONField):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)
    return str(value)


def _value(instance, field) -> tuple[str | None, str | None]:
    """A field's text and, for a foreign key that is set, the related object's text."""
    text = as_text(field, getattr(instance, field.attname))
    if field.is_relation and text is not None:
        return text, str(getattr(instance, field.name))
    return text, None


def field_change(field, old, new) -> dict | None:
    """The change of ``field`` from instance ``old`` to instance ``new`` (either may be None: a
    row added or deleted), or None if it reads the same."""
    before, before_str = _value(old, field) if old is not None else (None, None)
    after, after_str = _value(new, field) if new is not None else (None, None)
    if before == after:
        return None
    change = {"field": field.name, "old": before, "new": after}
    if field.is_relation:
        change.update(old_str=before_str, new_str=after_str)
    return change


def changes(old, new, fields) -> list[dict]:
    """Every field among ``fields`` whose value differs between ``old`` and ``new``."""
    return [c for c in (field_change(f, old, new) for f in fields) if c]


def row_fields(model, parent_field) -> list:
    """The fields of a related row worth recording: all but its pk and its link to the record."""
    return [
        f for f in model._meta.concrete_fields if not f.primary_key and f.name != parent_field.name
    ]


def related_row(instance, op: str, row_changes: list[dict]) -> dict:
    return {
        "model": instance._meta.label_lower,
        "row": str(instance.pk),
        "op": op,
        "text": str(instance),
        "changes": row_changes,
    }


def parent_link(row_model, record_model):
    """The foreign key by which a related row belongs to its record."""
    for field in row_model._meta.concrete_fields:
        if field.is_relation and issubclass(record_model, field.related_model):
            return field
    raise ValueError(f"{row_model.__name__} does not belong to a {record_model.__name__}")
