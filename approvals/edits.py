"""Audited edits of the data a decision rests on: a record's fields and its related rows.

One operation for every record that keeps a chain (``ChainedRecord``): cases, and records such
as households that outlive their cases. The record says who may edit it now (``edit_rule()``)
and which approved figures nobody edits in place (``fixed_figures()``); this module locks it,
compares what the caller saved with what the database holds (it does not trust the caller's
list of changes), writes the rows and one audit entry with each old and new value
(``approvals.diffs``), or nothing at all. An edit that changes nothing writes no entry. The
steps are public so that ``approvals.importing`` corrects a record from a register the same way.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from django.apps import apps
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from . import audit, clock, diffs, statements
from .decisions import may_edit
from .engine import CHANGED_MEANWHILE, record_denial
from .exceptions import ConflictError, Reason, Refusal, TransitionNotAllowed
from .locking import ensure_unchanged, lock_fresh
from .models import AuditEntry, ChainedRecord, WorkflowCase
from .spec import CREATE, EDIT, START_CHAIN, SYSTEM_ROLE
from .system import system_user


@dataclasses.dataclass(frozen=True)
class RowEdit:
    """A related row as the caller left it: ``op`` is ``diffs.ADDED``, ``CHANGED`` or
    ``DELETED``; the row is not saved yet."""

    row: models.Model
    op: str


def _state(record) -> str:
    return getattr(record, "state", "")


def lock_for_edit(record):
    """The record re-read under its row lock (a case: refused if its state moved meanwhile)."""
    if isinstance(record, WorkflowCase):
        fresh, _held = lock_fresh(record)
        ensure_unchanged(record, fresh)
        return fresh
    fresh = type(record)._base_manager.select_for_update().get(pk=record.pk)
    fresh.region = record.region
    return fresh


def own_fields(record, names: Iterable[str]) -> list:
    """The model fields ``names`` of ``record``: only those an edit may change."""
    fields = [type(record)._meta.get_field(name) for name in names]
    for field in fields:
        if not field.editable or field.name in record.engine_fields:
            raise ValueError(f"{field.name} is not changed by an edit")
    return fields


def _belongs(row, link, record) -> bool:
    if link.is_cached(row) and link.get_cached_value(row) is record:
        return True
    return record.pk is not None and getattr(row, link.attname) == record.pk


def apply_row(record, edit: RowEdit) -> tuple[dict | None, str, tuple]:
    """Write one related row; return its entry (None if it reads the same), the accessor of
    its kind of row on the record (e.g. ``performance_targets``) and the row as it was and as it
    is now (an added row was nothing, a deleted one is nothing now)."""
    model = type(edit.row)
    link = diffs.parent_link(model, type(record))
    if not _belongs(edit.row, link, record):
        raise ValueError(f"{model.__name__} {edit.row.pk} does not belong to {record!r}")
    fields = diffs.row_fields(model, link)
    accessor = link.remote_field.get_accessor_name()
    if edit.op == diffs.ADDED:
        if not edit.row._state.adding:
            raise ValueError("an added row must be new")
        edit.row.save()
        entry = diffs.related_row(edit.row, edit.op, diffs.changes(None, edit.row, fields))
        return entry, accessor, (edit.row,)
    old = (
        model._base_manager.select_for_update()
        .filter(pk=edit.row.pk, **{link.attname: record.pk})
        .first()
    )
    if old is None:
        raise ConflictError(
            Reason("row_changed_meanwhile", _("相关记录已被他人修改或删除，请刷新后重试"))
        )
    if edit.op == diffs.DELETED:
        entry = diffs.related_row(old, edit.op, diffs.changes(old, None, fields))
        old.delete()
        return entry, accessor, (old,)
    edit.row.save()
    row_changes = diffs.changes(old, edit.row, fields)
    entry = diffs.related_row(edit.row, edit.op, row_changes) if row_changes else None
    return entry, accessor, (old, edit.row)


def refuse_fixed(record, fixed, changed: list[dict], related: list[tuple]) -> None:
    """Refuse, naming them, any approved figure (field or related row) the edit would change;
    ``related`` holds each changed row's entry, accessor and states (``apply_row``)."""
    if fixed is None:
        return
    meta = type(record)._meta
    labels = [
        meta.get_field(c["field"]).verbose_name for c in changed if c["field"] in fixed.fields
    ]
    for row, accessor, states in related:
        label = apps.get_model(row["model"])._meta.verbose_name
        if any(fixed.holds(accessor, state) for state in states) and str(label) not in map(
            str, labels
        ):
            labels.append(label)
    if labels:
        raise TransitionNotAllowed([Reason("fixed_figures", fixed.reason, fields=labels)])


def record_edit(
    record: ChainedRecord, user, fields: Iterable[str], related: Iterable[RowEdit] = (), comment=""
) -> AuditEntry | None:
    """Save what ``user`` changed in ``fields`` of ``record`` and in its ``related`` rows, as one
    audited edit with each old and new value; None (and nothing written) if nothing changed.

    Raises ``PermissionDenied`` (no step of one's own on it now), ``TransitionNotAllowed`` (a
    notice is running, or approved figures would change) or ``ConflictError``; when it raises,
    nothing has changed except a new row in the security log.
    """
    try:
        with transaction.atomic():
            fresh = lock_for_edit(record)
            role = may_edit(fresh, user).enforce().role
            own = own_fields(record, fields)
            changed = diffs.changes(fresh, record, own)
            for change in changed:
                attname = type(record)._meta.get_field(change["field"]).attname
                setattr(fresh, attname, getattr(record, attname))
            rows = [apply_row(record, edit) for edit in related]
            rows = [(row, accessor, states) for row, accessor, states in rows if row]
            refuse_fixed(fresh, fresh.fixed_figures(), changed, rows)
            if not changed and not rows:
                return None
            entry = audit.prepare(
                fresh,
                action=EDIT,
                from_state=_state(fresh),
                to_state=_state(fresh),
                actor=user,
                actor_role=role,
                comment=(comment or "").strip(),
                data={"changes": changed, "related": [row for row, _accessor, _states in rows]},
                now=clock.now(),
            )
            save_with_entry(fresh, [c["field"] for c in changed], entry)
    except Refusal as exc:
        record_denial(record, EDIT, user, exc)
        raise
    for name in audit.HEAD_FIELDS:
        setattr(record, name, getattr(fresh, name))
    return entry


def save_with_entry(fresh, names: list[str], entry: AuditEntry) -> None:
    """Write the record's changed fields and its chain head, and the entry, in one go."""
    names = [*names, *audit.HEAD_FIELDS]
    if isinstance(fresh, WorkflowCase):
        # The state-conditioned UPDATE: it cannot overwrite a state it did not read.
        if not statements.move_and_record(fresh, fresh.state, names, entry):
            raise ConflictError(CHANGED_MEANWHILE)
        return
    fresh.save(update_fields=names)
    entry.save(force_insert=True)


def values_of(record) -> list[dict]:
    """Every value of ``record`` as a change from nothing: what a first entry records."""
    fields = [f for f in type(record)._meta.concrete_fields if not f.primary_key]
    skip = {*audit.HEAD_FIELDS, "region"}
    return diffs.changes(None, record, [f for f in fields if f.name not in skip])


def create_record(
    record: ChainedRecord, user, related: Iterable[RowEdit] = (), comment=""
) -> AuditEntry:
    """Save a new record with its related rows, as someone its ``edit_rule()`` lets edit it;
    the first entry of its chain holds every value it was created with."""
    try:
        role = may_edit(record, user).enforce().role
    except Refusal as exc:
        record_denial(record, CREATE, user, exc)
        raise
    with transaction.atomic():
        record.save()
        rows = [apply_row(record, edit)[0] for edit in related]
        entry = audit.append(
            record,
            action=CREATE,
            from_state="",
            to_state=_state(record),
            actor=user,
            actor_role=role,
            comment=(comment or "").strip(),
            data={"changes": values_of(record), "related": rows},
        )
        record.save(update_fields=audit.HEAD_FIELDS)
    return entry


def _owned_rows(record) -> list[dict]:
    """The rows that belong to ``record`` and keep no chain of their own, as added rows."""
    rows = []
    for relation in type(record)._meta.related_objects:
        model = relation.related_model
        if not relation.one_to_many or issubclass(model, ChainedRecord):
            continue
        fields = diffs.row_fields(model, relation.field)
        for row in model._base_manager.filter(**{relation.field.name: record}).order_by("pk"):
            rows.append(diffs.related_row(row, diffs.ADDED, diffs.changes(None, row, fields)))
    return rows


def start_chain(record: ChainedRecord) -> AuditEntry:
    """The first entry of a record that existed before it kept a chain, written by the system
    account: every value it holds, and every row that belongs to it, as found."""
    with transaction.atomic():
        fresh = lock_for_edit(record)
        if fresh.audit_count:
            raise ValueError(f"{record!r} has a chain already")
        entry = audit.append(
            fresh,
            action=START_CHAIN,
            from_state=_state(fresh),
            to_state=_state(fresh),
            actor=system_user(),
            actor_role=SYSTEM_ROLE,
            data={"changes": values_of(fresh), "related": _owned_rows(fresh)},
        )
        fresh.save(update_fields=audit.HEAD_FIELDS)
    for name in audit.HEAD_FIELDS:
        setattr(record, name, getattr(fresh, name))
    return entry
