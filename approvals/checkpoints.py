"""Signed checkpoints of every audit chain, in the spirit of a Certificate-Transparency tree head.

A chain proves its own entries, and its head proves none were cut off its end; neither notices a
record erased together with its whole chain, nor a record and its chain put back to an older copy.
A checkpoint records, for every chain of every chained model, its record's id, entry count and the
start of its head, with the totals and a digest over all of them signed under the audit key. The
file it writes is small enough to keep outside the system; ``verify_audit --checkpoint FILE`` then
names each chain that is gone or shorter since, or whose history was rewritten.

Taking one reads the heads as they are committed, row by row: no lock, nothing on the hot path.
Chains only grow, so a step committed meanwhile is simply counted or not.
"""

import dataclasses
import datetime
import gzip
import hashlib
import json

from django.utils import timezone

from . import keys
from .audit import Mark, chain_label, chained_models
from .models import Checkpoint

FORMAT = "jingzhun-audit-checkpoint/1"
HEAD_PREFIX = 8  # hex digits of each head kept: enough to tell one history from another


class CheckpointError(ValueError):
    """A checkpoint file that cannot be trusted or read."""


@dataclasses.dataclass
class Chains:
    """One model's chains at the checkpoint, by ascending record id."""

    ids: list[int] = dataclasses.field(default_factory=list)
    counts: list[int] = dataclasses.field(default_factory=list)
    heads: list[str] = dataclasses.field(default_factory=list)

    def rows(self):
        return zip(self.ids, self.counts, self.heads, strict=True)

    def to_json(self) -> dict:
        """Ids as gaps from the one before and heads run together: a file that compresses well."""
        gaps = [b - a for a, b in zip([0, *self.ids], self.ids, strict=False)]
        return {"ids": gaps, "counts": self.counts, "heads": "".join(self.heads)}

    @classmethod
    def from_json(cls, data: dict) -> "Chains":
        ids, total = [], 0
        for gap in data["ids"]:
            total += gap
            ids.append(total)
        heads = data["heads"]
        prefixes = [heads[i : i + HEAD_PREFIX] for i in range(0, len(heads), HEAD_PREFIX)]
        return cls(ids, list(data["counts"]), prefixes)


@dataclasses.dataclass
class Snapshot:
    """A checkpoint with the chains it covers: what its file holds."""

    created_at: datetime.datetime
    key_id: str
    chains: int
    entries: int
    digest: str
    signature: str
    models: dict[str, Chains]

    @property
    def taken(self) -> str:
        return timezone.localtime(self.created_at).strftime("%Y-%m-%d %H:%M")

    def marks(self, label: str):
        """(record id, Mark) of the model's chains in id order, for ``audit.verify``."""
        chains = self.models.get(label, Chains())
        for object_id, count, head in chains.rows():
            yield object_id, Mark(count, head, self.taken)

    def write(self, path) -> int:
        """Write the snapshot as gzip-compressed JSON; return its size in bytes."""
        document = {
            "format": FORMAT,
            "created_at": self.created_at.isoformat(),
            "key_id": self.key_id,
            "chains": self.chains,
            "entries": self.entries,
            "digest": self.digest,
            "signature": self.signature,
            "models": {label: chains.to_json() for label, chains in self.models.items()},
        }
        body = gzip.compress(json.dumps(document, separators=(",", ":")).encode(), mtime=0)
        with open(path, "wb") as out:
            out.write(body)
        return len(body)


def _digest(models: dict[str, Chains]) -> tuple[str, int, int]:
    """SHA-256 over every (model, id, count, head prefix) row in order, and the totals."""
    digest, chains, entries = hashlib.sha256(), 0, 0
    for label in sorted(models):
        for object_id, count, head in models[label].rows():
            digest.update(f"{label} {object_id} {count} {head}\n".encode())
            chains += 1
            entries += count
    return digest.hexdigest(), chains, entries


def _signed(created_at, chains: int, entries: int, digest: str) -> str:
    return f"checkpoint\n{created_at.isoformat()}\n{chains}\n{entries}\n{digest}"


def take() -> Snapshot:
    """Read every chain head, sign the result, and keep its summary as a Checkpoint row."""
    key_id = keys.current()[0]
    created_at = timezone.now().replace(microsecond=0)
    models = {}
    for model in sorted(chained_models().values(), key=chain_label):
        chains = Chains()
        rows = model._base_manager.order_by("pk").values_list("pk", "audit_count", "audit_head")
        for object_id, count, head in rows.iterator(2000):
            chains.ids.append(object_id)
            chains.counts.append(count)
            chains.heads.append(head[:HEAD_PREFIX].ljust(HEAD_PREFIX, "-"))
        models[chain_label(model)] = chains
    digest, chains, entries = _digest(models)
    signature = keys.mac(key_id, _signed(created_at, chains, entries, digest))
    Checkpoint.objects.create(
        created_at=created_at,
        key_id=key_id,
        chains=chains,
        entries=entries,
        digest=digest,
        signature=signature,
    )
    return Snapshot(created_at, key_id, chains, entries, digest, signature, models)


def read(path) -> Snapshot:
    """A checkpoint file, checked: its rows match its digest and the digest carries our signature.

    Raises CheckpointError saying what is wrong.
    """
    try:
        with open(path, "rb") as source:
            document = json.loads(gzip.decompress(source.read()))
        fmt = document.get("format")
        models = {label: Chains.from_json(data) for label, data in document["models"].items()}
        created_at = datetime.datetime.fromisoformat(document["created_at"])
        key_id, signature = document["key_id"], document["signature"]
    except (OSError, EOFError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CheckpointError(f"{path} cannot be read as a checkpoint: {exc}") from exc
    if fmt != FORMAT:
        raise CheckpointError(f"{path} is not a checkpoint file ({FORMAT})")
    digest, chains, entries = _digest(models)
    if keys.get(key_id) is None:
        raise CheckpointError(
            f"the checkpoint is signed with key {key_id}, which is not configured "
            f"(configured: {keys.describe()})"
        )
    if (digest, chains, entries) != (document["digest"], document["chains"], document["entries"]):
        raise CheckpointError("the checkpoint's rows do not match its digest: the file was altered")
    if signature != keys.mac(key_id, _signed(created_at, chains, entries, digest)):
        raise CheckpointError("the checkpoint's signature does not verify: the file was altered")
    return Snapshot(created_at, key_id, chains, entries, digest, signature, models)


def is_recorded(snapshot: Snapshot) -> bool:
    """Whether the system still holds the Checkpoint row of this snapshot."""
    return Checkpoint.objects.filter(signature=snapshot.signature).exists()
