"""Making and correcting policy versions, each an entry of the version's own audit chain.

A version is made (new, or as the one that supersedes another) with an entry holding every value
it was made with; a version no case is pinned to may be corrected, with an entry holding each
changed value, old and new. The chain binds the rules and their source document
(``Policy.chain_bindings``), so ``verify_audit`` reports a version changed any other way.
Versions the migrations load begin their chain, by the system account, once migrated; a
procedure's seeded versions are then relabelled with their names and the source and level of each
value (``relabel_on_migrate``), as corrections by the system account.
"""

import dataclasses

from django.db import transaction
from django.db.models.signals import post_migrate

from . import audit, clock, diffs, edits
from .engine import CREATE
from .models import AuditEntry, Policy
from .spec import SYSTEM_ROLE
from .system import system_user

# The role a superuser who holds no policy-making role is recorded as.
SUPERUSER_ROLE = "superuser"


def _fields() -> list:
    """Every value of a version an entry records (not its chain head)."""
    return [
        f
        for f in Policy._meta.concrete_fields
        if not f.primary_key and f.name not in audit.HEAD_FIELDS
    ]


def create(policy: Policy, user, role: str, comment: str = "") -> AuditEntry:
    """Save the unsaved ``policy`` as made by ``user`` (acting as ``role``) now."""
    policy.created_by = user
    policy.created_at = clock.now()
    with transaction.atomic():
        policy.save(force_insert=True)
        entry = audit.append(
            policy,
            action=CREATE,
            from_state="",
            to_state="",
            actor=user,
            actor_role=role,
            comment=comment,
            data={"changes": diffs.changes(None, policy, _fields()), "related": []},
            now=policy.created_at,
        )
        policy.save(update_fields=audit.HEAD_FIELDS)
    return entry


def load(policy: Policy) -> AuditEntry:
    """Save the unsaved ``policy`` as loaded by the system account (a demo's, an import's)."""
    return create(policy, system_user(), SYSTEM_ROLE)


def supersede(policy: Policy, base: Policy, user, role: str) -> AuditEntry:
    """Save the unsaved ``policy`` as the version that replaces ``base``."""
    policy.workflow = base.workflow
    policy.supersedes = base
    return create(policy, user, role)


def correct(policy: Policy, user, role: str) -> AuditEntry | None:
    """Save what ``user`` changed in a version no case is pinned to, with each old and new value;
    None (nothing written) if nothing changed. Raises ``PolicyInUse`` for a pinned version."""
    with transaction.atomic():
        stored = Policy._base_manager.select_for_update().get(pk=policy.pk)
        changed = diffs.changes(stored, policy, _fields())
        if not changed:
            return None
        for name in audit.HEAD_FIELDS:
            setattr(policy, name, getattr(stored, name))
        entry = audit.prepare(
            policy,
            action=edits.EDIT,
            from_state="",
            to_state="",
            actor=user,
            actor_role=role,
            data={"changes": changed, "related": []},
        )
        policy.save(update_fields=[*(c["field"] for c in changed), *audit.HEAD_FIELDS])
        entry.save(force_insert=True)
    return entry


def _migrated_to(signal: dict, field: str) -> bool:
    """Whether the migrations a ``post_migrate`` signal reports have given Policy ``field``."""
    state = signal.get("apps")
    if state is None:
        return True
    return field in {f.name for f in state.get_model("approvals", "Policy")._meta.get_fields()}


def start_chains(**_signal) -> None:
    """Begin the chain of every version that has none (those the migrations load): ``post_migrate``.

    Skipped while the schema is not yet the one the model describes (a migration run that stops
    short of the chain columns)."""
    if not _migrated_to(_signal, "audit_seal"):
        return
    # Timed to the whole second: a JSON dump of the database (how a test database is put back)
    # keeps milliseconds, and an entry must read back as it was hashed.
    with clock.at(clock.now().replace(microsecond=0)):
        for policy in Policy._base_manager.filter(audit_count=0, audit_seal="").order_by("pk"):
            edits.start_chain(policy)


@dataclasses.dataclass(frozen=True)
class Label:
    """What a seeded version is called and where each of its values comes from
    (``Policy.value_sources``): loaded under an older name, it is renamed once."""

    workflow: str
    loaded_as: str
    name: str
    value_sources: dict


def sourced(level: str, source: str) -> dict:
    """One entry of ``Policy.value_sources``: a value's level and the document it comes from."""
    return {"level": str(level), "source": source}


def relabel(label: Label) -> AuditEntry | None:
    """Give the values of the version ``label`` describes their sources, and rename it unless
    cases run under it (their trails name it), as a correction by the system account; None if
    there is no such version under its old name, or nothing to change."""
    policy = Policy._base_manager.filter(workflow=label.workflow, version=label.loaded_as).first()
    if policy is None:
        return None
    if not policy.audit_count:
        start_chains()
    policy.refresh_from_db()
    if not policy.in_use():
        policy.version = label.name
    policy.value_sources = label.value_sources
    with clock.at(clock.now().replace(microsecond=0)):
        return correct(policy, system_user(), SYSTEM_ROLE)


def relabel_on_migrate(app_config, labels: list[Label]) -> None:
    """Relabel ``labels`` after each ``migrate`` of ``app_config`` (once the schema is in place)."""

    def handler(**signal):
        if not _migrated_to(signal, "value_sources"):
            return
        for label in labels:
            relabel(label)

    post_migrate.connect(
        handler, sender=app_config, weak=False, dispatch_uid=f"{app_config.label}.policy_labels"
    )
