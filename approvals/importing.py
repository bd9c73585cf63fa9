"""Records and cases brought in from a register kept elsewhere, with an honest trail.

A record that arrives from a register did not go through the steps of the system: it is saved as
the register says, in the state the register gives (for a case), with ONE entry on its chain —
action ``import`` (从台账导入) — holding every value it was saved with, the file it came from
(its SHA-256 and name) and who imported it. No step that did not happen here is written.

A record already in the system that a corrected register changes is an audited edit like any
other (old and new values), naming the file too. Who may import is decided by
``decisions.may_import`` over the record's region, for the roles the importing procedure names.
"""

from collections.abc import Iterable

from django.db import transaction

from . import audit, clock, diffs
from .binding import POLICY_KEY
from .decisions import may_import
from .edits import (
    RowEdit,
    apply_row,
    lock_for_edit,
    own_fields,
    refuse_fixed,
    save_with_entry,
    values_of,
)
from .engine import record_denial, workflow_of
from .exceptions import Refusal
from .models import AuditEntry, ChainedRecord, WorkflowCase
from .spec import EDIT, IMPORT


class Permits:
    """``may_import``'s answers for one run of an import, asked once per region: a register of a
    county writes thousands of records into a few hundred villages."""

    def __init__(self, user, roles: Iterable[str]):
        self.user, self.roles = user, list(roles)
        self._decisions: dict[int, object] = {}

    def role(self, record, action) -> str:
        """The role ``user`` imports ``record`` as; refused (and logged) if none."""
        decision = self._decisions.get(record.region_id)
        if decision is None:
            decision = may_import(self.user, record.region, self.roles)
            self._decisions[record.region_id] = decision
        try:
            return decision.enforce().role
        except Refusal as exc:
            record_denial(record, action, self.user, exc)
            raise


def import_case(
    case: WorkflowCase,
    user,
    *,
    roles: Iterable[str],
    source: dict,
    related: Iterable[RowEdit] = (),
    permits: Permits | None = None,
) -> AuditEntry:
    """Save a new case in the state it was built with (the one the register says), as someone
    holding one of ``roles`` over its region; its one trail entry says it was imported."""
    workflow = workflow_of(case)
    if case.state not in workflow.states:
        raise ValueError(f"{case.state!r} is no state of {workflow.name}")
    return import_record(case, user, roles=roles, source=source, related=related, permits=permits)


def import_record(
    record: ChainedRecord,
    user,
    *,
    roles: Iterable[str],
    source: dict,
    fields: Iterable[str] = (),
    related: Iterable[RowEdit] = (),
    permits: Permits | None = None,
) -> AuditEntry | None:
    """A new ``record`` saved with its ``related`` rows and one ``import`` entry; or, for a
    record already saved, what the register changed in ``fields`` and ``related`` as one audited
    edit (None when nothing changed). ``source`` names the file: ``{"sha256": …, "name": …}``;
    ``permits`` (for ``user`` and ``roles``) keeps the answers of a run of many imports."""
    permits = permits or Permits(user, roles)
    if record.pk is None:
        role = permits.role(record, IMPORT)
        with transaction.atomic():
            record.save()
            rows = [apply_row(record, edit)[0] for edit in related]
            data = {"source": source, "changes": values_of(record), "related": rows}
            if isinstance(record, WorkflowCase):
                data[POLICY_KEY] = record.policy.version if record.policy_id else None
            state = getattr(record, "state", "")
            entry = audit.append(
                record,
                action=IMPORT,
                from_state="",
                to_state=state,
                actor=user,
                actor_role=role,
                data=data,
                now=getattr(record, "state_since", None),
            )
            record.save(update_fields=audit.HEAD_FIELDS)
        return entry
    role = permits.role(record, EDIT)
    try:
        return _edit(record, user, role, source, fields, related)
    except Refusal as exc:
        record_denial(record, EDIT, user, exc)
        raise


def _edit(record, user, role, source, fields, related) -> AuditEntry | None:
    with transaction.atomic():
        fresh = lock_for_edit(record)
        changed = diffs.changes(fresh, record, own_fields(record, fields))
        for change in changed:
            attname = type(record)._meta.get_field(change["field"]).attname
            setattr(fresh, attname, getattr(record, attname))
        applied = [apply_row(record, edit) for edit in related]
        applied = [(row, accessor, states) for row, accessor, states in applied if row]
        refuse_fixed(fresh, fresh.fixed_figures(), changed, applied)
        rows = [row for row, _accessor, _states in applied]
        if not changed and not rows:
            return None
        state = getattr(fresh, "state", "")
        entry = audit.prepare(
            fresh,
            action=EDIT,
            from_state=state,
            to_state=state,
            actor=user,
            actor_role=role,
            data={"source": source, "changes": changed, "related": rows},
            now=clock.now(),
        )
        save_with_entry(fresh, [c["field"] for c in changed], entry)
    for name in audit.HEAD_FIELDS:
        setattr(record, name, getattr(fresh, name))
    return entry
