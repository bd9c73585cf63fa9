"""Making and correcting policy versions, each an entry of the version's own audit chain.

A version is made (new, or as the one that supersedes another) with an entry holding every value
it was made with; a version no case is pinned to may be corrected, with an entry holding each
changed value, old and new. The chain binds the rules and their source document
(``Policy.chain_bindings``), so ``verify_audit`` reports a version changed any other way.
Versions the migrations load begin their chain, by the system account, once migrated.
"""

from django.db import transaction

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


def start_chains(**_signal) -> None:
    """Begin the chain of every version that has none (those the migrations load): ``post_migrate``.

    Skipped while the schema is not yet the one the model describes (a migration run that stops
    short of the chain columns)."""
    state = _signal.get("apps")
    if state is not None:
        names = {f.name for f in state.get_model("approvals", "Policy")._meta.get_fields()}
        if "audit_seal" not in names:
            return
    # Timed to the whole second: a JSON dump of the database (how a test database is put back)
    # keeps milliseconds, and an entry must read back as it was hashed.
    with clock.at(clock.now().replace(microsecond=0)):
        for policy in Policy._base_manager.filter(audit_count=0, audit_seal="").order_by("pk"):
            edits.start_chain(policy)
