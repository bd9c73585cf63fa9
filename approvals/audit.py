"""The tamper-evident audit trail: appending entries to an object's HMAC chain and verifying it.

Each object has its own chain (its row lock serialises it, so chains never fork). The head of the
chain — entry count and last hash, sealed with the same key — is kept on the object, so deleting
the newest entries is caught as surely as editing one. Fields of the object the chain also says
(``ChainedRecord.chain_bindings``) are compared with it, and a checkpoint taken earlier shows whole
chains removed or rolled back. The keys come from settings (``approvals.keys``).
"""

import dataclasses
import datetime
import itertools
import json
import operator

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder

from . import clock, keys
from .models import AuditEntry, ChainedRecord

HEAD_FIELDS = ["audit_count", "audit_head", "audit_seal"]


def chained_models() -> dict[str, type]:
    """Every concrete model that keeps an audit chain, by the name its entries carry."""
    return {m.chain_name(): m for m in apps.get_models() if issubclass(m, ChainedRecord)}


def chain_label(model) -> str:
    """How reports name a model's chains: ``app_label.model``, as the content type does."""
    return model._meta.label_lower


def canonical(entry: AuditEntry, content_type_label: str, region_code: str) -> str:
    """The fields an entry's hash covers, as one stable JSON text. ``on_behalf_of`` is covered
    when set and left out when not, so every entry written before stand-ins keeps its hash."""
    fields = {
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
    }
    if entry.on_behalf_of_id is not None:
        fields["on_behalf_of"] = entry.on_behalf_of_id
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def region_code(region) -> str:
    """The region code an entry's hash covers: "" for an entry in no region."""
    return region.code if region is not None else ""


def entry_hash(entry: AuditEntry, content_type_label: str, region_code: str) -> str:
    """The entry's HMAC under the key it names; KeyError if that key is not configured."""
    message = entry.prev_hash + "\n" + canonical(entry, content_type_label, region_code)
    return keys.mac(entry.key_id, message)


def head_seal(content_type_label: str, object_id, count: int, head: str, key_id: str) -> str:
    return keys.mac(key_id, f"head\n{content_type_label}\n{object_id}\n{count}\n{head}")


def _sealed(label: str, object_id, count: int, head: str, seal: str) -> bool:
    """Whether any configured key made this seal (a head keeps the key of its newest entry)."""
    return any(
        seal == head_seal(label, object_id, count, head, key_id) for key_id in keys.configured()
    )


def _normalise(data) -> dict:
    """Data as it will read back from the JSON column, so the hash verifies after a reload."""
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))


def prepare(
    case,
    *,
    action,
    from_state,
    to_state,
    actor,
    actor_role,
    comment="",
    data=None,
    now=None,
    on_behalf_of=None,
):
    """The next entry of ``case``'s chain, unsaved, with the head on the case moved to it;
    ``on_behalf_of`` is the absent person a stand-in acts for.

    The caller saves the entry and the case's ``HEAD_FIELDS`` in the same transaction.
    """
    label = chain_label(type(case))
    key_id = keys.current()[0]
    entry = AuditEntry(
        record=case,
        seq=case.audit_count + 1,
        workflow=case.chain_name(),
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        actor_role=actor_role,
        on_behalf_of=on_behalf_of,
        region=case.region,
        comment=comment,
        data=_normalise(data),
        created_at=now or clock.now(),
        prev_hash=case.audit_head,
        key_id=key_id,
    )
    entry.hash = entry_hash(entry, label, region_code(case.region))
    case.audit_count = entry.seq
    case.audit_head = entry.hash
    case.audit_seal = head_seal(label, case.pk, entry.seq, entry.hash, key_id)
    return entry


def append(case, **fields):
    """Add an entry to ``case``'s chain and save it; the caller saves the case's head."""
    entry = prepare(case, **fields)
    entry.save(force_insert=True)
    return entry


@dataclasses.dataclass
class Problem:
    """The first thing wrong with one object's chain.

    ``key_id`` is set when the chain could not be checked because the key that signed it is not
    configured: a wrong or missing key, reported once per key rather than as tampering.
    """

    object_label: str
    object_id: int
    seq: int | None
    entry_id: int | None
    message: str
    key_id: str | None = None

    @property
    def where(self) -> str:
        return f"{self.object_label}#{self.object_id}"

    def __str__(self):
        where = self.where
        if self.seq is not None:
            where += f" entry {self.seq} (id {self.entry_id})"
        return f"{where}: {self.message}"


@dataclasses.dataclass(frozen=True)
class Mark:
    """What a checkpoint recorded of one chain: its entry count and the start of its head."""

    count: int
    head_prefix: str
    taken: str  # when the checkpoint was taken, for messages

    def problem(self, label, object_id, entries) -> Problem | None:
        """What is wrong with an intact chain's ``entries`` measured against this mark."""
        if len(entries) < self.count:
            return Problem(
                label,
                object_id,
                None,
                None,
                f"has {len(entries)} entries but the checkpoint of {self.taken} recorded "
                f"{self.count} (rolled back)",
            )
        if self.count and not entries[self.count - 1].hash.startswith(self.head_prefix):
            entry = entries[self.count - 1]
            return Problem(
                label,
                object_id,
                entry.seq,
                entry.pk,
                f"is not the entry the checkpoint of {self.taken} recorded (rewritten since)",
            )
        return None

    def missing(self, label, object_id) -> Problem:
        return Problem(
            label,
            object_id,
            None,
            None,
            f"in the checkpoint of {self.taken} with {self.count} entries, now missing "
            "(the record and its trail were removed)",
        )


def verify_object(
    label: str, object_id, head: tuple[int, str, str], entries, bound=(), mark: Mark | None = None
):
    """Check one object's chain against its head; return the first Problem or None.

    ``entries`` are its entries in ``seq`` order, each annotated with its ``region_code``;
    ``bound`` pairs each of its ``chain_bindings()`` with the object's value of it, and ``mark``
    is what a checkpoint recorded of the chain.
    """
    count, last, seal = head
    entries = list(entries)
    prev = ""
    for expected_seq, entry in enumerate(entries, start=1):
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
        try:  # one look-up of the key per entry: the HMAC's own
            expected = entry_hash(entry, label, entry.region_code or "")
        except KeyError:
            return Problem(
                label,
                object_id,
                entry.seq,
                entry.pk,
                f"signed with key {entry.key_id}, which is not configured",
                key_id=entry.key_id,
            )
        if entry.hash != expected:
            return Problem(label, object_id, entry.seq, entry.pk, "content was changed")
        prev = entry.hash
    if not seal and not count and not entries:
        return Problem(label, object_id, None, None, "has no audit trail (made outside the engine)")
    if not _sealed(label, object_id, count, last, seal):
        return Problem(label, object_id, None, None, "the chain head was changed")
    mismatch = _head_mismatch(count, last, len(entries), prev)
    if mismatch:
        return Problem(label, object_id, None, None, mismatch)
    for binding, value in bound:
        contradiction = binding.contradiction(value, entries)
        if contradiction:
            return Problem(label, object_id, None, None, contradiction)
    return mark.problem(label, object_id, entries) if mark else None


def _head_mismatch(count: int, last: str, found: int, newest: str) -> str | None:
    """How a sealed head (``count`` entries, the newest ``last``) differs from the chain of
    ``found`` intact entries ending in ``newest``: a real head, but not this chain's."""
    if found < count:
        cause = "the newest entries were removed"
    elif found > count:
        cause = "the record was put back to an older copy"
    elif newest != last:
        return (
            f"the head records {count} entries and {found} chain up to it, but its newest is "
            "another entry (the newest entry was replaced)"
        )
    else:
        return None
    return f"the head records {count} entries but {found} chain up to it ({cause})"


def verify_record(record) -> Problem | None:
    """Check one record's chain, and its bound fields, as ``verify`` would."""
    model = type(record)
    bindings = model.chain_bindings()
    values = (
        model._base_manager.filter(pk=record.pk)
        .values_list("audit_count", "audit_head", "audit_seal", *[b.lookup for b in bindings])
        .get()
    )
    entries = AuditEntry.objects.for_object(record).with_region_code()
    return verify_object(
        chain_label(model), record.pk, values[:3], entries, zip(bindings, values[3:], strict=True)
    )


class _Sorted:
    """A stream of (id, item) pairs in id order, read alongside another stream in id order."""

    def __init__(self, pairs):
        self._pairs = iter(pairs)
        self._next = next(self._pairs, None)

    def before(self, key=None):
        """Consume and yield the pairs whose id is below ``key`` (all that are left if None)."""
        while self._next is not None and (key is None or self._next[0] < key):
            yield self._next
            self._next = next(self._pairs, None)

    def take(self, key, default=None):
        """The item with id ``key`` if it is next (consumed), else ``default``."""
        if self._next is None or self._next[0] != key:
            return default
        item = self._next[1]
        self._next = next(self._pairs, None)
        return item


# What verification reads of each entry: rows (named tuples) rather than model instances, which
# would cost more to build than the entry's HMAC costs to check.
STREAMED_FIELDS = (
    "pk", "object_id", "seq", "workflow", "action", "from_state", "to_state", "actor_id",
    "actor_role", "comment", "data", "created_at", "prev_hash", "hash", "key_id", "region_code",
    "on_behalf_of_id",
)  # fmt: skip
STREAM_CHUNK = 5000


def verify(models, region_prefix: str = "", on_object=None, checkpoint=None):
    """Yield the first Problem of every chain of every record of ``models`` (under a region
    prefix), and with a ``checkpoint`` every chain it recorded that is gone or shorter now.

    Records, entries and the checkpoint's marks are streamed in id order and merged, so memory
    stays flat however many there are. ``on_object`` is called after each record, for progress.
    """
    if checkpoint is not None and region_prefix:
        raise ValueError("a checkpoint covers every region: verify against it without a prefix")
    for model in models:
        label = chain_label(model)
        bindings = model.chain_bindings()
        records = model._base_manager.filter(model.under_region(region_prefix))
        heads = (
            records.order_by("pk")
            .values_list(
                "pk", "audit_count", "audit_head", "audit_seal", *[b.lookup for b in bindings]
            )
            .iterator(STREAM_CHUNK)
        )
        entries = AuditEntry.objects.for_model(model)
        if region_prefix:
            entries = entries.filter(region__code__startswith=region_prefix)
        entries = (
            entries.with_region_code()
            .order_by("object_id", "seq")
            .values_list(*STREAMED_FIELDS, named=True)
            .iterator(STREAM_CHUNK)
        )
        by_object = itertools.groupby(entries, key=operator.attrgetter("object_id"))
        chains = _Sorted((object_id, list(group)) for object_id, group in by_object)
        marks = _Sorted(checkpoint.marks(label) if checkpoint is not None else ())
        for pk, count, last, seal, *values in heads:
            yield from _unmatched(label, chains.before(pk), marks.before(pk))
            problem = verify_object(
                label,
                pk,
                (count, last, seal),
                chains.take(pk, []),
                zip(bindings, values, strict=True),
                marks.take(pk),
            )
            if problem:
                yield problem
            if on_object:
                on_object()
        yield from _unmatched(label, chains.before(), marks.before())


def _unmatched(label, orphans, missing):
    """Problems for entries with no record, and for checkpointed chains whose record is gone."""
    for object_id, _entries in orphans:
        yield Problem(label, object_id, None, None, "entries for an object that does not exist")
    for object_id, mark in missing:
        yield mark.missing(label, object_id)


class Findings:
    """The report of a verification: each broken chain as found, then one line per key that is
    not configured (a wrong or rotated key is one finding, not every chain tampered with)."""

    EXAMPLES = 3

    def __init__(self):
        self.broken = 0
        self.unverifiable: dict[str, list[str]] = {}

    def report(self, problems):
        """Every line about ``problems``: the chains as found, then the keys."""
        yield from self.lines(problems)
        yield from self.key_lines()

    def lines(self, problems):
        """A line for each broken chain; chains signed with a key not configured are kept back."""
        for problem in problems:
            if problem.key_id is not None:
                self.unverifiable.setdefault(problem.key_id, []).append(problem.where)
                continue
            self.broken += 1
            yield str(problem)

    def key_lines(self):
        """One line per key not configured, with how many chains it leaves unverified."""
        for key_id, where in self.unverifiable.items():
            examples = ", ".join(where[: self.EXAMPLES]) + (
                " …" if len(where) > self.EXAMPLES else ""
            )
            yield (
                f"entries signed with key {key_id}, which is not configured "
                f"(configured: {keys.describe()}): {len(where)} chain(s) not verified, "
                f"e.g. {examples}"
            )

    @property
    def problems(self) -> int:
        return self.broken + sum(len(where) for where in self.unverifiable.values())
