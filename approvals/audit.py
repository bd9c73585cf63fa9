"""The tamper-evident audit trail: appending entries to an object's HMAC chain and verifying it.

Each object has its own chain (its row lock serialises it, so chains never fork). The head of the
chain — entry count and last hash, sealed with the same key — is kept on the object, so deleting
the newest entries is caught as surely as editing one. The key comes from settings.
"""

import dataclasses
import datetime
import hashlib
import hmac
import itertools
import json

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder

from . import clock
from .models import AuditEntry, ChainedRecord

HEAD_FIELDS = ["audit_count", "audit_head", "audit_seal"]


def chained_models() -> dict[str, type]:
    """Every concrete model that keeps an audit chain, by the name its entries carry."""
    return {m.chain_name(): m for m in apps.get_models() if issubclass(m, ChainedRecord)}


def _key() -> bytes:
    key = settings.AUDIT_HMAC_KEY
    if not key:
        raise ImproperlyConfigured("AUDIT_HMAC_KEY (JINGZHUN_AUDIT_KEY) is not set")
    return key.encode()


def _mac(message: str) -> str:
    return hmac.new(_key(), message.encode(), hashlib.sha256).hexdigest()


def canonical(entry: AuditEntry, content_type_label: str, region_code: str) -> str:
    """The fields an entry's hash covers, as one stable JSON text."""
    return json.dumps(
        {
            "object": [content_type_label, str(entry.object_id)],
            "seq": entry.seq,
            "workflow": entry.workflow,
            "action": entry.action,
            "from_state": entry.from_state,
            "to_state": entry.to_state,
            "actor": entry.actor_id,
            "actor_role": entry.actor_role,
            "region": region_code,
            "comment": entry.comment,
            "data": entry.data,
            "created_at": entry.created_at.astimezone(datetime.UTC).isoformat(),
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )


def entry_hash(entry: AuditEntry, content_type_label: str, region_code: str) -> str:
    return _mac(entry.prev_hash + "\n" + canonical(entry, content_type_label, region_code))


def head_seal(content_type_label: str, object_id, count: int, head: str) -> str:
    return _mac(f"head\n{content_type_label}\n{object_id}\n{count}\n{head}")


def _normalise(data) -> dict:
    """Data as it will read back from the JSON column, so the hash verifies after a reload."""
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))


def prepare(
    case, *, action, from_state, to_state, actor, actor_role, comment="", data=None, now=None
):
    """The next entry of ``case``'s chain, unsaved, with the head on the case moved to it.

    The caller saves the entry and the case's ``HEAD_FIELDS`` in the same transaction.
    """
    ct = ContentType.objects.get_for_model(case)
    label = f"{ct.app_label}.{ct.model}"
    entry = AuditEntry(
        content_type=ct,
        object_id=case.pk,
        seq=case.audit_count + 1,
        workflow=case.chain_name(),
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        actor_role=actor_role,
        region_id=case.region_id,
        comment=comment,
        data=_normalise(data),
        created_at=now or clock.now(),
        prev_hash=case.audit_head,
    )
    entry.hash = entry_hash(entry, label, case.region.code)
    case.audit_count = entry.seq
    case.audit_head = entry.hash
    case.audit_seal = head_seal(label, case.pk, entry.seq, entry.hash)
    return entry


def append(case, **fields):
    """Add an entry to ``case``'s chain and save it; the caller saves the case's head."""
    entry = prepare(case, **fields)
    entry.save(force_insert=True)
    return entry


@dataclasses.dataclass
class Problem:
    """The first thing wrong with one object's chain."""

    object_label: str
    object_id: int
    seq: int | None
    entry_id: int | None
    message: str

    def __str__(self):
        where = f"{self.object_label}#{self.object_id}"
        if self.seq is not None:
            where += f" entry {self.seq} (id {self.entry_id})"
        return f"{where}: {self.message}"


def verify_object(label: str, object_id, head: tuple[int, str, str], entries):
    """Check one object's chain against its head; return the first Problem or None.

    ``entries`` are its entries in ``seq`` order, each annotated with its ``region_code``.
    """
    count, last, seal = head
    prev = ""
    expected_seq = 1
    for entry in entries:
        if entry.seq != expected_seq:
            return Problem(
                label,
                object_id,
                entry.seq,
                entry.pk,
                f"expected entry {expected_seq} here: an entry is missing or moved",
            )
        if entry.prev_hash != prev:
            return Problem(
                label,
                object_id,
                entry.seq,
                entry.pk,
                "does not follow the entry before it (reordered or removed)",
            )
        if entry.hash != entry_hash(entry, label, entry.region_code):
            return Problem(label, object_id, entry.seq, entry.pk, "content was changed")
        prev = entry.hash
        expected_seq += 1
    found = expected_seq - 1
    if not seal and not count:
        return Problem(label, object_id, None, None, "has no audit trail (made outside the engine)")
    if seal != head_seal(label, object_id, count, last):
        return Problem(label, object_id, None, None, "the chain head was changed")
    if found != count or prev != last:
        return Problem(
            label,
            object_id,
            None,
            None,
            f"the head records {count} entries but {found} chain up to it "
            "(the newest entries were removed)",
        )
    return None


def verify(models, region_prefix: str = "", on_object=None):
    """Yield the first Problem of every chain of every case of ``models`` (under a region prefix).

    Cases and entries are streamed in id order and merged, so memory stays flat however many
    there are. ``on_object`` is called after each case, for progress reports.
    """
    for model in models:
        ct = ContentType.objects.get_for_model(model)
        label = f"{ct.app_label}.{ct.model}"
        cases = model._base_manager.filter(region__code__startswith=region_prefix).order_by("pk")
        heads = cases.values_list("pk", "audit_count", "audit_head", "audit_seal").iterator(2000)
        entries = (
            AuditEntry.objects.filter(content_type=ct, region__code__startswith=region_prefix)
            .with_region_code()
            .order_by("object_id", "seq")
            .iterator(2000)
        )
        chains = itertools.groupby(entries, key=lambda e: e.object_id)
        chain = next(chains, None)
        for pk, *head in heads:
            while chain is not None and chain[0] < pk:
                yield Problem(
                    label, chain[0], None, None, "entries for an object that does not exist"
                )
                chain = next(chains, None)
            own = []
            if chain is not None and chain[0] == pk:
                own = list(chain[1])  # before the next group consumes it
                chain = next(chains, None)
            problem = verify_object(label, pk, tuple(head), own)
            if problem:
                yield problem
            if on_object:
                on_object()
        while chain is not None:
            yield Problem(label, chain[0], None, None, "entries for an object that does not exist")
            chain = next(chains, None)
